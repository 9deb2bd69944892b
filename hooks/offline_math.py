"""Serve MathJax from the site itself, so formulas render with no internet.

MathJax comes from the installed ``django-static-mathjax`` package (its
static files only). This hook adds the components the book needs to the
build as ``assets/mathjax/...`` and removes the CDN loaders that nbconvert
writes into notebook pages (MathJax 2 and Mermaid; the site-wide MathJax
typesets notebook math instead).
A browser fetches only what a page uses: the TeX extensions are there so
that MathJax can autoload the package of a command such as ``\\boldsymbol``,
and ``assistive-mml`` gives screen readers the formulas as MathML.
"""

from __future__ import annotations

import re
from pathlib import Path

import mathjax
from mkdocs.structure.files import File

MATHJAX_ES5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
COMPONENTS = [
    "startup.js",
    "core.js",
    "input/tex.js",
    "output/chtml.js",
    "output/chtml/fonts/tex.js",
    "a11y/assistive-mml.js",
    *sorted(
        str(p.relative_to(MATHJAX_ES5))
        for folder in ("output/chtml/fonts/woff-v2", "input/tex/extensions")
        for p in (MATHJAX_ES5 / folder).iterdir()
        if p.suffix in {".woff", ".js"}
    ),
]
# nbconvert's page template loads MathJax 2 and (for diagrams) Mermaid from CDNs.
NBCONVERT_CDN_LOADERS = [
    re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S),
    re.compile(r'<script type="module">(?:(?!</script>).)*?\.jp-Mermaid.*?</script>', re.S),
]


def on_files(files, config):
    for component in COMPONENTS:
        if not (MATHJAX_ES5 / component).is_file():
            raise FileNotFoundError(f"MathJax component missing from the installed package: {component}")
        files.append(
            File.generated(config, f"assets/mathjax/{component}", abs_src_path=str(MATHJAX_ES5 / component))
        )
    return files


def on_post_page(output, page, config):
    for loader in NBCONVERT_CDN_LOADERS:
        output = loader.sub("", output)
    return output
