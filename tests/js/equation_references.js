// For two \eqref of a test equation added to the page: [{text: what the reference shows, target: whether it links to something}].
async () => {
  // A numbered equation with a label, referred to before and after it, as a page would write them.
  const article = document.querySelector("article");
  article.insertAdjacentHTML("beforeend",
    '<p id="eq-test-before"><span class="arithmatex">\\(\\eqref{eq:test}\\)</span></p>' +
    '<div class="arithmatex">\\[ \\begin{equation} a = b \\label{eq:test} \\end{equation} \\]</div>' +
    '<p id="eq-test-after"><span class="arithmatex">\\(\\eqref{eq:test}\\)</span></p>');
  MathJax.texReset();
  await typesetInSlices();  // as the page typesets itself (javascripts/mathjax-config.js)
  const refs = ["#eq-test-before", "#eq-test-after"].map(id => document.querySelector(id + " mjx-container"));
  return refs.map(ref => ({
    text: ref.querySelector("mjx-assistive-mml").textContent,
    target: !!document.getElementById(decodeURIComponent((ref.querySelector("a") || {hash: "#"}).hash.slice(1)) || "-"),
  }));
}
