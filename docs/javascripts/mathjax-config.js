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
  },
  startup: {
    // The page is typeset in slices (typesetInSlices, below); startup.promise
    // resolves when all of it is.
    typeset: false,
    pageReady: () => MathJax.startup.defaultPageReady().then(typesetInSlices)
  }
};

// Until its formulas are typeset, a page shows raw TeX, which then jumps as it
// turns into math. So the article of a page with math stays invisible (the
// header and the navigation show at once) until the formulas on the first
// screen are typeset, for 3 seconds at most; the rest of the page follows in
// slices of a few milliseconds each, so that the page keeps responding to the
// reader (typesetting all formulas in one go keeps a slow phone busy for half a
// second). Equation numbers carry on from slice to slice; a page that refers
// to an equation (\ref, \eqref) is typeset in one go, so that a reference to
// an equation further down resolves.
const SLICE_MS = 10;
function hideUntilTypeset() {
  if (!document.querySelector(".arithmatex, .jp-MarkdownOutput")) return;
  document.documentElement.classList.add("math-pending");
  setTimeout(showTypeset, 3000);
}
function showTypeset() {
  document.documentElement.classList.remove("math-pending");
}
hideUntilTypeset();

async function typesetInSlices() {
  const containers = [...document.querySelectorAll(".arithmatex, .jp-MarkdownOutput")];
  if (containers.some((c) => /\\(eq)?ref\b/.test(c.textContent))) {
    await MathJax.typesetPromise();
    await document.fonts.ready;
    showTypeset();
    return;
  }
  // First, every formula up to the bottom of the first screen, in one go; again
  // if typesetting shortened the page and drew more formulas onto the screen.
  const screen = window.innerHeight;
  let next = 0;
  for (;;) {
    const first = next;
    while (next < containers.length && containers[next].getBoundingClientRect().top < screen) next++;
    if (next === first) break;
    await MathJax.typesetPromise(containers.slice(first, next));
  }
  await document.fonts.ready; // the math fonts those formulas use: text set in a fallback font would jump
  showTypeset();
  let size = 2;
  while (next < containers.length) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    const slice = containers.slice(next, next + size);
    next += slice.length;
    const start = performance.now();
    await MathJax.typesetPromise(slice);
    const took = performance.now() - start;
    // Aim each slice at SLICE_MS: more formulas if they go fast, fewer if not.
    size = Math.max(1, Math.min(64, Math.round(size * (took > 0 ? SLICE_MS / took : 2))));
  }
}

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
    hideUntilTypeset();
    MathJax.startup.promise = MathJax.startup.promise.then(() => {
      MathJax.startup.output.clearCache();
      MathJax.typesetClear();
      MathJax.texReset();
      return typesetInSlices();
    }).then(fitWideInlineMath);
  });
})();
