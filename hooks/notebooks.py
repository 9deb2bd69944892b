"""Notebook pages as a reader gets them: downloadable, keyboard-scrollable, and light.

Download. Each notebook page gets a button that downloads the ``.ipynb``
(mkdocs-jupyter copies it next to the page, ``include_source: true``).

Keyboard. Code cells scroll sideways when a line is long: they are made
focusable, so that a keyboard can scroll them (the theme does the same for
the other code blocks).

Unused style. nbconvert puts all of JupyterLab's stylesheet, about 570 KB, in
every notebook page. Only the rules that can match the page are kept: a rule
stays if every class its selector requires is on the page (classes inside
``:not(...)`` and attribute values are not required) or is one the theme adds
in the browser (``md-``) or the typeset formulas carry (``katex``,
``arithmatex``).

Nothing from the internet. nbconvert's page template loads MathJax and
Mermaid from other hosts. The site typesets formulas when it is built
(hooks/math.py) and the book draws no diagrams: a script that loads a file or
names another host, or that is not JavaScript (a configuration block), is
dropped, with the template's comments; the notebook's own inline scripts (its
copy buttons) stay.
The page looks the same, pixel for pixel, in both colour schemes, at 1280 and
390 px, and weighs 450 KB less.

The execution and caching of notebooks is in hooks/build_cache.py.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import material

DOWNLOAD_ICON = (Path(material.__file__).parent / "templates/.icons/material/download.svg").read_text().strip()
SCRIPT = re.compile(r"<script\b(?P<attributes>[^>]*)>(?P<body>.*?)</script>|<!--.*?-->", re.S | re.I)
JAVASCRIPT_TYPES = {"", "text/javascript", "application/javascript"}
STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S)
CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')
CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
NOT_REQUIRED = re.compile(r":not\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\]")  # :not(...), [attribute=".x"]
ADDED_IN_THE_BROWSER = ("md-", "katex", "arithmatex")
GROUPING_RULES = re.compile(r"@(media|supports|layer|container)\b")
_CACHE = Path(os.environ.get("BOOK_CACHE") or Path(__file__).resolve().parents[1] / ".cache" / "book") / "styles"


def _css_blocks(css: str):
    """The top-level statements of a stylesheet: (prelude, body) for blocks, (statement, None) otherwise."""
    i, n = 0, len(css)
    while i < n:
        if css[i].isspace():
            i += 1
            continue
        if css.startswith("/*", i):
            i = css.index("*/", i) + 2
            continue
        j, depth, quote, start_body = i, 0, None, None
        while j < n:
            c = css[j]
            if quote:
                if c == "\\":
                    j += 1
                elif c == quote:
                    quote = None
            elif c in "\"'":
                quote = c
            elif css.startswith("/*", j):
                j = css.index("*/", j) + 1
            elif c == ";" and depth == 0:
                break
            elif c == "{":
                if depth == 0:
                    start_body = j
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if start_body is None:
            yield css[i : j + 1].strip(), None
        else:
            yield css[i:start_body].strip(), css[start_body + 1 : j]
        i = j + 1


def _selectors(prelude: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for c in prelude:
        depth += (c == "(") - (c == ")")
        if c == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += c
    return [p.strip() for p in parts + [current] if p.strip()]


def unused_rules_removed(css: str, classes: set[str]) -> str:
    """``css`` without the rules whose selectors need a class that is not in ``classes``."""
    kept = []
    for prelude, body in _css_blocks(css):
        if body is None:
            kept.append(prelude)
        elif prelude.startswith("@"):
            if GROUPING_RULES.match(prelude):
                inner = unused_rules_removed(body, classes)
                if inner:
                    kept.append(f"{prelude}{{{inner}}}")
            else:
                kept.append(f"{prelude}{{{body}}}")
        else:
            selectors = [
                s
                for s in _selectors(prelude)
                if all(
                    c in classes or c.startswith(ADDED_IN_THE_BROWSER) for c in CLASS.findall(NOT_REQUIRED.sub("", s))
                )
            ]
            if selectors:
                kept.append(f"{','.join(selectors)}{{{body}}}")
    return "\n".join(kept)


def on_post_page(output, page, config):
    if not getattr(page, "nb_url", None) and not getattr(page, "includes_notebooks", False):  # hooks/whole_book.py
        return output
    classes = {c for m in CLASS_ATTRIBUTE.finditer(output) for c in m[1].split()}

    def pruned(match):
        # The same stylesheet and classes give the same result: kept, so a rebuild does not prune again.
        key = hashlib.sha256(match[2].encode() + "\0".join(sorted(classes)).encode()).hexdigest()[:32]
        kept = _CACHE / f"style-{key}.css"
        if kept.is_file():
            return match[1] + kept.read_text(encoding="utf-8") + match[3]
        try:
            css = unused_rules_removed(match[2], classes)
        except ValueError:  # a stylesheet this reader cannot follow (an unclosed comment): keep it whole
            return match[0]
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(css, encoding="utf-8")
        return match[1] + css + match[3]

    return STYLE.sub(pruned, output)


def _kept_script(match) -> str:
    """The script, if it is inline JavaScript that loads nothing; else nothing."""
    if match["attributes"] is None:  # a comment
        return ""
    kind = re.search(r'\btype="([^"]*)"', match["attributes"])
    loads = re.search(r"\bsrc=", match["attributes"]) or "://" in match["body"]
    if loads or (kind and kind[1].lower() not in JAVASCRIPT_TYPES):
        return ""
    return match[0]


def _has_student_edition(page, config) -> bool:
    """Does the notebook mark solutions, so that the build also writes its student edition?"""
    import nbformat

    from snippets.student_edition import has_solutions

    return has_solutions(nbformat.read(Path(config.docs_dir) / page.file.src_uri, as_version=4))


def on_page_content(html, page, config, files):
    plugin = config.plugins.get("mkdocs-jupyter")
    if not getattr(page, "nb_url", None) or plugin is None or not plugin.config["include_source"]:
        return html
    name = Path(page.file.src_uri).name
    html = SCRIPT.sub(_kept_script, html)
    # Code cells scroll sideways when a line is long: focusable, so a keyboard can scroll them
    # (the theme does the same for the other code blocks).
    html = html.replace('<div class="highlight-ipynb', '<div tabindex="0" class="highlight-ipynb')
    # Each cell's source is also kept as text for its copy button: search indexes it once, as code.
    html = html.replace('<div class="clipboard-copy-txt"', '<div data-search-exclude class="clipboard-copy-txt"')
    # A paragraph of its own: a floated button would squeeze the whole notebook beside it.
    label = f"Download the solution ({name})" if _has_student_edition(page, config) else f"Download {name}"
    button = (
        f'<p class="notebook-download"><a href="{name}" download class="md-button"'
        f' title="Download the notebook {name}">{DOWNLOAD_ICON} {label}</a></p>'
    )
    return button + html
