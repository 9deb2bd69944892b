"""Every formula typeset when the site is built: HTML for the eye, MathML for screen readers.

Pages write TeX between ``$...$`` and ``$$...$$``; pymdownx.arithmatex (generic
mode) marks each formula as ``<span class="arithmatex">\\(...\\)</span>`` or
``<div class="arithmatex">\\[...\\]</div>``. In the notebook page, Markdown cells
keep their ``$...$`` in the text of ``jp-RenderedMarkdown`` blocks. This hook
replaces each formula with KaTeX's output (``htmlAndMathml``), rendered by
PyKaTeX (KaTeX run by QuickJS inside a Python extension: no Node.js, no
JavaScript in the reader's browser). The stylesheet and fonts are KaTeX's own,
of the same version, served with the site (``docs/assets/katex``).

The same formula gives the same HTML: each one rendered is kept, by its TeX
and the PyKaTeX version, in ``$BOOK_CACHE/katex-<version>-htmlAndMathml.json`` (default
``.cache/book``), so a rebuild renders only new formulas.

A formula KaTeX cannot render stops the build (strict mode): the warning names
the page and the formula.

Search results show formulas typeset too: the index gets each formula once, as
its MathML (which browsers draw without any script), and neither its TeX nor
KaTeX's glyphs. The theme's search plugin indexes a page from its HTML and keeps
only a few tags, so it is given a view of the page in which each formula is a
placeholder, and the index it writes gets the MathML in the placeholder's place.
In that view code blocks have no highlighting tags: the index keeps their text only.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
from importlib import metadata
from pathlib import Path

import pykatex
from mkdocs.plugins import CombinedEvent, event_priority

log = logging.getLogger("mkdocs.hooks.math")

ARITHMATEX = re.compile(r'<(?P<tag>span|div) class="arithmatex">(?P<tex>.*?)</(?P=tag)>', re.S)
DELIMITERS = re.compile(r"^\s*(?:\\\((?P<inline>.*)\\\)|\\\[(?P<display>.*)\\\])\s*$", re.S)
# In the notebook's Markdown: $$display$$ first, then $inline$ (not "\$", not "$ " at the start).
NOTEBOOK_MATH = re.compile(r"\$\$(?P<display>.+?)\$\$|(?<![\\$])\$(?P<inline>[^\s$](?:[^$]*?[^\s\\$])?)\$", re.S)
TAG = re.compile(r"(<[^>]+>)")
MARKDOWN_CELL = re.compile(r'<div[^>]*class="[^"]*\bjp-RenderedMarkdown\b')
NO_MATH_INSIDE = {"pre", "code", "script", "style"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class MathError(ValueError):
    """A formula KaTeX cannot render."""


_RENDERED: dict[str, str] = {}  # "display|tex" or "inline|tex" -> HTML, for this PyKaTeX


def _cache_file() -> Path:
    base = Path(os.environ.get("BOOK_CACHE") or Path(__file__).resolve().parents[1] / ".cache" / "book")
    return base / f"katex-{metadata.version('pykatex')}-htmlAndMathml.json"  # KaTeX's output as it is


def render(tex: str, display: bool) -> str:
    """``tex`` as KaTeX HTML, with its MathML (and TeX) for screen readers."""
    key = f"{'display' if display else 'inline'}|{tex}"
    if key not in _RENDERED:
        _RENDERED[key] = _render(tex, display)
    return _RENDERED[key]


def _render(tex: str, display: bool) -> str:
    try:
        out = pykatex.renderToString(tex, displayMode=display, output="htmlAndMathml", throwOnError=True)
    except Exception as err:  # pykatex.ParseError, or an error of the JavaScript engine
        raise MathError(f"{err}") from err
    return out


def typeset_arithmatex(content: str, errors: list) -> str:
    """Replace the formulas arithmatex marked in ``content``; failures appended to ``errors``."""

    def typeset(match):
        tex = html.unescape(match["tex"])
        delimited = DELIMITERS.match(tex)
        display = match["tag"] == "div"
        if delimited:
            tex = delimited["display"] if delimited["display"] is not None else delimited["inline"]
        return _typeset_or_keep(tex, display, match[0], errors)

    return ARITHMATEX.sub(typeset, content)


def _typeset_or_keep(tex: str, display: bool, written: str, errors: list) -> str:
    """The formula typeset; or, if KaTeX cannot render it, ``written`` as it was, the error in ``errors``."""
    try:
        return render(tex, display)
    except MathError as err:
        errors.append((tex, str(err)))
        return written


def typeset_notebook_markdown(content: str, errors: list) -> str:
    """Replace ``$...$`` and ``$$...$$`` in the text of the notebook's Markdown cells."""
    out, stack = [], []  # stack: one entry per open element, True inside a Markdown cell
    for part in TAG.split(content):
        if part.startswith("<") and part.endswith(">"):
            name = re.match(r"</?([a-zA-Z0-9-]+)", part)
            if name and not part.startswith("</") and not part.endswith("/>") and name[1].lower() not in VOID:
                inside = bool(stack and stack[-1][1]) or bool(MARKDOWN_CELL.match(part))
                stack.append((name[1].lower(), inside and name[1].lower() not in NO_MATH_INSIDE))
            elif name and part.startswith("</"):
                while stack and stack.pop()[0] != name[1].lower():
                    pass
            out.append(part)
        elif stack and stack[-1][1]:

            def typeset(match):
                display = match["display"] is not None
                tex = html.unescape(match["display"] if display else match["inline"])
                return _typeset_or_keep(tex, display, match[0], errors)

            out.append(NOTEBOOK_MATH.sub(typeset, part))
        else:
            out.append(part)
    return "".join(out)


