"""Each table of a page's text sits in a box of its own: ``<div class="md-table">``.

The box has ``display: contents`` (extra.css): it draws nothing and changes no
layout. It is there for the page's load. As a page loads, the theme's script
wraps each table without a class in a box that scrolls sideways. When an
element's children change, the browser restyles all of that element and what
is inside it (the theme's ``:nth-child`` rules make every element's children
depend on their positions). With a table a child of the article, that was the
whole article, on every load (1,535 elements on 3(b)); in a box of its own, it
is the table.
"""

from __future__ import annotations

import re

ARTICLE = re.compile(r"(<article\b.*?>)(.*)(</article>)", re.DOTALL)
TABLE_TAG = re.compile(r"<table\b[^>]*>|</table>")
HAS_CLASS = re.compile(r"\sclass=")


def boxed_tables(html: str) -> str:
    """``html`` with each table the theme wraps (one without a class) in ``<div class="md-table">``."""
    boxed = []  # for each open table: was it boxed?

    def box(match):
        tag = match.group(0)
        if tag.startswith("</"):
            return tag + "</div>" if boxed.pop() else tag
        boxed.append(not HAS_CLASS.search(tag))
        return '<div class="md-table">' + tag if boxed[-1] else tag

    return TABLE_TAG.sub(box, html)


def on_post_page(output, page, config):
    return ARTICLE.sub(lambda m: m.group(1) + boxed_tables(m.group(2)) + m.group(3), output, count=1)
