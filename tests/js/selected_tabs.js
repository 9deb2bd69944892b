// The names of the selected content tabs in the article.
() => [...document.querySelectorAll('article .tabbed-labels label')]
  .filter(l => document.getElementById(l.htmlFor).checked).map(l => l.innerText.trim())