_LOADED: dict[str, int] = {}  # how many formulas the cache file held when the build started


def on_config(config):
    _RENDERED.clear()
    try:
        _RENDERED.update(json.loads(_cache_file().read_text(encoding="utf-8")))
    except (OSError, ValueError):
        pass
    _LOADED["count"] = len(_RENDERED)
    _SEARCH.update(mathml=[], number={}, pages={})
    return config


def _keep_what_was_rendered(config):
    if len(_RENDERED) != _LOADED.get("count"):  # something new was rendered: keep it
        path = _cache_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.with_suffix(".partial").write_text(json.dumps(_RENDERED), encoding="utf-8")
        path.with_suffix(".partial").replace(path)


def on_page_content(content, page, config, files):
    errors: list = []
    content = typeset_arithmatex(content, errors)
    if page.file.src_uri.endswith(".ipynb"):
        content = typeset_notebook_markdown(content, errors)
    for tex, error in errors:
        log.warning("%s: the formula %r does not render: %s", page.file.src_uri, tex, error)
    return content


# -- search: each formula indexed once, as MathML -------------------------------------------------

FORMULA_START = re.compile(r'<span class="katex(?:-display)?">')
SPAN_TAG = re.compile(r"<(/?)span\b")
MATHML = re.compile(r"<math\b.*?</math>", re.S)
NOT_FOR_SEARCH = re.compile(
    r'<annotation encoding="application/x-tex">.*?</annotation>|</?semantics>|\s(?:xmlns|display)="[^"]*"', re.S
)
PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
_SEARCH: dict = {"mathml": [], "number": {}, "pages": {}}  # the formulas' MathML; each page's own HTML


# MathML Core, what browsers draw, keeps ``mathvariant`` only for "normal": a bold or double-struck
# letter is written as its own character (U+1D400 on), as MathML Core asks.
STYLED_LETTER = re.compile(r'<mi mathvariant="(bold|double-struck|script)">([A-Za-z0-9])</mi>')
ALPHABET_START = {  # variant: (A, a, 0)
    "bold": (0x1D400, 0x1D41A, 0x1D7CE),
    "double-struck": (0x1D538, 0x1D552, 0x1D7D8),
    "script": (0x1D49C, 0x1D4B6, None),
}
LETTERLIKE = {  # the letters Unicode had encoded before, outside those alphabets
    ("double-struck", c): chr(p) for c, p in zip("CHNPQRZ", (0x2102, 0x210D, 0x2115, 0x2119, 0x211A, 0x211D, 0x2124))
} | {
    ("script", c): chr(p)
    for c, p in zip(
        "BEFHILMRego", (0x212C, 0x2130, 0x2131, 0x210B, 0x2110, 0x2112, 0x2133, 0x211B, 0x212F, 0x210A, 0x2134)
    )
}


