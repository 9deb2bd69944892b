"""pytest-markdown-docs reads each page as a reader sees it: tests/reader_view.py."""

from __future__ import annotations

from tests.reader_view import ROOT, ReaderViewMarkdownIt


def pytest_markdown_docs_markdown_it():
    return ReaderViewMarkdownIt()


def pytest_ignore_collect(collection_path, config):
    # Notebooks are executed by the site build; hooks are exercised by it too.
    if collection_path.suffix == ".py" and ROOT / "docs" in collection_path.parents:
        return True
    return None
