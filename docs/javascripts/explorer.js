// What the explorers share (hooks/explorer_data.py loads it before each explorer's own script):
// explorer(selector, mount) draws each mount point matching selector as it comes within a screen
// of the window, not as the page loads, again after every instant navigation, and all at once
// before printing.
(() => {
  if (window.explorer) return; // instant navigation runs the script again: set up once
  window.explorer = (selector, mount) => {
    const unmounted = () => document.querySelectorAll(`${selector}:not([data-mounted])`);
    const near = new IntersectionObserver((entries) => entries.forEach((entry) => {
      if (!entry.isIntersecting) return;
      near.unobserve(entry.target);
      if (!("mounted" in entry.target.dataset)) mount(entry.target);
    }), { rootMargin: "100% 0px" });
    const watchAll = () => {
      near.disconnect();
      unmounted().forEach((el) => near.observe(el));
    };
    window.addEventListener("beforeprint", () => unmounted().forEach(mount));
    if (typeof document$ !== "undefined") document$.subscribe(watchAll);
    else watchAll();
  };
  // Instant navigation runs the scripts of the page it swaps in as each arrives, not in page order:
  // an explorer's script that ran before this one left its explorer(...) call here.
  (window.explorerWaiting || []).forEach((args) => window.explorer(...args));
  delete window.explorerWaiting;
})();
