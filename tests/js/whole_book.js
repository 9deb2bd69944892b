// The whole-book page as built: {chapters: ids of its chapter sections in order, leaving: links in
// the text that still open another page of the book, tex: TeX left in the text a reader sees (code and
// typeset formulas aside), chrome: the theme's header, sidebars and footer that are displayed,
// unbroken: chapters that do not start a new sheet when printed, unloaded: figures not loaded}.
() => {
  const article = document.querySelector("article.md-content__inner");
  const chapters = [...article.querySelectorAll("section.whole-book-chapter")].map(s => s.id);
  const here = location.origin + location.pathname;
  const isFile = path => /\.[a-z0-9]+$/i.test(path) && !path.endsWith(".html");
  const leaving = [...article.querySelectorAll("a[href]")]
    .filter(a => a.origin === location.origin && a.origin + a.pathname !== here && !isFile(a.pathname))
    .map(a => a.getAttribute("href"));
  const prose = article.cloneNode(true);
  prose.querySelectorAll("pre, code, .katex, script, style, [hidden], .jp-OutputArea").forEach(e => e.remove());
  const tex = [...prose.textContent.matchAll(/\$\$|\\(frac|dfrac|mathbf|mathrm|sqrt|sum|top|begin|end|left|right)\b/g)]
    .map(m => m[0]);
  const hidden = e => getComputedStyle(e).display === "none" || !e.checkVisibility();
  const chrome = [".md-header", ".md-sidebar", ".md-footer"]
    .filter(s => [...document.querySelectorAll(s)].some(e => !hidden(e)));
  const unbroken = [...article.querySelectorAll("section.whole-book-chapter")]
    .filter(s => getComputedStyle(s).breakBefore !== "page").map(s => s.id);
  const unloaded = [...article.querySelectorAll("img")].filter(i => !i.naturalWidth).map(i => i.getAttribute("src"));
  return {chapters, leaving, tex, chrome, unbroken, unloaded};
}
