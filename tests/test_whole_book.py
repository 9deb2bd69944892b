"""The whole book on one page (hooks/whole_book.py), read and printed to PDF in a browser.

Its chapters are the site's pages, each checked on its own by tests/test_browser.py
and tests/test_accessibility.py; here, the assembly: no errors and nothing fetched
from elsewhere, every chapter on it in order with its formulas typeset and the
notebook's outputs, links that stay on the page and resolve, and a clean PDF
(no header, sidebars or footer; every figure; a sheet per chapter at least).
"""

from __future__ import annotations

import re

import pytest

from tests.browser_support import COLLECT, SETTLED, WHOLE_BOOK, script
from tests.reader_view import nav_sources
from tests.support import ROOT

pytestmark = pytest.mark.browser

PDF_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")  # a page object of the PDF (not /Pages, the tree)


def chapter_keys() -> list[str]:
    """The id of each chapter's section, in the order of the navigation: ``part1/argmax-attention.md`` ->
    ``part1-argmax-attention``, the home page -> ``home``."""
    keys = []
    for source in nav_sources():
        if source == "whole-book.md":
            continue
        url = re.sub(r"(index)?\.(md|ipynb)$", "", source)
        keys.append(url.strip("/").replace("/", "-") or "home")
    return keys


@pytest.fixture(scope="module")
def whole_book(reader):
    """The whole-book page loaded in the reader's first tab: (the page, what it shows (tests/js/collect.js),
    what it holds (tests/js/whole_book.js), its errors and requests for other hosts)."""
    page = reader.page
    tab = reader.tabs[0]
    tab.errors.clear()
    tab.blocked.clear()
    page.goto(reader.base + WHOLE_BOOK, wait_until="load")
    page.evaluate(SETTLED)
    return page, page.evaluate(COLLECT), page.evaluate(script("whole_book.js")), tab.errors + tab.blocked


def test_every_chapter_is_on_the_page_in_order(whole_book):
    _, facts, book, errors = whole_book
    assert not errors, f"/{WHOLE_BOOK}: errors, or requests for other hosts: {errors}"
    assert book["chapters"] == chapter_keys(), "the chapters on the page are not the navigation's, in order"
    assert facts["formulas"] > 100 and facts["math"]["untypeset"] == 0 and not facts["math"]["errors"]
    assert not facts["raw"] and not book["tex"], f"raw TeX in the text: {(facts['raw'] + book['tex'])[:5]}"
    assert facts["notebook"] and facts["notebook"]["outputs"] > 0 and not facts["notebook"]["errors"], (
        "the executed notebook's outputs are missing"
    )
    assert facts["figures"] > 0 and not facts["unlabelled"]


def test_links_stay_on_the_page_and_resolve(whole_book):
    _, facts, book, _ = whole_book
    assert not book["leaving"], f"links to other pages of the book, not to their chapter here: {book['leaving'][:10]}"
    assert not facts["anchors"], f"links to anchors missing from the page: {facts['anchors'][:10]}"


def test_it_prints_to_a_clean_pdf_with_a_sheet_per_chapter(whole_book):
    page, _, _, _ = whole_book
    page.emulate_media(media="print")
    try:
        printed = page.evaluate(script("whole_book.js"))
        assert not printed["chrome"], f"printed with the theme's {printed['chrome']}"
        assert not printed["unbroken"], f"chapters that do not start a new sheet: {printed['unbroken']}"
        facts = page.evaluate(COLLECT)
        assert not facts["raw"] and not printed["tex"] and facts["math"]["untypeset"] == 0, "formulas print as TeX"
    finally:
        page.emulate_media(media="null")
    pdf = page.pdf(format="A4", print_background=True)
    unloaded = page.evaluate(script("whole_book.js"))["unloaded"]  # lazy figures load for printing
    assert not unloaded, f"figures missing from the PDF: {unloaded[:5]}"
    sheets = len(PDF_PAGE.findall(pdf))
    chapters = len(chapter_keys())
    folder = ROOT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    (folder / "whole-book.pdf").write_bytes(pdf)
    print(
        f"the whole book printed: {sheets} A4 pages for {chapters} chapters, {len(pdf) / 1e6:.1f} MB "
        f"-> {folder / 'whole-book.pdf'}"
    )
    assert sheets >= chapters, f"{sheets} printed pages for {chapters} chapters"
