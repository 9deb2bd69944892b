// True if the document is the one mark_same_document.js marked (not reloaded since).
() => window.__sameDocument === true
