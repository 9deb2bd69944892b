// True if a collapsible box in the article is open and everything in it but its summary is visible.
() => {
  const d = [...document.querySelectorAll('article details')].find(d => d.open);
  // A box with display: contents (a table's, hooks/tables.py) draws nothing itself: shown if what is in it is.
  const shown = e => getComputedStyle(e).display === 'contents' ? [...e.children].some(shown) : e.checkVisibility();
  return !!d && [...d.children].filter(c => c.tagName !== 'SUMMARY').every(shown);
}
