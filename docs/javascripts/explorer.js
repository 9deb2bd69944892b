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
  // Each explorer's script pushes its explorer(...) call onto window.explorerCalls. Instant
  // navigation runs the scripts it swaps in as each arrives, not in page order: calls pushed
  // before this script ran are made now, and later pushes are made at once.
  (window.explorerCalls || []).forEach((args) => window.explorer(...args));
  window.explorerCalls = { push: (args) => window.explorer(...args) };
})();
