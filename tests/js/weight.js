// Every resource the page loaded, itself included: a list of [url, bytes transferred, bytes decoded].
() => {
  const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
  return entries.map(e => [e.name, e.encodedBodySize, e.decodedBodySize]);
}
