// The head explorer's own computation on each sequence: {out, weights, passes}, one entry per sequence
// (out and weights flattened row by row).
([task, head, sequences, gap]) => {
  const found = {out: [], weights: [], passes: []};
  for (const tokens of sequences) {
    const r = window.headExplorer.compute(task, head, tokens, gap);
    found.out.push(r.out.flat());
    found.weights.push(r.weights.flat());
    found.passes.push(r.passes);
  }
  return found;
}
