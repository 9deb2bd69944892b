// The names of all content tabs in the article.
() => [...document.querySelectorAll('article .tabbed-labels label')].map(l => l.innerText.trim())
