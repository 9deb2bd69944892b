"""Figures drawn at build time are served as files of their own, not inlined in the page.

Page code prints each figure as inline SVG (``snippets.plotting.svg``: ``role="img"``,
an ``aria-label`` and a ``<title>``), so that the text alternative travels with
it. Left inline, each figure's thousands of elements would be downloaded before
the text below them and parsed into the search index (tick labels as words).
This hook writes each figure to ``assets/figures/<hash>.svg`` and leaves an
``<img>`` in its place with the same text alternative, its size (no layout
shift) and lazy loading.

The notebook page's figures come the same way, but nbconvert has re-read them
as HTML, which lower-cases names and reorders attributes. An SVG file is XML
and case-sensitive, so the names HTML lower-cases are put back
(``viewbox`` -> ``viewBox``, ``clippath`` -> ``clipPath``, ...).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from mkdocs.utils import get_relative_url

FIGURE = re.compile(r'<svg\b(?=[^>]*\brole="img")(?P<tag>[^>]*)>.*?</svg>', re.S)
LABEL = re.compile(r'\baria-label="(?P<label>[^"]*)"')
WIDTH, HEIGHT = re.compile(r'\bwidth="(?P<pt>[\d.]+)pt"'), re.compile(r'\bheight="(?P<pt>[\d.]+)pt"')
# SVG names with capitals, which an HTML parser lower-cases (the HTML standard's tables, those SVG figures use).
SVG_CASE = {
    name.lower(): name
    for name in (
        "viewBox",
        "preserveAspectRatio",
        "clipPath",
        "clipPathUnits",
        "linearGradient",
        "radialGradient",
        "gradientUnits",
        "gradientTransform",
        "patternUnits",
        "patternTransform",
        "textLength",
        "lengthAdjust",
        "markerWidth",
        "markerHeight",
        "refX",
        "refY",
        "rdf:RDF",
    )
}
NAME = re.compile(r"(?<=[<\s/])(" + "|".join(re.escape(name) for name in SVG_CASE) + r")(?=[\s=>/])")
PX_PER_PT = 4 / 3


def on_page_content(html, page, config, files):
    def moved(match):
        svg = NAME.sub(lambda name: SVG_CASE[name[1]], match[0])
        name = f"assets/figures/{hashlib.sha256(svg.encode()).hexdigest()[:16]}.svg"
        target = Path(config.site_dir) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text('<?xml version="1.0" encoding="utf-8" standalone="no"?>\n' + svg, encoding="utf-8")
        label = LABEL.search(match["tag"])
        width, height = WIDTH.search(match["tag"]), HEIGHT.search(match["tag"])
        size = (
            f' width="{round(float(width["pt"]) * PX_PER_PT)}" height="{round(float(height["pt"]) * PX_PER_PT)}"'
            if width and height
            else ""
        )
        return (
            f'<img class="figure" src="{get_relative_url(name, page.url)}" alt="{label["label"] if label else ""}"'
            f'{size} loading="lazy" decoding="async">'
        )

    return FIGURE.sub(moved, html)
