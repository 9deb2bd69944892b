// How many typeset formulas the article shows.
() => document.querySelectorAll('article mjx-container').length
