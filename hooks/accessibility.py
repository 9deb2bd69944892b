"""Accessibility fixes to the theme's HTML, checked by tests/test_accessibility.py.

The search box is a ``role="dialog"`` without a name, so screen readers
announce an unnamed dialog: it gets ``aria-label="Search"``.

Code line anchors (``__codelineno-B-L``, line L of block B) are numbered per
Markdown run, and the blocks markdown-exec renders each start again at block
0, so a page repeated them and a line link jumped to another block's line.
Each ``<pre>`` of a page gets a block number of its own.
"""

from __future__ import annotations

import itertools
import re

SEARCH_DIALOG = re.compile(r'(<div class="md-search" data-md-component="search" role="dialog")>')
PRE = re.compile(r"<pre\b.*?</pre>", re.DOTALL)
LINE_ANCHOR = re.compile(r"__codelineno-\d+-")


def on_page_content(html, page, config, files):
    blocks = itertools.count()

    def numbered(match):
        pre = match.group(0)
        if "__codelineno-" not in pre:
            return pre
        return LINE_ANCHOR.sub(f"__codelineno-{next(blocks)}-", pre)

    return PRE.sub(numbered, html)


def on_post_page(output, page, config):
    return SEARCH_DIALOG.sub(r'\1 aria-label="Search">', output, count=1)
