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
    const light = slim(await axe.run(context, {resultTypes: ["violations"]}));
    const body = document.body, scheme = body.getAttribute("data-md-color-scheme");
    body.setAttribute("data-md-color-scheme", "slate");
    const dark = slim(await axe.run(context, {resultTypes: ["violations"], runOnly: {type: "rule", values: ["color-contrast"]}}));
    const code = (CODE_CONTRAST)();
    body.setAttribute("data-md-color-scheme", scheme);
    document.getElementById("no-fade").remove();
    return {light, dark, code};
  });
}
