// How many CSS pixels the page is wider than the window (0 if it fits), measured with every
// block laid out (none skipped by content-visibility until it nears the screen).
() => {
  const all = document.createElement('style');
  all.textContent = '* { content-visibility: visible !important; }';
  document.head.append(all);
  const over = document.documentElement.scrollWidth - document.documentElement.clientWidth;
  all.remove();
  return over;
}
