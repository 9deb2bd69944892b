// What the explorer matched by selector shows in print: {shown, figures, hiddenFigures, buttons, summary}.
selector => {
  const el = document.querySelector(selector);
  const figures = [...el.querySelectorAll("svg")];
  return {shown: el.checkVisibility(), figures: figures.length, hiddenFigures: figures.filter(f => !f.checkVisibility()).length,
          buttons: [...el.querySelectorAll("button")].filter(b => b.checkVisibility()).length,
          summary: el.querySelector("[aria-live]").textContent};
}
