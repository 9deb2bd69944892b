"""Figures drawn at build time are served as files of their own, not inlined in the page.

Page code prints each figure as inline SVG (``snippets.plotting.svg``: ``role="img"``,
an ``aria-label`` and a ``<title>``), so that the text alternative travels with
it. Left inline, each figure's thousands of elements would be downloaded before
the text below them and parsed into the search index (tick labels as words).
This hook writes each figure to ``assets/figures/<hash>.svg`` and leaves an
``<img>`` in its place with the same text alternative, its size (no layout
shift) and lazy loading.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from mkdocs.utils import get_relative_url

FIGURE = re.compile(r'<svg role="img" aria-label="(?P<label>[^"]*)".*?</svg>', re.S)
SIZE = re.compile(r'<svg[^>]*?\bwidth="(?P<width>[\d.]+)pt" height="(?P<height>[\d.]+)pt"')
PX_PER_PT = 4 / 3


def on_page_content(html, page, config, files):
    def moved(match):
        svg = match[0]
        name = f"assets/figures/{hashlib.sha256(svg.encode()).hexdigest()[:16]}.svg"
        target = Path(config.site_dir) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text('<?xml version="1.0" encoding="utf-8" standalone="no"?>\n' + svg, encoding="utf-8")
        size = SIZE.match(svg)
        dimensions = (
            f' width="{round(float(size["width"]) * PX_PER_PT)}" height="{round(float(size["height"]) * PX_PER_PT)}"'
            if size
            else ""
        )
        return (
            f'<img class="figure" src="{get_relative_url(name, page.url)}" alt="{match["label"]}"{dimensions}'
            ' loading="lazy" decoding="async">'
        )

    return FIGURE.sub(moved, html)
