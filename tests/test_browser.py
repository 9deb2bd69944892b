"""What a reader experiences, in a real browser (headless Chromium), on every page of the built site.

The pages are discovered from the built site (every ``index.html``), so a
page added to the book is checked without touching this file. Each page is
loaded once (``page_reports``, see tests/browser_support.py); the tests below
read what that visit recorded, and a few drive the site further: instant
navigation, search, the colour toggle, printing, the notebook download.
Every failure message names the page and what a reader would see.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit, urlunsplit

import nbformat
import pytest

from tests.browser_support import DESKTOP, OPEN_DETAILS_SHOWN, PHONE, problems, script
from tests.support import ROOT

pytestmark = pytest.mark.browser

PAGE_BUDGET = 1024 * 1024  # bytes transferred per page, compressed as a static host serves it


def test_pages_were_found(page_reports, built_site):
    assert "" in page_reports, "the home page was not built"
    assert len(page_reports) == len(list(built_site.rglob("index.html"))) - 1  # the whole book: test_whole_book.py


def test_every_page_loads_without_errors(page_reports):
    bad = problems(page_reports, lambda r: r.errors)
    assert not bad, "console errors, uncaught exceptions or failed requests:\n" + "\n".join(bad)


def test_no_page_requests_anything_but_localhost(page_reports):
    bad = problems(page_reports, lambda r: r.blocked)
    assert not bad, "requests that would leave the machine (blocked here):\n" + "\n".join(bad)


def test_math_is_typeset_on_every_page(page_reports):
    def check(r):
        m = r.math
        issues = []
        if m["untypeset"]:
            issues.append(f"{m['untypeset']} of {m['arithmatex']} formulas not typeset")
        if r.raw_math:
            issues.append(f"raw TeX in the text: {r.raw_math[:3]}")
        if m["errors"]:
            issues.append(f"TeX errors: {m['errors'][:3]}")
        if m["scripts"]:
            issues.append(f"loads a math script: {m['scripts']}")
        if m["arithmatex"] and not r.formulas:
            issues.append("has formulas but none was typeset")
        return "; ".join(issues)

    bad = problems(page_reports, check)
    assert not bad, "math a reader would see broken:\n" + "\n".join(bad)
    for path, r in page_reports.items():
        print(f"/{path}: {r.formulas} formulas typeset")


def test_cross_references_and_in_page_links_resolve(page_reports):
    """Footnotes and section links point at something on the page."""
    bad = problems(page_reports, lambda r: r.broken_anchors)
    assert not bad, "in-page links whose target is missing:\n" + "\n".join(bad)


def _nav_link(page, url):
    """The sidebar link to ``url`` (links are relative in the HTML; compare them resolved)."""
    page.evaluate(script("mark_nav_link.js"), url)
    return page.locator("[data-nav-target]").first


def test_math_is_typeset_after_instant_navigation(reader, page_reports):
    """Click through the pages with math in the sidebar, without reloads: each shows all its formulas."""
    with_math = [p for p, r in page_reports.items() if r.formulas and p]
    if not with_math:
        pytest.skip("no page has math yet")
    page = reader.page
    reader.errors.clear()
    page.goto(reader.base)
    page.evaluate(script("mark_same_document.js"))
    bad = []
    for path in with_math + [with_math[0]]:  # and back to the first
        expected = page_reports[path]
        _nav_link(page, reader.base + path).click()
        page.wait_for_url(reader.base + path)
        page.wait_for_function(script("title_is.js"), arg=expected.title)
        try:
            page.wait_for_function(script("formulas_typeset.js"), arg=expected.formulas, timeout=5_000)
        except Exception:
            found = page.evaluate(script("formula_count.js"))
            bad.append(f"/{path}: {found} formulas typeset after navigating, {expected.formulas} on a full load")
        if not page.evaluate(script("same_document.js")):
            bad.append(f"/{path}: the page was reloaded, not swapped by instant navigation")
            page.evaluate(script("mark_same_document.js"))
    assert not bad and not reader.errors, "\n".join(bad + reader.errors)


def _search(page, query, attempts: int = 20):
    """Type ``query`` into the search box; the pages (URL without query or fragment) it lists.

    The theme's search worker answers "no matching documents" until it has loaded the index:
    a query that finds nothing is typed again, a quarter second later, a few times.
    """
    field = page.locator("input.md-search__input")
    for _ in range(attempts):
        # The theme searches on keyup (and focus), as a reader types: end each entry with a key.
        field.fill("")
        field.press("End")
        page.wait_for_function(script("search_cleared.js"))
        field.fill(query)
        field.press("End")
        page.wait_for_function(script("search_done.js"))
        links = page.evaluate(script("search_result_links.js"))
        if links:
            break
        page.wait_for_timeout(250)
    return [urlunsplit(urlsplit(url)._replace(query="", fragment="")) for url in links]


def _index_pages(built_site):
    """{url path: body text} from the search index the site ships."""
    index = json.loads((built_site / "search" / "search_index.json").read_text())
    pages = {}
    for doc in index["docs"]:
        pages.setdefault(doc["location"].split("#")[0], []).append(doc["title"] + " " + doc["text"])
    return {path: re.sub(r"<[^>]+>", " ", " ".join(texts)) for path, texts in pages.items()}


def test_search_finds_pages_by_words_in_their_body(reader, built_site, page_reports):
    """ "argmax" finds 1(a); "cross terms" finds the page that discusses them; and every page is
    found by a word that occurs in its body and on no other page."""
    texts = _index_pages(built_site)
    queries = [("argmax", "part1/argmax-attention/")]
    for path, text in texts.items():
        if "cross terms" in text.lower():
            queries.append(("cross terms", path))
    words = {path: set(re.findall(r"\b[a-z]{7,}\b", text.lower())) for path, text in texts.items()}
    for path in page_reports:
        others = set().union(*(w for p, w in words.items() if p != path))
        unique = sorted(words.get(path, set()) - others)
        if unique:
            queries.append((unique[0], path))
    page = reader.page
    page.goto(reader.base)
    bad = []
    for query, path in queries:
        results = _search(page, query)
        if reader.base + path not in results:
            bad.append(
                f"searching {query!r} does not list /{path} (got {[r.replace(reader.base, '/') for r in results[:5]]})"
            )
    assert not bad, "\n".join(bad)
    print(f"{len(queries)} searches: " + ", ".join(f"{q!r} -> /{p}" for q, p in queries))


def test_search_results_show_formulas_typeset(reader):
    """A result's formulas are drawn from the MathML in the index, not shown as TeX."""
    page = reader.page
    page.goto(reader.base)
    results = _search(page, "inner product")
    assert reader.base + "part1/argmax-attention/" in results, f"searching 'inner product' lists {results[:5]}"
    found = page.evaluate(script("search_result_math.js"))
    assert found["formulas"] > 0 and found["drawn"] == found["formulas"], f"formulas in the results: {found}"
    assert not found["raw"], f"TeX or placeholders in the results: {found['raw']}"
    print(f"search 'inner product': {found['formulas']} formulas in the results, all drawn")


