// The formulas in the search results: how many, how many the browser drew (a box wider than
// zero), and any text outside code left as TeX (\command) or as a placeholder.
() => {
  const formulas = [...document.querySelectorAll('.md-search-result math')];
  const results = document.querySelector('.md-search-result')?.cloneNode(true);
  results?.querySelectorAll('pre, code').forEach(code => code.remove());
  const text = results?.textContent || '';
  return {
    formulas: formulas.length,
    drawn: formulas.filter(m => m.getBoundingClientRect().width > 0).length,
    raw: (text.match(/\\[a-zA-Z]+|[\ue000-\ue001]/g) || []).slice(0, 5),
  };
}
