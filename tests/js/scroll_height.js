// The length of the whole page in CSS pixels.
() => document.documentElement.scrollHeight
