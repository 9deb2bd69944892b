// The length of the whole page in CSS pixels, measured with every block laid out (none
// skipped by content-visibility until it nears the screen).
() => {
  const all = document.createElement('style');
  all.textContent = '* { content-visibility: visible !important; }';
  document.head.append(all);
  const height = document.documentElement.scrollHeight;
  all.remove();
  return height;
}
