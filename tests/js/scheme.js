// The colour scheme the page shows: "default" (light) or "slate" (dark).
() => document.body.dataset.mdColorScheme
