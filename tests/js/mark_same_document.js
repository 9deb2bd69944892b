// True: marks the document, so that same_document.js tells whether it is still the one shown.
() => window.__sameDocument = true
