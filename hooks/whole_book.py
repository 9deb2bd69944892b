"""The whole book on one page (``whole-book/``), for reading straight through or printing.

Every page of the navigation, in its order, as the build rendered it: code
outputs, formulas typeset, figures, the executed notebook. The page is made
by the build like any other (the theme's template, a place in the
navigation), from a page this hook adds to the files, rendered last; its
content is each page's content after every other hook has run on it.

One page holds what were many, so names are made unique and links follow:

- every ``id`` (headings, footnotes, code line anchors, content tabs) gets its
  chapter's key as prefix, ``part1-argmax-attention--why``, and so do the
  links to it (``href="#..."``, ``for``, ``aria-*``) and tab groups' ``name``;
- a link to another page of the book goes to that chapter's section on this
  page (``#part1-argmax-attention``), with its anchor if it has one;
- links and sources of files (figures, the notebook download) are made
  relative to this page.

Each chapter is a ``<section>`` that starts a new printed page
(stylesheets/extra.css); a list of contents opens the page, and the
sidebar's table of contents lists the chapters and their sections. The page
is left out of the search index (its text is every other page's).
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils import get_relative_url

SOURCE = "whole-book.md"
TITLE = "The whole book"
INTRODUCTION = f"""\
---
search:
  exclude: true
---

# {TITLE}

Every chapter on one page, in the order of the navigation: to read straight
through, or to print (each chapter starts a new sheet).
"""

ID_ATTRIBUTE = re.compile(
    r'(?P<before>\s(?:id|for|name|aria-labelledby|aria-describedby|aria-controls)=")(?P<ids>[^"]*)"'
)
URL_ATTRIBUTE = re.compile(r'(?P<before>\s(?:href|src|xlink:href)=")(?P<url>[^"]*)"')
BASE = "http://book.invalid/"  # to resolve relative links with urljoin; never requested

_STATE: dict = {}


def chapter_key(url: str) -> str:
    """The id of a page's section: ``part1/argmax-attention/`` -> ``part1-argmax-attention``; home -> ``home``."""
    return url.strip("/").replace("/", "-").removesuffix(".html") or "home"


def relinked(content: str, page_url: str, chapters: dict[str, str], book_url: str) -> str:
    """A page's content, made to live on the whole-book page (see the module)."""
    key = chapter_key(page_url)

    def prefixed(match):
        ids = " ".join(f"{key}--{name}" for name in match["ids"].split())
        return f'{match["before"]}{ids}"'

    def moved(match):
        url = html.unescape(match["url"])
        if url.startswith("#"):
            target = f"#{key}--{url[1:]}" if len(url) > 1 else url
        elif urlsplit(url).scheme or url.startswith("//"):
            target = url  # another site, mailto:, data:
        else:
            resolved = urlsplit(urljoin(BASE + page_url, url))
            path = resolved.path[len(urlsplit(BASE).path) :]
            if path in chapters or path + "/" in chapters:
                chapter = chapters.get(path, chapters.get(path + "/"))
                target = f"#{chapter}--{resolved.fragment}" if resolved.fragment else f"#{chapter}"
            else:  # a file of the site
                target = get_relative_url(path, book_url) + (f"#{resolved.fragment}" if resolved.fragment else "")
        return f'{match["before"]}{html.escape(target)}"'

    return URL_ATTRIBUTE.sub(moved, ID_ATTRIBUTE.sub(prefixed, content))


def _contents(items, chapters: dict[str, str]) -> str:
    """The navigation as nested ordered lists of links to the chapters' sections."""
    entries = []
    for item in items:
        if item.is_page and item.url in chapters:
            entries.append(f'<li><a href="#{chapters[item.url]}">{html.escape(item.title or "")}</a></li>')
        elif item.is_section:
            entries.append(f"<li>{html.escape(item.title)}{_contents(item.children, chapters)}</li>")
    return f"<ol>{''.join(entries)}</ol>"


def _toc_links(links, key: str) -> list[AnchorLink]:
    """A chapter's table of contents, one level down, pointing at its ids on this page."""
    moved = []
    for link in links:
        copy = AnchorLink(link.title, f"{key}--{link.id}", link.level + 1)
        copy.children = _toc_links(link.children, key)
        moved.append(copy)
    return moved


@event_priority(-200)  # after the other hooks have ordered the files: this page renders last
def on_files(files, config):
    book = File.generated(config, SOURCE, content=INTRODUCTION)
    return Files([*files, book])


def on_nav(nav, config, files):
    _STATE["nav"] = nav
    _STATE["content"] = {}
    return nav


@event_priority(-200)  # after every other hook has changed the content
def on_page_content(content, page, config, files):
    if page.file.src_uri != SOURCE:
        _STATE["content"][page.url] = (content, page.toc)
        return content
    nav = _STATE["nav"]
    pages = [p for p in nav.pages if p.file.src_uri != SOURCE]
    missing = [p.file.src_uri for p in pages if p.url not in _STATE["content"]]
    if missing:  # the files were reordered after on_files, or a --dirty build skipped unchanged pages
        raise PluginError(
            f"whole_book: {', '.join(missing)} not rendered before {SOURCE}, which needs every page "
            "(a --dirty build renders only changed pages: build without it)"
        )
    chapters = {p.url: chapter_key(p.url) for p in pages}
    sections, toc = [], []
    for p in pages:
        chapter, chapter_toc = _STATE["content"][p.url]
        key = chapters[p.url]
        sections.append(
            f'<section class="whole-book-chapter" id="{key}">{relinked(chapter, p.url, chapters, page.url)}</section>'
        )
        toc.extend(_toc_links(chapter_toc, key))
    # the theme lists the children of the page's title: the chapters, each with its sections
    title = next(iter(page.toc), None)
    if title is not None:
        title.children = toc
    page.toc = TableOfContents([title] if title is not None else toc)
    # hooks/notebooks.py prunes the notebooks' stylesheet on this page too
    page.includes_notebooks = any(getattr(p, "nb_url", None) for p in pages)
    contents = _contents(nav.items, chapters)
    contents = f'<nav class="whole-book-contents" aria-label="Contents"><h2>Contents</h2>{contents}</nav>'
    return content + contents + "".join(sections)
