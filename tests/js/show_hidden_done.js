// The number of code blocks the theme has not given their buttons yet, once every block has been on
// screen (the window as tall as the page) or two seconds have passed; hides again what
// show_everything.js showed of closed boxes and hidden tabs.
async () => {
  const frame = () => new Promise(r => requestAnimationFrame(r));
  const unmounted = () => [...document.querySelectorAll(".md-content pre > code")]
    .filter(code => !code.parentElement.querySelector(":scope > .md-code__nav")).length;
  const start = performance.now();
  while (unmounted() && performance.now() - start < 2000) await frame();
  const left = unmounted();
  document.getElementById("hidden-shown").remove();
  await frame();
  await frame();
  return left;
}
