"""Accessibility of every page: axe-core in the browser, in the light and the dark scheme.

axe-core (shipped by the ``axe-playwright-python`` package) runs on each page
as loaded by ``page_reports``: every rule in the light scheme, the colour
contrast rule again in the dark scheme. Serious and critical violations fail;
moderate and minor ones are printed. The inside of code blocks, typeset
formulas and figures get exact checks of their own (below), far faster than
axe on their thousands of elements.
"""

from __future__ import annotations

import pytest

from tests.browser_support import problems

pytestmark = pytest.mark.browser

FAILING = {"serious", "critical"}


def _describe(violation):
    nodes = "; ".join(
        f"{target}: {summary.splitlines()[-1].strip() if summary else html}"
        for target, html, summary in violation["nodes"][:3]
    )
    more = len(violation["nodes"]) - 3
    return f"{violation['id']} ({violation['impact']}, {violation['help']}) x{len(violation['nodes'])}: {nodes}" + (
        f" (+{more} more)" if more > 0 else ""
    )


def test_no_serious_or_critical_violations(page_reports):
    def check(r):
        return [
            f"[{scheme}] {_describe(v)}" for scheme, found in r.axe.items() for v in found if v["impact"] in FAILING
        ]

    bad = problems(page_reports, check)
    for path, r in page_reports.items():
        minor = sorted(
            {f"{v['id']} ({v['impact']})" for found in r.axe.values() for v in found if v["impact"] not in FAILING}
        )
        if minor:
            print(f"/{path}: not failing: {', '.join(minor)}")
    assert all(r.axe.get("light") is not None for r in page_reports.values()), "axe did not run on every page"
    assert not bad, "axe-core violations:\n" + "\n".join(bad)


def test_figures_have_text_alternatives(page_reports):
    """Images need alt text; inline SVG plots need role="img" and an aria-label (snippets.plotting.svg)."""
    bad = problems(page_reports, lambda r: r.unlabelled_figures)
    assert not bad, "figures a screen reader cannot describe:\n" + "\n".join(bad)


def test_formulas_are_readable_by_screen_readers(page_reports):
    """Each typeset formula carries MathML for assistive technology (KaTeX's htmlAndMathml output)."""
    bad = problems(
        page_reports, lambda r: r.math["without_mathml"] and f"{r.math['without_mathml']} formulas without MathML"
    )
    assert not bad, "\n".join(bad)


def test_code_is_legible_and_reachable(page_reports):
    """Every kind of token in the code blocks has 4.5:1 contrast in both schemes, and a code block
    too wide for the screen can be scrolled from the keyboard."""
    bad = problems(
        page_reports,
        lambda r: (
            [f"[{scheme}] {low}" for scheme, lows in r.code_contrast.items() for low in lows]
            + ([f"{r.code_unreachable} wide code blocks cannot be focused to scroll"] if r.code_unreachable else [])
        ),
    )
    assert not bad, "\n".join(bad)
