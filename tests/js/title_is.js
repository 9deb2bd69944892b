// True if the page's title is title.
title => document.title === title
