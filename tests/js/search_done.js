// True (truthy) once the search lists results or says nothing matches.
() => document.querySelector('.md-search-result__item')
  || /no matching/i.test(document.querySelector('.md-search-result__meta')?.textContent || '')
