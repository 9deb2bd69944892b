// True once the explorer matched by selector has drawn itself (the script marks it data-mounted).
// Till then it is brought into view at each try: an explorer is drawn as it comes near the window,
// and instant navigation may scroll the page back to its top after the test scrolled.
selector => {
  const el = document.querySelector(selector);
  if (el === null) return false;
  if (!el.hasAttribute("data-mounted")) el.scrollIntoView({ block: "center" });
  return el.hasAttribute("data-mounted");
}
