// The head explorer of 3(a) and 3(b): one attention head run in the page, on the weights the
// site build exported (hooks/explorer_data.py puts them in the mount point's data-explorer).
// tests/test_explorers.py checks it against NumpyTransformer and the course's check on every input.
(() => {
  if (window.headExplorer) return; // instant navigation runs the script again: set up once

  const matmul = (A, B) => A.map((row) => B[0].map((_, j) => row.reduce((s, a, k) => s + a * B[k][j], 0)));
  const transpose = (A) => A[0].map((_, j) => A.map((row) => row[j]));
  const softmax = (z) => {
    const top = Math.max(...z);
    const e = z.map((v) => Math.exp(v - top)); // minus the max: exp cannot overflow
    const sum = e.reduce((s, v) => s + v, 0);
    return e.map((v) => v / sum);
  };

  // Mirrors NumpyTransformer.forward (snippets/transformer.py), with Qm multiplied by gap / own gap
  // (snippets.sharpness.with_smallest_gap): x = [seq, pos]; K = x Km, Q = x Qm, V = x Vm;
  // weights = softmax(Q K^T / sqrt(qk_dim)) over the keys; out = weights V.
  function forward(head, seq, gap) {
    const Qm = head.Qm.map((row) => row.map((v) => v * (gap / head.gap)));
    const x = head.pos ? seq.map((row, i) => row.concat(head.pos[i])) : seq;
    const K = matmul(x, head.Km), Q = matmul(x, Qm), V = matmul(x, head.Vm);
    const weights = matmul(Q, transpose(K)).map((row) => softmax(row.map((s) => s / Math.sqrt(head.Km[0].length))));
    return { weights, out: matmul(weights, V) };
  }

  // snippets.hw3_tasks.encode and target (content: the tokens; position: the first token everywhere).
  const encode = (data, tokens) => [...tokens].map((t) => data.vocab.map((v) => (v === t ? 1 : 0)));
  const target = (data, tokens) => encode(data, data.task === "position" ? tokens[0].repeat(tokens.length) : tokens);

  // The course's check, np.allclose(out, target, rtol, atol): |out - target| <= atol + rtol |target| everywhere.
  // Returns the verdict and the entry that is furthest over (or closest to) its tolerance.
  function check(data, out, expected) {
    let worst = { excess: -Infinity };
    out.forEach((row, i) => row.forEach((o, j) => {
      const error = Math.abs(o - expected[i][j]), tolerance = data.atol + data.rtol * Math.abs(expected[i][j]);
      if (error - tolerance > worst.excess) worst = { excess: error - tolerance, error, tolerance, i, j };
    }));
    return { passes: worst.excess <= 0, worst };
  }

  function compute(data, headName, tokens, gap) {
    const { weights, out } = forward(data.heads[headName], encode(data, tokens), gap);
    const expected = target(data, tokens);
    return { weights, out, target: expected, ...check(data, out, expected) };
  }

  // The smallest gap at which this input passes: the first slider stop that passes, then bisection
  // between it and the stop before. null: no stop passes.
  function smallestPassingGap(data, headName, tokens) {
    const { min, max, step } = data.slider, passes = (g) => compute(data, headName, tokens, g).passes;
    const stops = Math.round((max - min) / step);
    for (let k = 0; k <= stops; k++) {
      const gap = min + k * step;
      if (!passes(gap)) continue;
      if (k === 0) return min;
      let lo = gap - step, hi = gap;
      for (let n = 0; n < 50; n++) {
        const mid = (lo + hi) / 2;
        if (passes(mid)) hi = mid; else lo = mid;
      }
      return hi;
    }
    return null;
  }

  const registry = {}; // task -> data of the explorer on the current page
  window.headExplorer = {
    forward, compute: (task, head, tokens, gap) => compute(registry[task], head, tokens, gap),
    smallestPassingGap: (task, head, tokens) => smallestPassingGap(registry[task], head, tokens),
    data: (task) => registry[task],
  };

  // -- drawing ---------------------------------------------------------------------------------

  const VIRIDIS = ["#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30", "#fde725"];
  const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  function colour(v) { // viridis, 0..1, the colour map of the book's other attention figures
    const x = Math.min(Math.max(v, 0), 1) * (VIRIDIS.length - 1), i = Math.min(Math.floor(x), VIRIDIS.length - 2);
    const [a, b] = [rgb(VIRIDIS[i]), rgb(VIRIDIS[i + 1])];
    return a.map((c, k) => Math.round(c + (b[k] - c) * (x - i)));
  }
  const css = (c) => `rgb(${c.join(",")})`;
  const ink = (c) => ((0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]) / 255 > 0.5 ? "#000" : "#fff");
  const cellText = (v) => (v > 0 && v < 1e-3 ? v.toExponential(0) : String(Number(v.toPrecision(2))));
  const num = (v) => (v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(1) : v.toFixed(3));
  const sci = (v) => (v === 0 ? "0" : v.toExponential(1));
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const named = (tokens) => [...tokens].map((t, i) => `${t}${i + 1}`);

  function heatmap(weights, tokens) {
    const n = tokens.length, cell = 40, left = 36, top = 22, bar = left + n * cell + 14;
    const labels = named(tokens);
    let svg = "";
    weights.forEach((row, i) => {
      svg += `<text x="${left - 5}" y="${top + i * cell + cell / 2}" text-anchor="end" dominant-baseline="middle">${labels[i]}</text>`;
      row.forEach((v, j) => {
        const c = colour(v);
        svg += `<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="${css(c)}"/>`
          + `<text x="${left + j * cell + cell / 2}" y="${top + i * cell + cell / 2}" text-anchor="middle" dominant-baseline="middle" fill="${ink(c)}" font-size="10">${cellText(v)}</text>`;
      });
    });
    labels.forEach((l, j) => { svg += `<text x="${left + j * cell + cell / 2}" y="${top - 7}" text-anchor="middle">${l}</text>`; });
    const h = n * cell, last = VIRIDIS.length - 1;
    const stops = VIRIDIS.map((_, k) => `<stop offset="${k / last}" stop-color="${VIRIDIS[last - k]}"/>`); // 1 at the top
    svg += `<defs><linearGradient id="hx-scale" x1="0" y1="0" x2="0" y2="1">${stops.join("")}</linearGradient></defs>`
      + `<rect x="${bar}" y="${top}" width="10" height="${h}" fill="url(#hx-scale)"/>`
      + [1, 0.5, 0].map((t) => `<text x="${bar + 14}" y="${top + (1 - t) * h}" dominant-baseline="middle">${t}</text>`).join("")
      + `<text transform="translate(${bar + 40} ${top + h / 2}) rotate(90)" text-anchor="middle">weight</text>`;
    const best = weights.map((row, i) => {
      const j = row.indexOf(Math.max(...row));
      return `query ${labels[i]} puts ${row[j].toFixed(3)} on key ${labels[j]}`;
    });
    const width = bar + 50, height = top + h + 6;
    return `<svg class="hx-map" role="img" viewBox="0 0 ${width} ${height}" width="${width * 1.25}" height="${height * 1.25}" `
      + `aria-label="Attention weights, queries in rows, keys in columns, colour scale 0 to 1: ${best.join("; ")}.">${svg}</svg>`;
  }

  const STYLE = `
.head-explorer{margin:1em 0;padding:.8em;border:1px solid var(--md-default-fg-color--lightest);border-radius:.2rem;break-inside:avoid}
.head-explorer .hx-controls{display:flex;flex-wrap:wrap;gap:.6em 1.4em;align-items:center}
.head-explorer fieldset{border:0;margin:0;padding:0}
.head-explorer legend{float:left;margin-right:.5em;padding:0}
.head-explorer input[type=text]{width:7em;font:inherit;font-family:var(--md-code-font-family);padding:.1em .3em;color:inherit;background:var(--md-default-bg-color);border:1px solid var(--md-default-fg-color--light)}
.head-explorer input[type=range]{width:12em;max-width:100%;accent-color:var(--md-accent-fg-color)}
.head-explorer button{font:inherit;padding:.1em .6em;color:inherit;background:var(--md-default-bg-color);border:1px solid var(--md-default-fg-color--light);border-radius:.2rem;cursor:pointer}
.head-explorer .hx-figure{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start;margin-top:.6em}
.head-explorer .hx-map{max-width:100%;height:auto;font-size:11px;fill:currentColor}
.head-explorer .hx-scroll{max-width:100%;overflow-x:auto}
.head-explorer .hx-table{font-size:.7rem;border-collapse:collapse;margin:0}
.head-explorer .hx-table td{white-space:nowrap}
.head-explorer .hx-table :is(th,td){padding:.15em .3em;text-align:right;border-bottom:1px solid var(--md-default-fg-color--lightest)}
.head-explorer .hx-summary{margin:.6em 0 0}
.head-explorer [aria-invalid=true]{outline:2px solid var(--md-accent-fg-color)}
@media print{.head-explorer button{display:none}}`;

  function mount(el) {
    const data = JSON.parse(el.dataset.explorer);
    registry[data.task] = data;
    if (!document.getElementById("head-explorer-style")) {
      document.head.insertAdjacentHTML("beforeend", `<style id="head-explorer-style">${STYLE}</style>`);
    }
    const id = `hx-${data.task}`, [shortest, longest] = data.lengths, { min, max, step } = data.slider;
    const state = { head: "designed", tokens: data.example.slice(0, longest), gap: data.heads.designed.gap };
    const radios = Object.entries(data.heads).map(([name, head]) =>
      `<label><input type="radio" name="${id}-head" value="${name}"${name === state.head ? " checked" : ""}> ${esc(head.label)}</label>`).join(" ");
    el.innerHTML = `
<div class="hx-controls">
  <span><label for="${id}-tokens">Tokens (${data.vocab.join(", ")}; ${shortest} to ${longest})</label>
    <input id="${id}-tokens" type="text" value="${state.tokens}" maxlength="${longest}" autocomplete="off" spellcheck="false" aria-describedby="${id}-summary">
    <button type="button" data-random>Random</button></span>
  <fieldset><legend>Head</legend> ${radios}</fieldset>
  <span><label for="${id}-gap">Smallest logit gap <i>s</i></label>
    <input id="${id}-gap" type="range" min="${min}" max="${max}" step="${step}" value="${state.gap}">
    <output for="${id}-gap"></output>
    <button type="button" data-own>Own gap</button></span>
</div>
<p class="hx-scale"></p>
<div class="hx-figure"><div class="hx-heatmap"></div><div class="hx-scroll" tabindex="0" role="region" aria-label="Output and target of each query"><table class="hx-table"><thead></thead><tbody></tbody></table></div></div>
<p class="hx-summary" id="${id}-summary" aria-live="polite"></p>`;
    const $ = (s) => el.querySelector(s);
    const field = $("input[type=text]"), slider = $("input[type=range]");
    const passing = {}; // smallest passing gap, per head and input

    function render() {
      const head = data.heads[state.head], tokens = state.tokens, labels = named(tokens);
      const r = compute(data, state.head, tokens, state.gap);
      const key = `${state.head} ${tokens}`;
      if (!(key in passing)) passing[key] = smallestPassingGap(data, state.head, tokens);
      const own = Math.abs(state.gap - head.gap) < 1e-12;
      $("output").textContent = `${state.gap.toFixed(own ? 2 : 1)}${own ? " (own)" : ""}`;
      slider.setAttribute("aria-valuetext", `${state.gap.toFixed(2)}${own ? ", the head's own gap" : ""}`);
      $(".hx-scale").innerHTML = `The slider multiplies <i>Q<sub>m</sub></i> by <i>s</i>/<i>s</i><sub>0</sub> = `
        + `${(state.gap / head.gap).toPrecision(3)}, where <i>s</i><sub>0</sub> = ${head.gap.toFixed(2)} is the ${esc(head.label)} head's `
        + `own smallest gap over every input: every score, and so every gap, is scaled by that factor.`;
      $(".hx-heatmap").innerHTML = heatmap(r.weights, tokens);
      $("thead").innerHTML = `<tr><th scope="col">query</th>${data.vocab.map((v) => `<th scope="col">out ${v}</th>`).join("")}`
        + `<th scope="col">target</th><th scope="col">|out − target|</th></tr>`;
      $("tbody").innerHTML = r.out.map((row, i) => `<tr><th scope="row">${labels[i]}</th>${row.map((v) => `<td>${num(v)}</td>`).join("")}`
        + `<td>${data.vocab[r.target[i].indexOf(1)]}</td><td>${sci(Math.max(...row.map((v, j) => Math.abs(v - r.target[i][j]))))}</td></tr>`).join("");
      const w = r.worst, where = `query ${labels[w.i]}, entry ${data.vocab[w.j]}`;
      const verdict = r.passes
        ? `passes the course's check (every |out − target| within ${data.atol} + ${data.rtol}·|target|; nearest its tolerance: ${sci(w.error)} at ${where})`
        : `fails the course's check: at ${where}, |out − target| = ${w.error.toExponential(2)} > ${w.tolerance.toExponential(2)} allowed`;
      const g = passing[key];
      const needed = g === null
        ? `No gap up to ${max} passes this input.`
        : g === min ? `This input passes even at gap ${min}.` : `This input needs a gap of about ${g.toFixed(2)} to pass.`;
      $(".hx-summary").textContent = `The ${head.label} head with smallest gap ${state.gap.toFixed(2)} on ${[...tokens].join(" ")} `
        + `${verdict}. ${needed} With exact values, as the designed head has, every input of the task passes once the gap `
        + `is above ${data.neededGap.toFixed(2)} (${longest} keys).`;
    }

    field.addEventListener("input", () => {
      const tokens = field.value.toUpperCase().replace(/[\s,]/g, "");
      const ok = new RegExp(`^[${data.vocab.join("")}]{${shortest},${longest}}$`).test(tokens);
      field.setAttribute("aria-invalid", String(!ok));
      if (!ok) {
        $(".hx-summary").textContent = `Type ${shortest} to ${longest} tokens, each one of ${data.vocab.join(", ")}.`;
        return;
      }
      state.tokens = tokens;
      render();
    });
    $("[data-random]").addEventListener("click", () => {
      const n = shortest + Math.floor(Math.random() * (longest - shortest + 1));
      state.tokens = Array.from({ length: n }, () => data.vocab[Math.floor(Math.random() * data.vocab.length)]).join("");
      field.value = state.tokens;
      field.setAttribute("aria-invalid", "false");
      render();
    });
    el.querySelectorAll("input[type=radio]").forEach((radio) => radio.addEventListener("change", () => {
      state.head = radio.value;
      render();
    }));
    slider.addEventListener("input", () => { state.gap = Number(slider.value); render(); });
    $("[data-own]").addEventListener("click", () => {
      state.gap = data.heads[state.head].gap;
      slider.value = state.gap;
      render();
    });
    el.dataset.mounted = "";
    render();
  }

  (window.explorerCalls ||= []).push([".head-explorer[data-explorer]", mount]); // drawn as it comes near (explorer.js)
})();
