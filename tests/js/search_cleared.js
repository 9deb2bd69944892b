// True if the search lists no result.
() => !document.querySelector('.md-search-result__item')
