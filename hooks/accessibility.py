"""Accessibility fixes to the theme's HTML, checked by tests/test_accessibility.py.

The search box is a ``role="dialog"`` without a name, so screen readers
announce an unnamed dialog: it gets ``aria-label="Search"``.
"""

from __future__ import annotations

import re

SEARCH_DIALOG = re.compile(r'(<div class="md-search" data-md-component="search" role="dialog")>')


def on_post_page(output, page, config):
    return SEARCH_DIALOG.sub(r'\1 aria-label="Search">', output, count=1)
