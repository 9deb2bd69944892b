// How many typeset formulas the article shows.
() => document.querySelectorAll('article .katex').length
