// The addresses of the pages the search lists, in order.
() => [...document.querySelectorAll('.md-search-result__item a.md-search-result__link')].map(a => a.href)
