// Nothing: lays out every block now, as if the reader had scrolled past each one, and resolves two
// frames later, once the page's scripts have seen the new layout. The site lays out blocks far from
// the screen only as they come near (content-visibility in extra.css); what a reader sees there
// (contrast, scrolling, sizes) is checked as it is once shown.
() => {
  document.head.insertAdjacentHTML(
    "beforeend", '<style id="everything-shown">* { content-visibility: visible !important; }</style>');
  return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
}