def test_notebook_pages_show_executed_outputs(page_reports):
    notebooks = {p: r.notebook for p, r in page_reports.items() if r.notebook}
    assert notebooks, "no notebook page in the built site"

    def check(r):
        nb = r.notebook
        if not nb:
            return None
        issues = []
        if nb["unexecuted"]:
            issues.append(f"{nb['unexecuted']} of {nb['code_cells']} code cells show no execution count")
        if not nb["outputs"]:
            issues.append("no outputs at all")
        if nb["errors"]:
            issues.append(f"errors or stderr in the outputs: {nb['errors'][:2]}")
        if nb["figures_as_text"]:
            issues.append(f"{nb['figures_as_text']} figures printed as text (<Figure ...>) instead of drawn")
        return "; ".join(issues)

    bad = problems(page_reports, check)
    assert not bad, "\n".join(bad)


def test_notebook_math_is_typeset(page_reports):
    for path, r in page_reports.items():
        if not r.notebook:
            continue
        source = ROOT / "docs" / (path.rstrip("/") + ".ipynb")
        nb = nbformat.read(source, as_version=4)
        markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        if re.search(r"\$[^$]+\$|\\\(", markdown):
            assert r.math["notebook_formulas"] > 0, f"/{path}: the notebook's Markdown has math, none typeset"
        assert not r.raw_math, f"/{path}: raw TeX left in the notebook: {r.raw_math[:3]}"


def test_notebook_download_is_the_notebook(reader, page_reports):
    for path, r in page_reports.items():
        if not r.notebook:
            continue
        href = r.notebook["download"]
        assert href, f"/{path}: no download link for the notebook"
        response = reader.context.request.get(href)
        assert response.ok, f"/{path}: downloading {href} gave HTTP {response.status}"
        nb = nbformat.reads(response.text(), as_version=4)
        nbformat.validate(nb)
        assert nb.cells, f"/{path}: the downloaded notebook has no cells"
        source = ROOT / "docs" / (path.rstrip("/") + ".ipynb")
        assert response.body() == source.read_bytes(), f"/{path}: the download is not {source.relative_to(ROOT)}"


def test_code_blocks_have_copy_buttons(page_reports):
    bad = problems(
        page_reports,
        lambda r: r.code_without_copy and f"{r.code_without_copy} of {r.code_blocks} code blocks have no copy button",
    )
    assert not bad, "\n".join(bad)
    assert sum(r.code_blocks for r in page_reports.values()) > 0


def _pages_with(built_site, page_reports, marker):
    return [p for p in page_reports if marker in (built_site / p / "index.html").read_text()]


