// How many elements match selector (an explorer's stylesheet must be added once, however often its script runs).
selector => document.querySelectorAll(selector).length
