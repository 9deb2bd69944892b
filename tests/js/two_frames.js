// Nothing: resolves after two animation frames, once the page has laid itself out again.
() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))
