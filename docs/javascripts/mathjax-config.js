// MathJax 3, served from this site (see hooks/offline_math.py): no network needed.
window.MathJax = {
  loader: {
    // assistive-mml puts hidden MathML next to each formula for screen readers;
    // TeX packages a page uses (\boldsymbol, \cancel, ...) are autoloaded from
    // assets/mathjax/input/tex/extensions/.
    load: ["input/tex", "output/chtml", "a11y/assistive-mml"]
  },
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
    tags: "ams"
  },
  chtml: { fontURL: new URL("../assets/mathjax/output/chtml/fonts/woff-v2", document.currentScript.src).href },
  options: {
    // Typeset only what Arithmatex marks and the Markdown cells of notebooks.
    // Any element with a class is skipped unless it is one of these; elements
    // without a class inherit from their parent, so the <p> and <li> inside a
    // notebook's Markdown cell are typeset and the rest of the page is not.
    ignoreHtmlClass: ".+",
    processHtmlClass: "arithmatex|jp-MarkdownOutput"
  }
};

// An inline formula cannot break across lines: one wider than its paragraph (on
// a phone) would make the whole page scroll sideways. Such a formula scrolls
// by itself instead (class arithmatex--wide, stylesheets/extra.css).
function fitWideInlineMath() {
  const formulas = [...document.querySelectorAll(".md-typeset span.arithmatex")];
  formulas.forEach((formula) => formula.classList.remove("arithmatex--wide"));
  formulas
    .filter((formula) => {
      const line = formula.closest("p, li, td, th, dd, blockquote, div");
      return line && formula.getBoundingClientRect().width > line.clientWidth;
    })
    .forEach((formula) => formula.classList.add("arithmatex--wide"));
}
let fitting = false;
window.addEventListener("resize", () => {
  if (fitting) return;
  fitting = true;
  requestAnimationFrame(() => {
    fitting = false;
    fitWideInlineMath();
  });
});

// Material's instant navigation swaps the page without reloading scripts:
// typeset the new page. The first emission is the page MathJax's startup
// typesets itself. Chaining on startup.promise keeps typesetting in order, and
// lets anyone wait for the current page: `await MathJax.startup.promise`.
(() => {
  let initialPage = true;
  document$.subscribe(() => {
    if (initialPage) {
      initialPage = false;
      if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
        MathJax.startup.promise = MathJax.startup.promise.then(fitWideInlineMath);
      }
      return;
    }
    MathJax.startup.promise = MathJax.startup.promise.then(() => {
      MathJax.startup.output.clearCache();
      MathJax.typesetClear();
      MathJax.texReset();
      return MathJax.typesetPromise();
    }).then(fitWideInlineMath);
  });
})();
