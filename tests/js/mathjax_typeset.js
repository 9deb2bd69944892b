// Nothing: resolves once MathJax has typeset the page (at once on a page without MathJax).
async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise }
