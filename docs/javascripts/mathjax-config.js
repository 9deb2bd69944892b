// MathJax 3, served from this site (see hooks/offline_math.py): no network needed.
window.MathJax = {
  loader: { load: ["input/tex", "output/chtml"] },
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
    tags: "ams"
  },
  chtml: { fontURL: new URL("../assets/mathjax/output/chtml/fonts/woff-v2", document.currentScript.src).href },
  options: {
    enableMenu: false,
    // Typeset only what Arithmatex marks and notebook Markdown cells.
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex|jp-RenderedMarkdown|jp-MarkdownOutput"
  }
};

// Material's instant navigation swaps the page without reloading scripts:
// typeset again on every page change.
document$.subscribe(() => {
  if (!window.MathJax || !MathJax.startup || !MathJax.startup.output) return;
  MathJax.startup.output.clearCache();
  MathJax.typesetClear();
  MathJax.texReset();
  MathJax.typesetPromise();
});
