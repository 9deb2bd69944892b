"""Every Python block a reader sees on the site is a block the tests execute.

The root ``conftest.py`` shows pytest-markdown-docs each page as the reader
sees it. Here that view is checked against the built HTML: every Python code
block on every page must be (the tail of) a block the plugin collects.
"""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt
from pytest_markdown_docs.plugin import FenceSyntax, extract_fence_tests

from tests.reader_view import ROOT, ReaderViewMarkdownIt

PAGES = sorted((ROOT / "docs").rglob("*.md"))
CODE_BLOCK = re.compile(r'<div class="language-python highlight">.*?<code>(.*?)</code>', re.S)
TAG = re.compile(r"<[^>]+>")


def collected_blocks(page):
    tests = extract_fence_tests(
        ReaderViewMarkdownIt(), page.read_text(), 0, source_path=page, fence_syntax=FenceSyntax.superfences
    )
    return [t.source.strip() for t in tests]


def visible_blocks(html_text):
    return [html.unescape(TAG.sub("", m)).strip() for m in CODE_BLOCK.findall(html_text)]


def html_for(site, page):
    rel = page.relative_to(ROOT / "docs").with_suffix("")
    rel = rel.parent if rel.name == "index" else rel
    return (site / rel / "index.html").read_text()


def test_plain_markdown_it_misses_blocks_the_reader_view_finds():
    """Without the reader view, includes and nested blocks would go unrun."""
    plain = sum(
        len(
            list(
                extract_fence_tests(MarkdownIt(), p.read_text(), 0, source_path=p, fence_syntax=FenceSyntax.superfences)
            )
        )
        for p in PAGES
    )
    reader = sum(len(collected_blocks(p)) for p in PAGES)
    assert reader > plain


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT / "docs")))
def test_every_visible_python_block_is_executed(built_site, page, record_property):
    collected = collected_blocks(page)
    visible = visible_blocks(html_for(built_site, page))
    record_property("blocks", f"{len(visible)} visible, {len(collected)} executed")
    for block in visible:
        assert any(c.endswith(block) for c in collected), (
            f"{page.name}: this Python block is shown on the page but no test runs it:\n{block[:400]}"
        )
    print(f"{page.relative_to(ROOT)}: {len(visible)} visible Python blocks, {len(collected)} executed")


def test_the_check_sees_the_blocks(built_site):
    """Guard against a vacuous pass: each page with Python fences shows some in its HTML."""
    for page in PAGES:
        if collected_blocks(page):
            assert visible_blocks(html_for(built_site, page)), f"{page.name}: no Python block found in the HTML"
