// How many CSS pixels the page is wider than the window (0 if it fits).
() => document.documentElement.scrollWidth - document.documentElement.clientWidth
