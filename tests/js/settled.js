// Nothing: resolves once the fonts and the search index have loaded (the search index: 5 s at most).
async () => {
  await document.fonts.ready;
  const loaded = () => performance.getEntriesByType("resource").some(e => e.name.endsWith("search_index.json") && e.responseEnd > 0);
  for (let i = 0; i < 200 && !loaded(); i++) await new Promise(r => setTimeout(r, 25));
}
