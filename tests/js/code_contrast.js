// The kinds of code token with less than 4.5:1 contrast against their block, as messages (a list of strings).
() => {
  // WCAG contrast of every kind of token in the code blocks, against the block's background.
  const rgba = c => c.match(/[\d.]+/g).map(Number);
  const over = (fg, bg) => { const a = fg.length > 3 ? fg[3] : 1; return [0, 1, 2].map(i => fg[i] * a + bg[i] * (1 - a)); };
  const lum = c => c.map(v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
                    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = e => {
    for (; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.length < 4 ? c : over(c, [255, 255, 255]);
    }
    return [255, 255, 255];
  };
  const seen = new Set(), low = [];
  for (const code of document.querySelectorAll("article pre > code, article .highlight-ipynb > pre")) {
    const bg = background(code);
    for (const token of code.querySelectorAll("span[class]")) {
      const key = token.className + bg;
      if (seen.has(key) || !token.textContent.trim()) continue;
      seen.add(key);
      const fg = over(rgba(getComputedStyle(token).color), bg);
      const [a, b] = [lum(fg), lum(bg)];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 4.5) low.push(`code token .${token.className} ("${token.textContent.trim().slice(0, 20)}") ${ratio.toFixed(2)}:1`);
    }
  }
  return low;
}
