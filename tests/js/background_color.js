// The page's background colour, as computed: "rgb(...)".
() => getComputedStyle(document.body).backgroundColor
