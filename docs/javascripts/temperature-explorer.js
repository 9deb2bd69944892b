// The temperature explorer of 1(b): softmax attention on the assignment's keys, values and query,
// the scores divided by a temperature T, on the data the site build exported (hooks/explorer_data.py).
// tests/test_explorers.py checks it against snippets.attention.softmax and PyTorch's autograd.
(() => {
  if (window.temperatureExplorer) return; // instant navigation runs the script again: set up once

  // Mirrors snippets.attention_torch.softmax_attention at temperature T, and the gradient
  // snippets.attention_torch.gradients takes of its summed output with respect to the query:
  // s = K q / sqrt(d); w = softmax(s / T); L = sum(w V), so with u_j the sum of value j,
  // dL/dq = sum_j w_j (u_j - sum_i w_i u_i) k_j / (sqrt(d) T).
  function attend(data, T) {
    const { keys, values, query } = data, root = Math.sqrt(query.length);
    const z = keys.map((k) => k.reduce((s, kc, c) => s + kc * query[c], 0) / root / T);
    const top = Math.max(...z), e = z.map((v) => Math.exp(v - top)), sum = e.reduce((s, v) => s + v, 0);
    const weights = e.map((v) => v / sum);
    const u = values.map((v) => v.reduce((s, x) => s + x, 0));
    const mean = weights.reduce((s, w, i) => s + w * u[i], 0);
    const dz = weights.map((w, j) => w * (u[j] - mean));
    const dq = query.map((_, c) => keys.reduce((s, k, j) => s + dz[j] * k[c], 0) / T / root);
    return { weights, gradNorm: Math.hypot(...dq) };
  }
  const argmax = (data) => {
    const s = data.keys.map((k) => k.reduce((t, kc, c) => t + kc * data.query[c], 0));
    return s.indexOf(Math.max(...s));
  };

  const registry = {};
  window.temperatureExplorer = {
    attend: (T) => attend(registry.data, T),
    stops: () => registry.data.temperatures,
    data: () => registry.data,
  };

  const fmtT = (T) => String(Number(T.toPrecision(3)));
  const fmtNorm = (g) => (g < 1e-12 ? "below 1e-12" : g.toPrecision(3));

  function bars(data, r, best) {
    const n = r.weights.length, left = 34, top = 26, h = 120, bw = 44, gap = 16, width = left + n * (bw + gap) + 4;
    const y = (v) => top + (1 - v) * h;
    let svg = [0, 0.5, 1].map((t) => `<line x1="${left - 4}" x2="${width}" y1="${y(t)}" y2="${y(t)}" class="tx-grid"/>`
      + `<text x="${left - 7}" y="${y(t)}" text-anchor="end" dominant-baseline="middle">${t}</text>`).join("");
    svg += `<line x1="${left}" x2="${width}" y1="${y(1 / n)}" y2="${y(1 / n)}" class="tx-limit"/>`
      + `<text x="${width}" y="${y(1 / n) - 4}" text-anchor="end" font-size="10">uniform: T → ∞</text>`;
    r.weights.forEach((w, j) => {
      const x = left + gap / 2 + j * (bw + gap);
      svg += `<rect x="${x}" y="${y(w)}" width="${bw}" height="${Math.max(y(0) - y(w), 0)}" class="tx-bar"/>`
        + `<text x="${x + bw / 2}" y="${top + h + 14}" text-anchor="middle">k${j + 1}</text>`
        + `<text x="${x + bw / 2}" y="${top + h + 28}" text-anchor="middle" font-size="10">${w.toFixed(3)}</text>`;
      if (j === best) {
        svg += `<rect x="${x - 3}" y="${y(1) - 3}" width="${bw + 6}" height="${h + 6}" class="tx-limit" fill="none"/>`
          + `<text x="${x + bw / 2}" y="${top - 14}" text-anchor="middle" font-size="10">argmax: T → 0</text>`;
      }
    });
    svg += `<text x="0" y="${top - 14}" font-size="10">weight</text>`;
    return `<svg role="img" viewBox="0 0 ${width} ${top + h + 34}" width="${width * 1.2}" aria-label="Softmax weights on keys 1 to ${n}: `
      + `${r.weights.map((w, j) => `key ${j + 1} ${w.toFixed(3)}`).join(", ")}. The argmax limit puts weight 1 on key ${best + 1}; `
      + `the limit T → ∞ puts ${1 / n} on each.">${svg}</svg>`;
  }

  function curve(data, k, norms) {
    const T = data.temperatures, left = 40, top = 22, w = 220, h = 110, lo = -8, hi = 1;
    const [a, b] = [Math.log10(T[0]), Math.log10(T[T.length - 1])];
    const x = (t) => left + ((Math.log10(t) - a) / (b - a)) * w;
    const y = (g) => top + ((hi - Math.max(Math.log10(g), lo)) / (hi - lo)) * h;
    const peak = norms.indexOf(Math.max(...norms));
    const shown = norms.map((g, i) => [i, g]).filter(([, g]) => g >= 10 ** lo);
    let svg = [lo, -4, 0].map((p) => `<line x1="${left}" x2="${left + w}" y1="${y(10 ** p)}" y2="${y(10 ** p)}" class="tx-grid"/>`
      + `<text x="${left - 4}" y="${y(10 ** p)}" text-anchor="end" dominant-baseline="middle" font-size="10">1e${p}</text>`).join("");
    svg += [a, 0, b].map((p) => `<text x="${x(10 ** p)}" y="${top + h + 13}" text-anchor="middle" font-size="10">${fmtT(10 ** p)}</text>`).join("")
      + `<text x="${left + w / 2}" y="${top + h + 27}" text-anchor="middle" font-size="10">temperature T (log scale)</text>`
      + `<polyline points="${shown.map(([i, g]) => `${x(T[i])},${y(g)}`).join(" ")}" class="tx-line"/>`
      + `<circle cx="${x(T[k])}" cy="${y(norms[k])}" r="5" class="tx-now"/>`
      + `<text x="${left + 3}" y="${top + h - 4}" font-size="10">← argmax: exactly 0</text>`
      + `<text x="0" y="${top - 12}" font-size="10">|∂L/∂q|, the query's gradient (log scale)</text>`;
    return `<svg role="img" viewBox="0 0 ${left + w + 16} ${top + h + 32}" width="${(left + w + 16) * 1.2}" aria-label="The query's gradient `
      + `norm against the temperature, log scales: ${fmtNorm(norms[k])} at T = ${fmtT(T[k])}; largest, ${norms[peak].toPrecision(3)}, `
      + `at T = ${fmtT(T[peak])}; it falls towards 0 at both ends, and is exactly 0 under argmax.">${svg}</svg>`;
  }

  const STYLE = `
.temperature-explorer{margin:1em 0;padding:.8em;border:1px solid var(--md-default-fg-color--lightest);border-radius:.2rem;break-inside:avoid}
.temperature-explorer input[type=range]{width:16em;max-width:100%;accent-color:var(--md-accent-fg-color)}
.temperature-explorer .tx-figure{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-end;margin-top:.6em}
.temperature-explorer svg{max-width:100%;height:auto;font-size:11px;fill:currentColor}
.temperature-explorer .tx-grid{stroke:var(--md-default-fg-color--lightest)}
.temperature-explorer .tx-limit{stroke:currentColor;stroke-dasharray:4 3}
.temperature-explorer .tx-bar{fill:var(--md-primary-fg-color)}
.temperature-explorer .tx-line{fill:none;stroke:var(--md-primary-fg-color);stroke-width:1.5}
.temperature-explorer .tx-now{fill:var(--md-accent-fg-color);stroke:currentColor}
.temperature-explorer .tx-summary{margin:.6em 0 0}`;

  function mount(el) {
    const data = JSON.parse(el.dataset.explorer);
    registry.data = data;
    if (!document.getElementById("temperature-explorer-style")) {
      document.head.insertAdjacentHTML("beforeend", `<style id="temperature-explorer-style">${STYLE}</style>`);
    }
    const T = data.temperatures, best = argmax(data), norms = T.map((t) => attend(data, t).gradNorm);
    el.innerHTML = `
<label for="tx-T">Temperature <i>T</i> (scores divided by <i>T</i>)</label>
<input id="tx-T" type="range" min="0" max="${T.length - 1}" step="1" value="${data.start}" aria-describedby="tx-summary">
<output for="tx-T"></output>
<div class="tx-figure"><div class="tx-bars"></div><div class="tx-curve"></div></div>
<p class="tx-summary" id="tx-summary" aria-live="polite"></p>`;
    const slider = el.querySelector("input");
    function render() {
      const k = Number(slider.value), r = attend(data, T[k]);
      el.querySelector("output").textContent = `T = ${fmtT(T[k])}`;
      slider.setAttribute("aria-valuetext", `T = ${fmtT(T[k])}`);
      el.querySelector(".tx-bars").innerHTML = bars(data, r, best);
      el.querySelector(".tx-curve").innerHTML = curve(data, k, norms);
      el.querySelector(".tx-summary").textContent = `At T = ${fmtT(T[k])} the weights on keys 1 to ${r.weights.length} are `
        + `${r.weights.map((w) => w.toFixed(3)).join(", ")}, and the query's gradient has norm ${fmtNorm(r.gradNorm)}. `
        + `As T → 0 the weights go to argmax's (1 on key ${best + 1}), whose gradient is exactly 0; as T grows they flatten `
        + `towards ${1 / r.weights.length} each, and the gradient shrinks like 1/T.`;
    }
    slider.addEventListener("input", render);
    el.dataset.mounted = "";
    render();
  }

  (window.explorerCalls ||= []).push([".temperature-explorer[data-explorer]", mount]); // drawn as it comes near (explorer.js)
})();
