// Printing a page gives a clean document (see the print rules in
// stylesheets/extra.css): collapsed answers are opened, and a page read in
// the dark scheme prints light. Both are put back after printing.
(() => {
  let opened = [];
  let scheme = null;
  window.addEventListener("beforeprint", () => {
    opened = [...document.querySelectorAll(".md-typeset details:not([open])")];
    opened.forEach((details) => details.setAttribute("open", ""));
    scheme = document.body.getAttribute("data-md-color-scheme");
    if (scheme && scheme !== "default") document.body.setAttribute("data-md-color-scheme", "default");
  });
  window.addEventListener("afterprint", () => {
    opened.forEach((details) => details.removeAttribute("open"));
    opened = [];
    if (scheme) document.body.setAttribute("data-md-color-scheme", scheme);
  });
})();
