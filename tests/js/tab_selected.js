// True if every content tab named name in the article is selected.
name => [...document.querySelectorAll('article .tabbed-labels label')].filter(l => l.innerText.trim() === name)
  .every(l => document.getElementById(l.htmlFor).checked)
