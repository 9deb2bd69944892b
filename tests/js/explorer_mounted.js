// True once the explorer matched by selector has drawn itself (the script marks it data-mounted).
selector => document.querySelector(selector + "[data-mounted]") !== null
