// Whether an element is drawn (checkVisibility). A box with display: contents (a table's,
// hooks/tables.py) draws nothing itself: it is shown if something in it is.
function shown(element) {
  return getComputedStyle(element).display === "contents" ? [...element.children].some(shown) : element.checkVisibility();
}
