// True if the article shows n typeset formulas and no formula is left untypeset.
n => document.querySelectorAll('article mjx-container').length === n
  && !document.querySelector('.arithmatex:not(:has(mjx-container))')
