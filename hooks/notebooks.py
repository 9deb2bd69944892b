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
``arithmatex``). Then the custom properties (``--name: value``) that nothing
reads are dropped: JupyterLab defines about a thousand (whole colour palettes);
one is kept if the page, a rule kept, the site's own stylesheets and scripts or
the theme's stylesheets mention it, or a kept property's value reads it.

Nothing from the internet. nbconvert's page template loads MathJax and
Mermaid from other hosts. The site typesets formulas when it is built
(hooks/math.py) and the book draws no diagrams: a script that loads a file or
names another host, or that is not JavaScript (a configuration block), is
dropped, with the template's comments; the notebook's own inline scripts (its
copy buttons) stay.
The page looks the same, pixel for pixel, in both colour schemes, at 1280 and
390 px, and weighs about 520 KB less (raw; 34 KB less gzip-compressed than with
the rules pruned alone).

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
CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')  # also data-class="...": keeps more rules, never fewer
CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
NOT_REQUIRED = re.compile(r":not\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\]")  # :not(...), [attribute=".x"]
ADDED_IN_THE_BROWSER = ("md-", "katex", "arithmatex")
GROUPING_RULES = re.compile(r"@(media|supports|layer|container)\b")
PROPERTY_NAME = re.compile(r"--[\w-]+")
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


def _declarations(body: str) -> list[str]:
    """The declarations of a rule's body, split at each ``;`` outside quotes and brackets."""
    parts, depth, quote, start = [], 0, None, 0
    for i, c in enumerate(body):
        if quote:
            quote = None if c == quote and body[i - 1] != "\\" else quote
        elif c in "\"'":
            quote = c
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == ";" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    return [d.strip() for d in parts + [body[start:]] if d.strip()]


def _rules(css: str) -> list:
    """``css`` as a list of ``(prelude, declarations)`` for style rules, ``(prelude, [rules])`` for
    grouping rules and ``(text, None)`` for anything else; a declaration is ``(name, text)``,
    with the name of a custom property and ``None`` for any other."""
    rules = []
    for prelude, body in _css_blocks(css):
        if body is None or (prelude.startswith("@") and not GROUPING_RULES.match(prelude)):
            rules.append((prelude if body is None else f"{prelude}{{{body}}}", None))
        elif prelude.startswith("@"):
            rules.append((prelude, _rules(body)))
        else:
            declarations = [
                (d.split(":", 1)[0].strip() if d.startswith("--") else None, d) for d in _declarations(body)
            ]
            rules.append((prelude, declarations))
    return rules


def _style_rules(rules: list):
    for prelude, content in rules:
        if content and prelude.startswith("@"):
            yield from _style_rules(content)
        elif content is not None:
            yield prelude, content


def _written(rules: list, read: set[str]) -> str:
    out = []
    for prelude, content in rules:
        if content is None:
            out.append(prelude)
        elif prelude.startswith("@"):
            inner = _written(content, read)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
        else:
            kept = [d for name, d in content if name is None or name in read]
            if kept:
                out.append(f"{prelude}{{{';'.join(kept)}}}")
    return "\n".join(out)


def unread_properties_removed(css: str, read_elsewhere: set[str]) -> str:
    """``css`` without the custom properties that neither it nor ``read_elsewhere`` reads."""
    rules = _rules(css)
    values: dict[str, list[str]] = {}
    read = set(read_elsewhere)
    for _, declarations in _style_rules(rules):
        for name, declaration in declarations:
            if name:
                values.setdefault(name, []).append(declaration.split(":", 1)[1])
            else:
                read.update(PROPERTY_NAME.findall(declaration))
    pending = list(read)
    while pending:  # a property read by a property that is read is read too
        for value in values.get(pending.pop(), ()):
            for name in PROPERTY_NAME.findall(value):
                if name not in read:
                    read.add(name)
                    pending.append(name)
    return _written(rules, read)


def _read_by_the_site(config) -> set[str]:
    """The custom properties the site's own stylesheets and scripts and the theme's stylesheets mention."""
    if "site" not in _READ:
        theme = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
        files = [*Path(config.docs_dir).rglob("*.css"), *Path(config.docs_dir).rglob("*.js"), *theme.glob("*.css")]
        _READ["site"] = {n for f in files for n in PROPERTY_NAME.findall(f.read_text(encoding="utf-8"))}
    return _READ["site"]


_READ: dict[str, set[str]] = {}


def on_config(config):
    _READ.clear()  # the site's stylesheets may have changed (mkdocs serve)
    return config


def on_post_page(output, page, config):
    if not getattr(page, "nb_url", None) and not getattr(page, "includes_notebooks", False):  # hooks/whole_book.py
        return output
    classes = set(" ".join(CLASS_ATTRIBUTE.findall(output)).split())
    mentioned = {m[2]: set(PROPERTY_NAME.findall(m[2])) for m in STYLE.finditer(output)}  # by each stylesheet
    read = _read_by_the_site(config) | set(PROPERTY_NAME.findall(STYLE.sub("", output)))

    def pruned(match):
        # What else on the page mentions a property (its other stylesheets) keeps it too.
        also_read = read.union(*(names for css, names in mentioned.items() if css != match[2]))
        # The same stylesheet, classes and properties read give the same result: kept, so a rebuild
        # does not prune again.
        key = hashlib.sha256("\0".join([match[2], *sorted(classes), "", *sorted(also_read)]).encode()).hexdigest()[:32]
        kept = _CACHE / f"style-{key}.css"
        if kept.is_file():
            return match[1] + kept.read_text(encoding="utf-8") + match[3]
        try:
            css = unread_properties_removed(unused_rules_removed(match[2], classes), also_read)
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
    # hooks/student_edition.py marks a notebook whose student edition it wrote beside it
    label = f"Download the solution ({name})" if getattr(page.file, "student_edition", None) else f"Download {name}"
    button = (
        f'<p class="notebook-download"><a href="{name}" download class="md-button"'
        f' title="Download the notebook {name}">{DOWNLOAD_ICON} {label}</a></p>'
    )
    return button + html
