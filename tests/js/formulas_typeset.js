// True if the article shows n typeset formulas and no formula is left untypeset.
n => document.querySelectorAll('article .katex').length === n
  && !document.querySelector('article .arithmatex:not(:has(.katex))')
