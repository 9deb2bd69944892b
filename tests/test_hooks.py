"""The build hooks that serve the reader: notebook cache key, unused notebook style, links in printed Markdown."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from types import SimpleNamespace

from mkdocs.structure.files import File, Files

from tests.conftest import ROOT


def load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cache_key_follows_the_code_pages_and_notebooks_import(tmp_path, monkeypatch):
    cache = load("build_cache")
    code = tmp_path / "snippets"
    (code / "data").mkdir(parents=True)
    (code / "attention.py").write_text("def softmax(x): ...\n")
    (code / "data" / "text.txt").write_text("It is a truth universally acknowledged")
    monkeypatch.setattr(cache, "ROOT", tmp_path)
    monkeypatch.setattr(cache, "CODE", code)
    first = cache.inputs_hash()
    assert cache.inputs_hash() == first
    (code / "attention.py").write_text("def softmax(x, axis=-1): ...\n")
    second = cache.inputs_hash()
    assert second != first
    (code / "data" / "text.txt").write_text("It is a truth universally acknowledged,")
    assert cache.inputs_hash() not in {first, second}


def test_notebook_cache_folder_is_named_by_the_key_and_old_ones_go(tmp_path, monkeypatch):
    cache = load("build_cache")
    monkeypatch.setenv("BOOK_NOTEBOOK_CACHE", str(tmp_path))
    (tmp_path / "nb-0123456789abcdef").mkdir()  # a folder of an older key
    (tmp_path / "notes").mkdir()  # not ours
    plugin = SimpleNamespace(config={"cache": True, "cache_dir": ".cache/mkdocs-jupyter"})
    config = SimpleNamespace(plugins={"mkdocs-jupyter": plugin})
    cache.on_config(config)
    cache.on_post_build(config)
    assert plugin.config["cache_dir"] == str(tmp_path / f"nb-{cache.inputs_hash()}")
    assert not (tmp_path / "nb-0123456789abcdef").exists()
    assert (tmp_path / "notes").exists()


PAGE = """# A page

```python exec="on"
from pathlib import Path
runs = Path(r"{runs}")
runs.write_text(runs.read_text() + "x")
print("ran")
```
"""


def test_a_page_is_not_run_again_until_it_changes(tmp_path):
    """Second build: served from the cache. A changed page runs again; a build that warned caches nothing."""
    runs = tmp_path / "runs.txt"
    runs.write_text("")
    (tmp_path / "docs").mkdir()
    page = tmp_path / "docs" / "index.md"
    page.write_text(PAGE.format(runs=runs))
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: t\nhooks: [{ROOT / 'hooks' / 'build_cache.py'}]\nplugins: [markdown-exec]\n"
        "markdown_extensions: [pymdownx.superfences]\n"
    )
    env = {**os.environ, "BOOK_NOTEBOOK_CACHE": str(tmp_path / "cache"), "NO_MKDOCS_2_WARNING": "1"}

    def build():
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
            cwd=tmp_path, env=env, capture_output=True, text=True,
        )
        assert "ran" in (tmp_path / "site" / "index.html").read_text()
        return result.returncode, len(runs.read_text())

    assert build() == (0, 1)
    assert build() == (0, 1)  # cached
    page.write_text(PAGE.format(runs=runs) + "\nMore text.\n")
    assert build() == (0, 2)  # changed: runs again
    page.write_text(PAGE.format(runs=runs) + "\n[gone](gone.md)\n")
    assert build() == (1, 3)  # warns (a link to no page), fails: not cached...
    assert build() == (1, 4)  # ...so it runs, and warns, again


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


def test_links_in_printed_markdown_lead_to_pages(tmp_path, caplog):
    links = load("generated_links")
    config = {"use_directory_urls": True}
    files = Files(
        [File(path, str(tmp_path), str(tmp_path / "site"), True) for path in ("part2/a.md", "part2/b.md", "part3/c.md")]
    )
    page = SimpleNamespace(file=files.get_file_from_path("part2/a.md"))
    html = (
        '<p><a href="b.md">2(b)</a> <a href="../part3/c.md#why">3(c)</a> '
        '<a href="https://example.org/x.md">paper</a> <a href="gone.md">gone</a></p>'
    )
    out = links.on_page_content(html, page, config, files)
    assert '<a href="../b/">2(b)</a>' in out
    assert '<a href="../../part3/c/#why">3(c)</a>' in out
    assert 'href="https://example.org/x.md"' in out
    assert "gone.md" in caplog.text
