// What the printed page shows that it should not, and hides that it should show: {chrome, hiddenAnswers, hiddenTabs}.
() => {
  const shown = SHOWN;
  const chrome = [".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer", ".md-code__nav",
                  ".md-clipboard", ".md-top", ".md-content__button", ".notebook-download", ".md-search", ".zeroclipboard-container"]
    .filter(s => [...document.querySelectorAll(s)].some(shown));
  const hiddenAnswers = [...document.querySelectorAll("article details")]
    .filter(d => [...d.children].some(c => c.tagName !== "SUMMARY" && !shown(c)))
    .map(d => (d.querySelector("summary") || {}).textContent);
  const hiddenTabs = [...document.querySelectorAll("article .tabbed-block")].filter(b => !shown(b)).length;
  return {chrome, hiddenAnswers, hiddenTabs};
}
