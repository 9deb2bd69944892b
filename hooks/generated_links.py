"""Links in Markdown that a page prints at build time work like the page's own links.

MkDocs turns a link to another page's source, ``[2(c)](relative-position-bias.md)``,
into that page's address, and warns (so ``--strict`` fails) when the page does
not exist. Markdown printed by a markdown-exec block is rendered after that
step, so its links would stay ``.md`` and lead nowhere. This hook converts
them the same way, and warns the same way about a page that does not exist
(anchors are checked by tests/test_links.py).
"""

from __future__ import annotations

import logging
import posixpath
import re

log = logging.getLogger("mkdocs.hooks.generated_links")
MD_LINK = re.compile(r'(<a\b[^>]*?\bhref=")([^"#?:]+\.md)((?:#[^"]*)?")')


def on_page_content(html, page, config, files):
    def convert(match):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page.file.src_uri), match[2]))
        file = files.get_file_from_path(target)
        if file is None:
            log.warning("%s links to %s, which is not a page of the book", page.file.src_uri, match[2])
            return match[0]
        return match[1] + file.url_relative_to(page.file) + match[3]

    return MD_LINK.sub(convert, html)
