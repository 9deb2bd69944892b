// A region that scrolls sideways (a wide table, a code block, code in a notebook's
// Markdown) must be reachable from the keyboard to be scrolled: make each one
// focusable. The theme does this for code blocks only once they have been on
// screen (content.lazy), and for the others not at all. A region is checked
// each time it is laid out: blocks far from the screen are laid out only as they
// come near (content-visibility in extra.css), and a window can be resized.
const sideways = new ResizeObserver(entries => {
  for (const { target } of entries) {
    if (target.scrollWidth > target.clientWidth && !target.hasAttribute("tabindex")) {
      target.tabIndex = 0;
    }
  }
});
document$.subscribe(() => {
  sideways.disconnect();
  const regions = document.querySelectorAll(
    ".md-typeset__scrollwrap, .md-typeset pre > code, .md-typeset .highlight > pre:not(:has(> code))"
  );
  for (const region of regions) {
    sideways.observe(region);
  }
});