def _styled_letter(match) -> str:
    variant, letter = match[1], match[2]
    upper, lower, digit = ALPHABET_START[variant]
    if letter.isupper():
        start, offset = upper, ord(letter) - ord("A")
    elif letter.islower():
        start, offset = lower, ord(letter) - ord("a")
    else:
        start, offset = digit, ord(letter) - ord("0")
    if start is None:
        return match[0]
    return f"<mi>{LETTERLIKE.get((variant, letter), chr(start + offset))}</mi>"


CODE_BLOCK = re.compile(r"<pre\b.*?</pre>", re.S)
CODE_MARKUP = re.compile(r"</?span\b[^>]*>|<a\b[^>]*></a>")  # highlighting and line anchors


def search_view(content: str) -> str:
    """``content`` with each typeset formula replaced by a placeholder for its MathML, and each code
    block's highlighting removed: the index keeps a block's text only, and parsing the highlighting
    tags was most of the plugin's work (the index is the same)."""
    content = CODE_BLOCK.sub(lambda block: CODE_MARKUP.sub("", block[0]), content)
    out, end = [], 0
    for start in FORMULA_START.finditer(content):
        if start.start() < end:  # the formula inside a display formula's box
            continue
        depth, stop = 0, start.start()
        for tag in SPAN_TAG.finditer(content, start.start()):
            depth += -1 if tag[1] else 1
            if depth == 0:
                stop = content.index(">", tag.end()) + 1
                break
        mathml = STYLED_LETTER.sub(
            _styled_letter, NOT_FOR_SEARCH.sub("", MATHML.search(content, start.start(), stop)[0])
        )
        number = _SEARCH["number"].setdefault(mathml, len(_SEARCH["mathml"]))
        if number == len(_SEARCH["mathml"]):
            _SEARCH["mathml"].append(mathml)
        out += [content[end : start.start()], f"\ue000{number}\ue001"]
        end = stop
    return "".join(out) + content[end:]


@event_priority(50)  # before the search plugin indexes the page
def _show_search_the_formulas_as_placeholders(context, page, config, nav):
    _SEARCH["pages"][page.file.src_uri] = page.content
    if page.content and not (page.meta.get("search") or {}).get("exclude"):
        page.content = search_view(page.content)
    return context


@event_priority(-50)  # after it: the page itself is rendered as it was
def _give_the_page_back(context, page, config, nav):
    page.content = _SEARCH["pages"].pop(page.file.src_uri, page.content)
    return context


on_page_context = CombinedEvent(_show_search_the_formulas_as_placeholders, _give_the_page_back)


@event_priority(-50)  # after the search plugin has written its index
def _put_mathml_in_the_search_index(config):
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for field in ("title", "text"):
            if field in doc:
                doc[field] = PLACEHOLDER.sub(lambda n: _SEARCH["mathml"][int(n[1])], doc[field])
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


KATEX_CSS = re.compile(r'<link rel="stylesheet" href="(?P<base>[^"]*assets/katex/)katex\.min\.css">')
PRELOADED_FONTS = ("KaTeX_Main-Regular", "KaTeX_Math-Italic")  # the fonts of nearly every formula
BODY = re.compile(r"<body\b[^>]*>")


def on_post_page(output, page, config):
    # The fonts of nearly every formula are fetched with the stylesheet rather than after it, so
    # they are there by the first paint and no text moves when they arrive. The preloads sit at the
    # top of <body>, not in <head>: the browser's preload scanner fetches them as early, and
    # Chromium makes a font preloaded in <head> render-blocking (up to 1.5 s after the navigation:
    # in about half of Lighthouse's runs on a phone the first paint waited for it). KaTeX's fonts
    # are font-display: optional (refresh.sh): one not there by the first paint is not swapped in.
    found, body = KATEX_CSS.search(output), BODY.search(output)
    if found is None or body is None or 'class="katex"' not in output:
        return output
    preload = "".join(
        f'<link rel="preload" href="{found["base"]}fonts/{name}.woff2" as="font" type="font/woff2" crossorigin>'
        for name in PRELOADED_FONTS
    )
    return output[: body.end()] + preload + output[body.end() :]


on_post_build = CombinedEvent(_keep_what_was_rendered, _put_mathml_in_the_search_index)
