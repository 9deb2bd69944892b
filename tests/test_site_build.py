"""The site builds strictly: no warnings, every page present, math served locally."""

from __future__ import annotations

import re

import pytest

from tests.reader_view import nav_sources


def test_every_nav_page_is_built(built_site):
    for page in nav_sources():
        stem = re.sub(r"(index)?\.(md|ipynb)$", "", page)
        assert (built_site / stem / "index.html").is_file(), f"{page} was not built"


def test_math_is_typeset_by_the_build_and_served_with_the_site(built_site):
    """Formulas are HTML and MathML in the pages; KaTeX's stylesheet and fonts come with the site."""
    assert (built_site / "assets/katex/katex.min.css").is_file()
    assert (built_site / "assets/katex/fonts/KaTeX_Main-Regular.woff2").is_file()
    for html in built_site.rglob("*.html"):
        text = html.read_text()
        assert "cdnjs" not in text and "cdn.jsdelivr" not in text, f"{html} loads a script from a CDN"
        assert "fonts.googleapis" not in text, f"{html} loads web fonts"
        assert not re.search(r"<script[^>]*(src=[^>]*mathjax|>[^<]*mathjax)", text, re.I), f"{html} loads MathJax"
    page = (built_site / "part1/argmax-attention/index.html").read_text()
    assert page.count('class="katex"') > 10 and "<math" in page


def test_page_code_runs_once_per_test_run(build_output, page_code_ran_first):
    """The page tests ran every block; the build of the same run showed their output, running none again."""
    ran, reused = map(int, re.search(r"page code: (\d+) blocks run, (\d+) reused", build_output).groups())
    if not page_code_ran_first:
        pytest.skip(f"the page tests did not all run and pass first: the build ran {ran} blocks itself")
    assert ran == 0 and reused > 0, f"the build ran {ran} code blocks the page tests had already run"
    print(f"the build ran no page code: {reused} blocks' outputs came from the page tests")


def test_the_notebook_kernel_runs_encrypted_and_warns_of_nothing(build_output):
    """The build gives the notebook's kernel CurveZMQ keys (hooks/build_cache.py), so the kernel does not
    warn, on every build, that it runs over TCP without encryption."""
    executed = re.search(r"notebook (\S+\.ipynb): executed in", build_output)
    if executed is None:
        pytest.skip("this build reused an executed notebook: no kernel ran")
    assert "without encryption" not in build_output, "the notebook's kernel ran unencrypted over TCP"
    assert "[IPKernelApp] WARNING" not in build_output, "the notebook's kernel warned"


def test_the_notebook_page_ships_the_student_edition_and_calls_its_download_the_solution(built_site):
    """hooks/student_edition.py writes the student edition beside the notebook; the page's download says solution."""
    import nbformat

    from snippets.student_edition import student_edition
    from tests.support import SOLUTION

    shipped = nbformat.read(built_site / "part3/HW3/HW3-student.ipynb", as_version=4)
    expected = student_edition(nbformat.read(SOLUTION, as_version=4))
    assert [c.source for c in shipped.cells] == [c.source for c in expected.cells], (
        "the shipped student edition is stale"
    )
    assert "Download the solution (HW3.ipynb)" in (built_site / "part3/HW3/index.html").read_text()
