"""The build hooks: the build cache serves nothing stale, and the notebook page is light."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import nbformat

from tests.support import ROOT, build_env


def load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_inputs_hash_follows_the_code_and_data_that_pages_import(tmp_path, monkeypatch):
    cache = load("build_cache")
    code = tmp_path / "snippets"
    (code / "data").mkdir(parents=True)
    (code / "attention.py").write_text("def softmax(x): ...\n")
    (code / "data" / "text.txt").write_text("It is a truth universally acknowledged")
    monkeypatch.setattr(cache, "ROOT", tmp_path)
    first = cache.inputs_hash()
    assert cache.inputs_hash() == first
    (code / "attention.py").write_text("def softmax(x, axis=-1): ...\n")
    second = cache.inputs_hash()
    assert second != first
    (code / "data" / "text.txt").write_text("It is a truth universally acknowledged,")
    assert cache.inputs_hash() not in {first, second}


def test_a_hooks_kept_result_follows_the_hooks_own_code(tmp_path, monkeypatch):
    """computed_once keys a function defined outside snippets/ (a hook's) by its file too: edit the
    hook and its result is computed again, not served from before."""
    from snippets.memo import computed_once

    monkeypatch.setenv("BOOK_CACHE", str(tmp_path / "cache"))
    hook = tmp_path / "a_hook.py"

    def result_of_hook(source):
        hook.write_text(source)
        spec = importlib.util.spec_from_file_location("a_hook", hook)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return computed_once(module.made)()

    assert result_of_hook("def made():\n    return 'first'\n") == "first"
    assert result_of_hook("def made():\n    return 'second'\n") == "second"


def test_cache_folders_are_named_by_their_key_and_old_ones_go(tmp_path, monkeypatch):
    cache = load("build_cache")
    monkeypatch.setenv("BOOK_CACHE", str(tmp_path))
    (tmp_path / "blocks-0123456789abcdef").mkdir()  # an older key
    (tmp_path / "nb-HW3-0123456789abcdef").mkdir()  # another kind
    (tmp_path / "notes").mkdir()  # not ours
    folder = cache._folder("blocks", "fedcba9876543210")
    assert folder == tmp_path / "blocks-fedcba9876543210" and folder.is_dir()
    assert not (tmp_path / "blocks-0123456789abcdef").exists()
    assert (tmp_path / "nb-HW3-0123456789abcdef").exists() and (tmp_path / "notes").exists()


# -- a small book, built for real: what is cached, and what an edit changes ---------------------

CONFIG = """\
site_name: small
theme: {name: mkdocs, custom_dir: overrides}
hooks: [hooks/build_cache.py]
plugins:
  - markdown-exec
  - mkdocs-jupyter:
      execute: false
      allow_errors: false
      include_source: true
markdown_extensions: [pymdownx.superfences]
"""

PAGE = """\
# A page

```python exec="on" session="s"
from pathlib import Path
from tinybook.numbers import VALUE
Path(r"{runs}").open("a").write("1")
print(f"{label} {{VALUE}}")
```

```python exec="on" session="s"
print(f"twice {{2 * VALUE}}")
```
"""


TEMPLATE = '{{% extends "base.html" %}}{{% block footer %}}<p>{label} footer</p>{{% endblock %}}'


def small_book(tmp_path: Path) -> Path:
    book = tmp_path / "book"
    (book / "hooks").mkdir(parents=True)
    # the small book keeps its code in tinybook/, so the hook hashes that folder instead of snippets/
    hook = (ROOT / "hooks" / "build_cache.py").read_text()
    assert hook.count('(ROOT / "snippets")') == 1
    (book / "hooks" / "build_cache.py").write_text(hook.replace('(ROOT / "snippets")', '(ROOT / "tinybook")'))
    (book / "tinybook").mkdir()
    (book / "tinybook" / "__init__.py").write_text("")
    (book / "tinybook" / "numbers.py").write_text("VALUE = 1\n")
    (book / "docs").mkdir()
    (book / "docs" / "index.md").write_text(PAGE.format(runs=tmp_path / "runs.txt", label="value"))
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("from tinybook.numbers import VALUE\nprint(f'notebook {VALUE}')")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    nbformat.write(notebook, book / "docs" / "nb.ipynb")
    (book / "overrides").mkdir()
    (book / "overrides" / "main.html").write_text(TEMPLATE.format(label="template"))
    (book / "mkdocs.yml").write_text(CONFIG)
    return book


def build(book: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess, str, str]:
    """Build ``book``; (the process, the page's text, the notebook page's text)."""
    env = build_env(str(tmp_path / "cache"))
    env["PYTHONPATH"] = str(book)  # the page and the notebook's kernel import the book's tinybook/
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=book,
        env=env,
        capture_output=True,
        text=True,
    )
    site = tmp_path / "site"
    page = (site / "index.html").read_text() if (site / "index.html").is_file() else ""
    notebook = (site / "nb" / "index.html").read_text() if (site / "nb" / "index.html").is_file() else ""
    return result, page, notebook


def runs(tmp_path: Path) -> int:
    return len((tmp_path / "runs.txt").read_text()) if (tmp_path / "runs.txt").is_file() else 0


def test_edits_to_code_page_template_or_notebook_change_the_built_pages_and_nothing_else_runs_again(tmp_path):
    book = small_book(tmp_path)
    result, page, notebook = build(book, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "value 1" in page and "twice 2" in page and "notebook 1" in notebook and "template footer" in page
    assert "notebook nb.ipynb: executed in" in result.stderr
    assert "without encryption" not in result.stderr, "the notebook's kernel ran unencrypted over TCP"
    assert runs(tmp_path) == 1

    result, page, notebook = build(book, tmp_path)  # nothing changed: nothing runs
    assert result.returncode == 0 and runs(tmp_path) == 1
    assert "value 1" in page and "notebook 1" in notebook
    assert "nb.ipynb: unchanged, executed copy reused" in result.stderr, "the notebook was executed again"

    (book / "tinybook" / "numbers.py").write_text("VALUE = 5\n")  # an edit to the code pages import
    result, page, notebook = build(book, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "value 5" in page and "twice 10" in page, "the page still shows the old output of the edited code"
    assert "notebook 5" in notebook, "the notebook page still shows the old output of the edited code"

    (book / "docs" / "index.md").write_text(PAGE.format(runs=tmp_path / "runs.txt", label="edited"))
    (book / "overrides" / "main.html").write_text(TEMPLATE.format(label="edited template"))
    result, page, notebook = build(book, tmp_path)  # an edit to the page and to a template
    assert result.returncode == 0 and "edited 5" in page and "twice 10" in page
    assert "edited template footer" in page, "the page was rendered with the template as it was compiled before"
    assert "notebook 5" in notebook

    notebook_file = book / "docs" / "nb.ipynb"
    nb = nbformat.read(notebook_file, as_version=4)
    nb.cells[0].source = nb.cells[0].source.replace("notebook", "changed notebook")
    nbformat.write(nb, notebook_file)
    result, page, notebook = build(book, tmp_path)  # an edit to the notebook
    assert result.returncode == 0 and "changed notebook 5" in notebook
    downloaded = json.loads((tmp_path / "site" / "nb" / "nb.ipynb").read_text())
    assert downloaded == json.loads(notebook_file.read_text()), "the download is not the notebook as written"


def test_a_failing_block_names_its_page_and_is_not_cached(tmp_path):
    book = small_book(tmp_path)
    (book / "docs" / "nb.ipynb").unlink()
    (book / "docs" / "index.md").write_text(
        PAGE.format(runs=tmp_path / "runs.txt", label="value")
        + '\n```python exec="on" session="s"\nassert VALUE == 2, "claim: VALUE is 2"\n```\n'
    )
    for attempt in (1, 2):
        result, _, _ = build(book, tmp_path)
        assert result.returncode != 0, "the build accepted a false claim"
        assert "index.md" in result.stderr and "claim: VALUE is 2" in result.stderr
        assert runs(tmp_path) == attempt, "the failing page was served from the cache"


def test_a_failing_notebook_cell_stops_the_build_naming_the_notebook(tmp_path):
    book = small_book(tmp_path)
    notebook_file = book / "docs" / "nb.ipynb"
    nb = nbformat.read(notebook_file, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell('assert VALUE == 2, "claim: VALUE is 2"'))
    nbformat.write(nb, notebook_file)
    result, _, _ = build(book, tmp_path)
    assert result.returncode != 0
    assert "nb.ipynb" in result.stderr and "claim: VALUE is 2" in result.stderr


def test_notebook_style_keeps_only_rules_that_can_match():
    notebooks = load("notebooks")
    css = (
        "a{x:1} .on .off{y:2} .on:not(.off){z:3} a[href$='.ipynb']{w:4} "
        "@media (max-width: 760px){.off{a:1} .on{b:2}} @font-face{f:1} .off,.on{c:3} "
        ".md-typeset__table .on{d:4} /* a { comment } */ .on{content:'}'}"
    )
    kept = notebooks.unused_rules_removed(css, {"on"})
    assert kept.split("\n") == [
        "a{x:1}",
        ".on:not(.off){z:3}",
        "a[href$='.ipynb']{w:4}",
        "@media (max-width: 760px){.on{b:2}}",
        "@font-face{f:1}",
        ".on{c:3}",
        ".md-typeset__table .on{d:4}",
        ".on{content:'}'}",
    ]


def test_notebook_style_keeps_only_custom_properties_something_reads():
    notebooks = load("notebooks")
    css = (
        ".w{--used:1px;--chain:var(--used2);--used2:red;--unread:blue;--by-page:0;color:var(--chain)} "
        "@media print{.w{--unread-too:1;--icon:url('data:image/svg+xml;utf8,<svg/>');width:var(--used)}} "
        '.w{--lonely:1} @charset "x";'
    )
    kept = notebooks.unread_properties_removed(css, read_elsewhere={"--by-page", "--icon"})
    assert kept.split("\n") == [
        ".w{--used:1px;--chain:var(--used2);--used2:red;--by-page:0;color:var(--chain)}",
        "@media print{.w{--icon:url('data:image/svg+xml;utf8,<svg/>');width:var(--used)}}",
        '@charset "x";',
    ]


def test_the_whole_book_keeps_ids_apart_and_links_on_its_page():
    whole_book = load("whole_book")
    chapters = {"": "home", "part1/a/": "part1-a", "part1/b/": "part1-b"}
    chapter = (
        '<h2 id="why">Why</h2><a href="#why">here</a><a href="../b/">b</a><a href="../b/#how">b, how</a>'
        '<a href="../../">home</a><img src="../../assets/figures/f.svg"><a href="HW3.ipynb" download>notebook</a>'
        '<a href="https://example.org/">elsewhere</a><input name="__tabbed_1" id="__tabbed_1_1">'
        '<label for="__tabbed_1_1">tab</label>'
    )
    assert whole_book.relinked(chapter, "part1/a/", chapters, "whole-book/") == (
        '<h2 id="part1-a--why">Why</h2><a href="#part1-a--why">here</a><a href="#part1-b">b</a>'
        '<a href="#part1-b--how">b, how</a><a href="#home">home</a><img src="../assets/figures/f.svg">'
        '<a href="../part1/a/HW3.ipynb" download>notebook</a><a href="https://example.org/">elsewhere</a>'
        '<input name="part1-a--__tabbed_1" id="part1-a--__tabbed_1_1"><label for="part1-a--__tabbed_1_1">tab</label>'
    )


def test_each_table_the_theme_wraps_gets_a_box_of_its_own():
    tables = load("tables")
    page = (
        '<header><table><tr><td>x</td></tr></table></header><article class="md-content__inner">'
        '<table><tr><td><table class="inner"><tr><td>1</td></tr></table></td></tr></table>'
        '<table class="highlighttable"><tr><td>code</td></tr></table><table id="t"></table></article>'
    )
    assert tables.on_post_page(page, None, None) == (
        '<header><table><tr><td>x</td></tr></table></header><article class="md-content__inner">'
        '<div class="md-table"><table><tr><td><table class="inner"><tr><td>1</td></tr></table></td></tr></table></div>'
        '<table class="highlighttable"><tr><td>code</td></tr></table><div class="md-table"><table id="t"></table></div>'
        "</article>"
    )
