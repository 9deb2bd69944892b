// Nothing: lays out every block now, as if the reader had scrolled past each one, and resolves two
// frames later, once the page's scripts have seen the new layout. The site lays out blocks far from
// the screen only as they come near (content-visibility in extra.css); what a reader sees there
// (contrast, scrolling, sizes) is checked as it is once shown. Closed boxes and hidden tabs are shown
// too, until show_hidden_done.js: the theme gives a code block its buttons only once it has been
// on screen (content.lazy in mkdocs.yml), and the tests bring every block on screen at once.
() => {
  document.head.insertAdjacentHTML(
    "beforeend", '<style id="everything-shown">* { content-visibility: visible !important; }</style>');
  document.head.insertAdjacentHTML("beforeend", `<style id="hidden-shown">
    details:not([open])::details-content { content-visibility: visible; display: block; }
    .tabbed-set > .tabbed-content > .tabbed-block { display: block !important; }</style>`);
  return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
}
