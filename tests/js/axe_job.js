// Nothing: starts axe-core (both colour schemes) and the dark code contrast check in the page; window.__axeJob resolves to {light, dark, code}.
([context, source]) => {
  const slim = result => result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => [n.target.join(", "), n.html.slice(0, 160), (n.failureSummary || "").slice(0, 300)])}));
  // Started on a timer, so that this call returns at once and the work happens in the page.
  window.__axeJob = new Promise(resolve => setTimeout(resolve, 0)).then(async () => {
    if (typeof window.axe === "undefined") (0, eval)(source);
    // Colours fade for a quarter second after a change (of scheme, of layout when the window is
    // resized): measure the colours a reader ends up with.
    document.head.insertAdjacentHTML("beforeend", '<style id="no-fade">*, *::before, *::after { transition: none !important }</style>');
    const body = document.body, scheme = body.getAttribute("data-md-color-scheme");
    body.setAttribute("data-md-color-scheme", "slate");
    const code = (CODE_CONTRAST)();
    // What axe-core is told to leave out (formulas, code, figures: checked by the tests' own
    // checks) is emptied, each element keeping its size: axe-core walks the whole document
    // before it applies its exclusions, and those parts are most of a page's elements. The page
    // is loaded afresh after this.
    const excluded = (context.exclude || []).flatMap(([selector]) => [...document.querySelectorAll(selector)]);
    const boxes = excluded.map(element => [element.getBoundingClientRect(), getComputedStyle(element).display]);
    excluded.forEach((element, i) => {
      if (!element.isConnected) return;  // inside another excluded element, already emptied
      const [size, display] = boxes[i];
      element.replaceChildren();
      if (display === "inline") element.style.setProperty("display", "inline-block", "important");
      element.style.setProperty("width", `${size.width}px`, "important");
      element.style.setProperty("height", `${size.height}px`, "important");
    });
    const dark = slim(await axe.run(context, {resultTypes: ["violations"], runOnly: {type: "rule", values: ["color-contrast"]}}));
    body.setAttribute("data-md-color-scheme", scheme);
    const light = slim(await axe.run(context, {resultTypes: ["violations"]}));
    document.getElementById("no-fade").remove();
    return {light, dark, code};
  });
}
