// How many typeset formulas show "???" (an unresolved \ref or \eqref).
() => [...document.querySelectorAll('mjx-container')].filter(c => c.textContent.includes('???')).length
