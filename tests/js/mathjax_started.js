// True once MathJax has started typesetting the page, or the page has no MathJax.
() => !window.MathJax || (MathJax.startup && MathJax.startup.promise)
