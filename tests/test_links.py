"""Every link in the built site leads somewhere: no broken internal link, no missing anchor.

Every HTML file of the built site is parsed; each ``href``/``src`` that stays
on the site must resolve to a file, and each ``#anchor`` must be an ``id`` (or
an ``<a name>``) in its target page. The search index's entries are links a
reader follows too, and are checked the same way. External URLs are listed
at the end of the run, not fetched (the tests need no network).
"""

from __future__ import annotations

import json
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

LINK_ATTRIBUTES = {"href", "src", "xlink:href", "poster", "data"}
NOT_LINKS = ("data:", "mailto:", "javascript:", "tel:", "blob:")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.repeated_ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.canonical: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            if attrs["id"] in self.ids:
                self.repeated_ids.add(attrs["id"])
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs.get("href")
        for name, value in attrs.items():
            if name in LINK_ATTRIBUTES and value and not (tag == "link" and attrs.get("rel") == "preconnect"):
                self.links.append((tag, value.strip()))
        if attrs.get("srcset"):
            for candidate in attrs["srcset"].split(","):
                if candidate.strip():
                    self.links.append((tag, candidate.split()[0]))

    handle_startendtag = handle_starttag


def _parse(site: Path) -> dict[Path, _Page]:
    pages = {}
    for html in sorted(site.rglob("*.html")):
        page = _Page()
        page.feed(html.read_text(encoding="utf-8"))
        pages[html] = page
    return pages


def _page_url(site: Path, html: Path, base: str) -> str:
    rel = html.relative_to(site).as_posix()
    return base + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def _target_file(site: Path, path: str) -> Path | None:
    target = site / unquote(path).lstrip("/")
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def check_links(site: Path):
    """(broken, checked, external): broken internal links, how many were checked, {url: {pages}}."""
    pages = _parse(site)
    root = pages.get(site / "index.html")
    # Pages name their absolute address (canonical links) from site_url: those links are internal.
    base = root.canonical if root and root.canonical else "http://site.invalid/"
    base = base if base.endswith("/") else base + "/"
    broken, external = [], defaultdict(set)
    checked = 0

    def check(source: str, url: str, where: str):
        nonlocal checked
        if url.startswith(NOT_LINKS) or url in {"", "#"}:
            return
        absolute = urljoin(where, url)
        parts = urlsplit(absolute)
        if not absolute.startswith(base):
            if parts.scheme in {"http", "https"}:
                external[absolute.split("#", 1)[0]].add(source)
            return
        checked += 1
        target = _target_file(site, "/" + parts.path[len(urlsplit(base).path) :])
        if target is None:
            broken.append(f"{source}: {url} -> no such file")
            return
        if parts.fragment and target.suffix == ".html":
            anchor = unquote(parts.fragment)
            if anchor not in pages[target].ids:
                broken.append(f"{source}: {url} -> no id {anchor!r} in {target.relative_to(site)}")

    for html, page in pages.items():
        where = _page_url(site, html, base)
        for _, url in page.links:
            check(str(html.relative_to(site)), url, where)
    index = site / "search" / "search_index.json"
    if index.is_file():
        for doc in json.loads(index.read_text())["docs"]:
            check("search index", doc["location"], base)
    return broken, checked, dict(external), len(pages)


def test_no_broken_internal_links_or_anchors(built_site, reader_summary):
    broken, checked, external, pages = check_links(built_site)
    reader_summary["links"] = {"internal": checked, "broken": len(broken), "external": external, "pages": pages}
    print(f"{checked} internal links checked in {pages} HTML files; {len(external)} external URLs (not fetched):")
    for url, where in sorted(external.items()):
        print(f"  {url}  ({', '.join(sorted(where)[:3])}{', ...' if len(where) > 3 else ''})")
    assert checked > 0
    assert not broken, f"{len(broken)} broken internal links:\n" + "\n".join(broken[:50])


def test_no_page_repeats_an_id(built_site):
    """An id names one element of its page: a repeated one sends links and labels to the wrong element."""
    repeated = {
        html.relative_to(built_site).as_posix(): sorted(page.repeated_ids)[:5]
        for html, page in _parse(built_site).items()
        if page.repeated_ids
    }
    assert not repeated, f"ids repeated on a page: {repeated}"


def test_the_link_check_catches_a_broken_link_and_anchor(tmp_path):
    """The check itself works: a missing page and a missing anchor are both reported."""
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<link rel="canonical" href="http://x.test/"><h2 id="top">t</h2>'
        '<a href="a/">ok</a><a href="#top">ok</a><a href="missing/">bad</a><a href="a/#nowhere">bad</a>'
        '<a href="https://example.org/paper">external</a>'
    )
    (tmp_path / "a" / "index.html").write_text('<link rel="canonical" href="http://x.test/a/"><p id="here">a</p>')
    broken, checked, external, _ = check_links(tmp_path)
    assert checked == 6  # the four links and the two canonical addresses
    assert len(broken) == 2 and "missing/" in broken[0] and "'nowhere'" in broken[1]
    assert list(external) == ["https://example.org/paper"]
