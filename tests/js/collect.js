// What the tests check on a loaded page: {title, formulas, math, raw, code_blocks, code_without_copy, figures, unlabelled, anchors, notebook, unreachable}.
() => {
  const article = document.querySelector("article.md-content__inner") || document.body;
  // Formulas are typeset when the site is built (KaTeX): count them, and anything KaTeX or the
  // build could have left behind.
  const formulas = [...article.querySelectorAll(".katex")];
  const math = {
    arithmatex: article.querySelectorAll(".arithmatex").length,
    untypeset: article.querySelectorAll(".arithmatex:not(:has(.katex))").length,
    errors: [...article.querySelectorAll(".katex-error, .katex [style*='color:#cc0000']")].map(e => e.getAttribute("title") || e.textContent),
    without_mathml: formulas.filter(f => !f.querySelector(".katex-mathml math")).length,
    notebook_formulas: article.querySelectorAll(".jp-MarkdownOutput .katex").length,
    scripts: [...document.querySelectorAll("script[src]")].map(s => s.getAttribute("src")).filter(s => /math|katex/i.test(s)),
  };
  // Text a reader sees, code and typeset math aside: no TeX delimiters may be left in it.
  const prose = article.cloneNode(true);
  prose.querySelectorAll("pre, code, .katex, script, style, [hidden], .jp-OutputArea, .clipboard-copy-txt").forEach(e => e.remove());
  const text = prose.textContent;
  const raw = [];
  for (const re of [/\$\$[^$]+\$\$/g, /\$[^$\s][^$\n]{0,200}?\$/g, /\\\(.{0,200}?\\\)/g, /\\\[.{0,200}?\\\]/g, /\\(begin|end)\{\w+\*?\}/g]) {
    for (const m of text.matchAll(re)) raw.push(m[0].slice(0, 80));
  }
  const blocks = [...article.querySelectorAll("pre:has(> code)")];
  const cells = [...article.querySelectorAll(".jp-CodeCell .jp-InputArea")];
  const unreachable = [...article.querySelectorAll("pre > code")].filter(c => c.scrollWidth > c.clientWidth && c.tabIndex < 0).length;
  const figures = [...article.querySelectorAll("svg:not(svg svg):not([aria-hidden=true]), img")].filter(
    e => !e.closest(".katex, .md-icon, .twemoji, .md-button, .md-content__button, .headerlink, .md-clipboard, .md-code__nav, .md-annotation"));
  const unlabelled = figures.filter(e => e.tagName.toLowerCase() === "img"
      ? !(e.getAttribute("alt") || "").trim()
      : !(e.getAttribute("role") === "img" && (e.getAttribute("aria-label") || "").trim()))
    .map(e => e.outerHTML.slice(0, 120));
  const here = location.origin + location.pathname;
  const anchors = [...document.querySelectorAll("a[href*='#']")]
    .filter(a => a.hash.length > 1 && a.origin + a.pathname === here)
    .filter(a => !document.getElementById(decodeURIComponent(a.hash.slice(1))))
    .map(a => a.getAttribute("href"));
  let notebook = null;
  if (document.querySelector(".jupyter-wrapper")) {
    const cells = [...document.querySelectorAll(".jp-CodeCell")];
    const outputs = [...document.querySelectorAll(".jp-OutputArea-output")];
    notebook = {
      code_cells: cells.length,
      unexecuted: cells.filter(c => !/\[\s*\d+\s*\]/.test((c.querySelector(".jp-InputPrompt") || {}).textContent || "")).length,
      outputs: outputs.length,
      errors: outputs.filter(o => /vnd\.jupyter\.(stderr|error)/.test(o.getAttribute("data-mime-type") || "")
          || /Traceback \(most recent call last\)|^\w*(Error|Exception):/m.test(o.textContent))
        .map(o => o.textContent.trim().slice(0, 200)),
      figures_as_text: outputs.filter(o => /^<(Figure|matplotlib\.)[^>]*>$/m.test(o.textContent.trim())).length,
      images: outputs.reduce((n, o) => n + o.querySelectorAll("img, svg[role=img]").length, 0),
      download: (document.querySelector("a[download][href$='.ipynb']") || {}).href || null,
    };
  }
  return {
    title: document.title,
    formulas: formulas.length,
    math, raw,
    code_blocks: blocks.length + cells.length,
    code_without_copy: blocks.filter(b => !b.querySelector(":scope > .md-clipboard, :scope > .md-code__nav [data-md-type=copy]")).length
      + cells.filter(c => !c.querySelector("clipboard-copy, .md-code__nav [data-md-type=copy]")).length,
    figures: figures.length,
    unlabelled, anchors, notebook, unreachable,
  };
}
