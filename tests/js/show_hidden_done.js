// Nothing: waits until the theme has given every code block its buttons (the window is as tall as
// the page, so every block has been on screen) or two seconds have passed, whichever is first, then
// hides again what show_everything.js showed of closed boxes and hidden tabs. A block still without
// its buttons is reported by collect.js.
async () => {
  const frame = () => new Promise(r => requestAnimationFrame(r));
  const missing = () => [...document.querySelectorAll(".md-content pre > code")]
    .some(code => !code.parentElement.querySelector(":scope > .md-code__nav"));
  const start = performance.now();
  while (missing() && performance.now() - start < 2000) await frame();
  document.getElementById("hidden-shown").remove();
  await frame();
  await frame();
}
