// What the axe-core run started by axe_job.js found, {light, dark, code}, once it is done; null if none was started.
() => window.__axeJob || null
