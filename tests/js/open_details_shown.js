// True if a collapsible box in the article is open and everything in it but its summary is visible.
() => {
  const d = [...document.querySelectorAll('article details')].find(d => d.open);
  const shown = SHOWN;
  return !!d && [...d.children].filter(c => c.tagName !== 'SUMMARY').every(shown);
}
