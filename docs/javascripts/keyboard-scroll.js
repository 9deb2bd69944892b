// A region that scrolls sideways (a wide table, code in a notebook's Markdown)
// must be reachable from the keyboard to be scrolled: make each one focusable.
// The theme does this for code blocks; these it leaves out.
document$.subscribe(() => {
  const regions = document.querySelectorAll(
    ".md-typeset__scrollwrap, .md-typeset .highlight > pre:not(:has(> code))"
  );
  for (const region of regions) {
    if (region.scrollWidth > region.clientWidth && !region.hasAttribute("tabindex")) {
      region.tabIndex = 0;
    }
  }
});