def test_tabs_switch_together_across_pages(reader, built_site, page_reports):
    """Choosing a tab ("PyTorch") shows it, and pages with a tab of the same name open on it."""
    pages = _pages_with(built_site, page_reports, 'class="tabbed-set')
    if not pages:
        pytest.skip("no page has content tabs yet")
    page = reader.page
    page.goto(reader.base + pages[0])
    labels = page.locator("article .tabbed-labels label")
    choice = labels.nth(labels.count() - 1)
    name = choice.inner_text().strip()
    choice.click()
    chosen = page.evaluate(script("tab_selected.js"), name)
    assert chosen, f"/{pages[0]}: clicking the tab {name!r} does not select it"
    for other in pages[1:]:
        page.goto(reader.base + other)
        names = page.evaluate(script("selected_tabs.js"))
        if name in page.evaluate(script("tab_names.js")):
            assert name in names, f"/{other}: opens on {names}, not on the {name!r} tab chosen on /{pages[0]}"


def test_collapsible_boxes_open_on_click(reader, built_site, page_reports):
    pages = _pages_with(built_site, page_reports, "<details")
    if not pages:
        pytest.skip("no page has collapsible boxes yet")
    page = reader.page
    page.goto(reader.base + pages[0])
    closed = page.locator("article details:not([open]) > summary").first
    closed.click()
    assert page.evaluate(OPEN_DETAILS_SHOWN), f"/{pages[0]}: a collapsible box did not open on click"


def test_light_dark_toggle_switches_and_is_remembered(reader, page_reports):
    page = reader.page
    page.goto(reader.base)
    assert reader.set_scheme("slate") == "slate", "the toggle did not switch to the dark scheme"
    background = page.evaluate(script("background_color.js"))
    page.reload()
    assert page.evaluate(script("scheme.js")) == "slate", "the dark scheme is forgotten on reload"
    assert reader.set_scheme("default") == "default", "the toggle did not switch back to the light scheme"
    assert page.evaluate(script("background_color.js")) != background
    bad = problems(page_reports, lambda r: [e for e in r.errors if "toggle" in e])
    assert not bad, "\n".join(bad)


PHONE_LENGTH = 4  # a page on a phone may be this many times as long as on a desktop, at most


def test_every_page_fits_a_phone_screen(page_reports):
    """No sideways scrolling at 390 px, and no column squeezed so narrow that the page grows
    many times longer (a notebook once measured 12 times its desktop length on a phone)."""

    def check(r):
        issues = []
        if r.overflow_px > 0:
            issues.append(f"{r.overflow_px} px wider than a {PHONE} px screen")
        if r.phone_height > PHONE_LENGTH * r.height:
            issues.append(
                f"{r.phone_height} px long on a phone, {r.phone_height / r.height:.0f} times its desktop length"
            )
        return "; ".join(issues)

    bad = problems(page_reports, check)
    assert not bad, "pages that do not fit a phone:\n" + "\n".join(bad)


def test_screenshots_of_every_page(page_reports, screenshots):
    """The first screen at 1280 px and at 390 px, for a person to look at."""
    for path, r in page_reports.items():
        assert len(r.screenshots) == 2, f"/{path}: missing screenshots"
        for shot in r.screenshots:
            assert shot.stat().st_size > 1000, f"{shot} is empty"
    print(f"screenshots at {DESKTOP} and {PHONE} px: {screenshots}")


def test_every_page_weighs_at_most_1_MB(page_reports):
    """Bytes transferred for a cold load: HTML, CSS, scripts, fonts, search index and math renderer,
    gzip-compressed as a static host serves them (the raw size is printed alongside)."""
    bad = problems(
        page_reports,
        lambda r: (
            r.bytes_gzip > PAGE_BUDGET
            and f"{r.bytes_gzip / 1024:.0f} KB transferred (gzip), budget {PAGE_BUDGET / 1024:.0f} KB"
        ),
    )
    for path, r in page_reports.items():
        print(f"/{path}: {r.bytes_raw / 1024:.0f} KB raw, {r.bytes_gzip / 1024:.0f} KB gzip")
    assert not bad, "\n".join(bad)


def test_printing_gives_a_clean_document(page_reports):
    """Printed: no header, sidebars, footer or buttons; every collapsible answer and every tab shown."""

    def check(r):
        printed = r.printed
        issues = []
        if printed["chrome"]:
            issues.append(f"printed with {printed['chrome']}")
        if printed["hiddenAnswers"]:
            issues.append(f"collapsed in print: {printed['hiddenAnswers']}")
        if printed["hiddenTabs"]:
            issues.append(f"{printed['hiddenTabs']} content tabs hidden in print")
        return "; ".join(issues)

    bad = problems(page_reports, check)
    assert not bad, "\n".join(bad)
