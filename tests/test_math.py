"""Formulas are typeset when the site is built (hooks/math.py): every one renders, and a broken one is named."""

from __future__ import annotations

import importlib.util
import json
import logging
import re
from importlib import metadata
from types import SimpleNamespace

import markdown
import nbformat
import pytest

from tests.reader_view import expand_includes
from tests.support import ROOT

PAGES = sorted((ROOT / "docs").rglob("*.md"))
NOTEBOOKS = sorted((ROOT / "docs").rglob("*.ipynb"))


def load_hook():
    spec = importlib.util.spec_from_file_location("math_hook", ROOT / "hooks" / "math.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    return hook


@pytest.fixture(scope="module")
def hook():
    return load_hook()


@pytest.fixture(scope="module")
def site_markdown():
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    return lambda text: markdown.Markdown(
        extensions=config.markdown_extensions, extension_configs=config.mdx_configs
    ).convert(text)


def test_every_formula_of_every_page_and_the_notebook_renders(hook, site_markdown):
    """Every formula written in docs/ (pages, with their includes, and the notebook's Markdown cells)."""
    failures, counts = [], {}
    for page in PAGES:
        errors: list = []
        html = site_markdown(expand_includes(page.read_text()))
        counts[page.name] = len(hook.ARITHMATEX.findall(html))
        hook.typeset_arithmatex(html, errors)
        failures += [f"{page.relative_to(ROOT)}: {tex!r}: {error}" for tex, error in errors]
    for notebook in NOTEBOOKS:
        for i, cell in enumerate(nbformat.read(notebook, as_version=4).cells):
            if cell.cell_type != "markdown":
                continue
            for match in hook.NOTEBOOK_MATH.finditer(cell.source):
                tex = match["display"] if match["display"] is not None else match["inline"]
                counts[notebook.name] = counts.get(notebook.name, 0) + 1
                try:
                    hook.render(tex, match["display"] is not None)
                except hook.MathError as err:
                    failures.append(f"{notebook.relative_to(ROOT)} cell {i}: {tex!r}: {err}")
    assert not failures, "formulas that do not render:\n" + "\n".join(failures)
    assert sum(counts.values()) > 300, f"too few formulas found: the extraction is broken? {counts}"
    print(", ".join(f"{name}: {n}" for name, n in counts.items()))


def test_a_formula_that_does_not_render_is_named_with_its_page(hook, caplog):
    page = SimpleNamespace(file=SimpleNamespace(src_uri="part9/broken.md"))
    content = (
        '<p><span class="arithmatex">\\(\\notacommand{x}\\)</span> and <span class="arithmatex">\\(x^2\\)</span></p>'
    )
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.math"):
        out = hook.on_page_content(content, page, None, None)
    assert "part9/broken.md" in caplog.text and "\\notacommand{x}" in caplog.text
    assert out.count('class="katex"') == 1, "the good formula is typeset; the broken one is left as written"


def test_search_indexes_each_formula_once_as_mathml(hook, tmp_path):
    """The search plugin sees a placeholder per formula; the index it writes gets the MathML, without
    the TeX or KaTeX's glyphs; the page itself keeps its typeset formulas."""
    softmax = r"\operatorname{softmax}(\mathbf{z})_i = \frac{e^{z_i}}{\sum_j e^{z_j}}"
    typeset = hook.render(softmax, display=True)
    assert 'class="katex-display"' in typeset and "<math" in typeset and "application/x-tex" in typeset
    content = f"<p>Softmax: {typeset} and {hook.render('x^2', display=False)}, again {typeset}</p>"
    hook.on_config(None)
    page = SimpleNamespace(content=content, meta={}, file=SimpleNamespace(src_uri="part9/softmax.md"))
    seen = []
    search = lambda context, page, config, nav: seen.append(page.content) or context  # noqa: E731
    for handler in sorted([*hook.on_page_context.methods, search], key=lambda f: -getattr(f, "mkdocs_priority", 0)):
        handler({}, page=page, config=None, nav=None)
    assert page.content == content, "the page is rendered with its typeset formulas"
    view = seen[0]
    assert view == "<p>Softmax: \ue0000\ue001 and \ue0001\ue001, again \ue0000\ue001</p>", view

    index = tmp_path / "search" / "search_index.json"
    index.parent.mkdir()
    index.write_text(json.dumps({"docs": [{"location": "part9/softmax/", "title": "Softmax", "text": view}]}))
    for handler in hook.on_post_build.methods:
        if handler.__name__ == "_put_mathml_in_the_search_index":
            handler(SimpleNamespace(site_dir=str(tmp_path)))
    text = json.loads(index.read_text())["docs"][0]["text"]
    assert text.count("<math>") == 3 and text.count("</math>") == 3, text
    assert "softmax" in text and "<mi>x</mi>" in text, text
    assert "<mi>\U0001d433</mi>" in text, "a bold z is written as MathML Core draws it, its own character"
    for left_out in ("application/x-tex", "katex", "\\frac", "\ue000", "semantics", "xmlns", 'mathvariant="bold"'):
        assert left_out not in text, f"{left_out!r} in the index: {text}"


def test_notebook_math_is_typeset_in_markdown_cells_only(hook):
    content = (
        '<div class="jp-Cell"><div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput">'
        "<p>With $n$ keys, $$g &gt; \\ln n$$ and a price of \\$5 and $5.</p><pre><code>x = '$a$'</code></pre></div>"
        '<div class="jp-OutputArea-output"><pre>cost: $3 and $4</pre></div></div>'
    )
    errors: list = []
    out = hook.typeset_notebook_markdown(content, errors)
    assert not errors
    assert out.count('class="katex"') == 2 and out.count('class="katex-display"') == 1
    assert "x = '$a$'" in out and "cost: $3 and $4" in out and "\\$5" in out


def test_the_stylesheet_is_katex_of_the_version_that_renders(hook):
    version = (ROOT / "docs/assets/katex/VERSION").read_text().strip()
    description = metadata.metadata("pykatex").get_payload() or ""
    rendered_with = re.search(r"KaTeX v(\d+\.\d+\.\d+)", description)
    assert rendered_with, "pykatex no longer says which KaTeX it runs"
    assert rendered_with[1] == version, f"KaTeX {rendered_with[1]} renders; the stylesheet is KaTeX {version}"
    css = (ROOT / "docs/assets/katex/katex.min.css").read_text()
    for font in re.findall(r"url\((fonts/[^)]+)\)", css):
        assert (ROOT / "docs/assets/katex" / font).is_file(), f"the stylesheet names a font that is not here: {font}"
    assert (ROOT / "docs/assets/katex/LICENSE").read_text().startswith("The MIT License")
    faces = css.count("@font-face{")
    assert faces and css.count("@font-face{font-display:optional;") == faces, (
        "every KaTeX font is font-display: optional (refresh.sh): a font still loading would hold the first paint or move the text"
    )


def test_the_fonts_of_nearly_every_formula_are_preloaded_from_the_body(hook):
    """Preloaded in <head>, a font is render-blocking in Chromium; from the top of <body> it is not."""
    page = (
        '<html><head><link rel="stylesheet" href="../assets/katex/katex.min.css"></head>'
        '<body dir="ltr"><p><span class="katex">x</span></p></body></html>'
    )
    head, body = hook.on_post_page(page, None, None).split('<body dir="ltr">')
    assert "preload" not in head
    assert body.startswith(
        '<link rel="preload" href="../assets/katex/fonts/KaTeX_Main-Regular.woff2" as="font" type="font/woff2" crossorigin>'
    )
    assert body.count('rel="preload"') == len(hook.PRELOADED_FONTS)
