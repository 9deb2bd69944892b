"""Fixtures: one build cache per test run, the site built once (in the background) and read by every test.

Each test run gets a fresh, empty build cache (``BOOK_CACHE``), shared by this
process, the site build and the notebook's kernel: the learned heads and the
tiny language model are trained once per run, by whichever asks first
(``snippets/memo.py``), and the build executes every page and the notebook.

The order of a run: the page code on one core, while the grader executes the notebook on the
other (``graded``); then the other tests, while on the other core the site builds and a browser
of its own visits every page (``tests/browser_support.SiteVisits``); then the tests that read
the built site.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.support import ROOT, SOLUTION, BackgroundBuild, BackgroundGrading

RUN = pytest.StashKey[dict]()  # this run's cache folder, background build and reader summary


def pytest_configure(config):
    cache = tempfile.mkdtemp(prefix="book-cache-")
    os.environ["BOOK_CACHE"] = cache  # inherited by the build and the notebook's kernel
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # tiny matrices; the build runs beside the tests
    config.stash[RUN] = {"cache": cache, "summary": {}, "folders": []}
    # Hooks in this file see only the tests in tests/; these must see the page code and doctests too.
    config.pluginmanager.register(RunOrder(), "book-run-order")


def _is_page_code(item) -> bool:
    return item.path.suffix == ".md"


def pytest_collection_modifyitems(session, config, items):
    """Page code first, then the other tests while the site builds, then the tests that read the site.

    The page tests run every code block of every page and leave each block's output in the build
    cache; the build, started as soon as they are done, uses those outputs instead of running the
    blocks again, and runs on one core while the other tests run on the other."""
    reads_site = [item for item in items if "built_site" in getattr(item, "fixturenames", ())]
    page_code = [item for item in items if _is_page_code(item) and item not in reads_site]
    others = [item for item in items if item not in reads_site and item not in page_code]
    # Of the tests that read the site, those that need every page's visit go last: the others run
    # while the visits (in the background, from the end of the build) are still going on.
    reads_site.sort(key=lambda item: "page_reports" in getattr(item, "fixturenames", ()))
    items[:] = page_code + others + reads_site
    run = config.stash[RUN]
    run["page_tests"] = len(page_code)
    run["page_failures"] = 0
    if reads_site and not config.option.collectonly:
        run["build_before"] = items[len(page_code)].nodeid
    run["grade_first"] = any("graded" in getattr(item, "fixturenames", ()) for item in items)


class RunOrder:
    """Counts the page code's failures; starts the grader with the first test and the build once
    the page code has run."""

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        if report.failed and _is_page_code(item):
            item.config.stash[RUN]["page_failures"] += 1
        return report

    def pytest_runtest_setup(self, item):
        run = item.config.stash[RUN]
        if run.pop("grade_first", False):
            _start_grading(run)
        if run.get("build_before") == item.nodeid:
            _start_build(run)


SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def _start_grading(run: dict) -> BackgroundGrading:
    """The grader on the solution and on the student edition as the build ships it, in the background."""
    if "grading" not in run:
        import nbformat

        from snippets.student_edition import student_edition

        folder = Path(tempfile.mkdtemp(prefix="editions-"))
        run["folders"].append(folder)
        student = folder / "HW3-student.ipynb"
        nbformat.write(student_edition(nbformat.read(SOLUTION, as_version=4)), student)
        run["grading"] = BackgroundGrading({"solution": SOLUTION, "student": student})
        run["grading"].start()
    return run["grading"]


def _start_build(run: dict):
    """The site build, and the visit of every page once it is built, both in the background."""
    if "visits" not in run:
        from tests.browser_support import SiteVisits, free_port

        run["build"] = BackgroundBuild(Path(tempfile.mkdtemp(prefix="site-")), free_port())
        run["visits"] = SiteVisits(run["build"], SCREENSHOTS)
        run["visits"].start()
    return run["visits"]


def pytest_unconfigure(config):
    run = config.stash.get(RUN, None)
    if run is None:
        return
    if "visits" in run:
        run["visits"].stop()
        run["build"].stop()
    for folder in [run["cache"], *run["folders"]]:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def reader_summary(pytestconfig) -> dict:
    """What the build, browser and link tests found, printed at the end of the run."""
    return pytestconfig.stash[RUN]["summary"]


@pytest.fixture(scope="session")
def build_output(pytestconfig, built_site) -> str:
    """What the test run's ``mkdocs build --strict`` printed."""
    return pytestconfig.stash[RUN]["build_output"]


@pytest.fixture(scope="session")
def graded(pytestconfig) -> dict:
    """``python -m snippets.grade`` on the solution and on the student edition as shipped (two
    executions, started with the run): {"solution" | "student": (exit status, stdout, stderr)}."""
    grading = _start_grading(pytestconfig.stash[RUN])
    return {name: grading.result(name) for name in grading.notebooks}


@pytest.fixture(scope="session")
def page_code_ran_first(pytestconfig) -> bool:
    """True when this run ran every page's code, without a failure, before building the site."""
    run = pytestconfig.stash[RUN]
    return run["page_tests"] > 0 and run["page_failures"] == 0


@pytest.fixture(scope="session")
def built_site(pytestconfig, reader_summary) -> Path:
    """The whole site, built strictly (notebook executed, hand-designed heads verified)."""
    run = pytestconfig.stash[RUN]
    visits = _start_build(run)
    run["folders"].append(visits.build.site_dir)
    visits.built.wait()
    if visits.build_result is None:
        pytest.fail(f"mkdocs build --strict could not be run: {visits.error!r}", pytrace=False)
    code, output, seconds = visits.build_result
    run["build_output"] = output
    if code != 0:
        pytest.fail(f"mkdocs build --strict failed ({seconds:.1f} s):\n{output}", pytrace=False)
    reader_summary["build_seconds"] = seconds
    print(f"\nmkdocs build --strict: {seconds:.1f} s (alongside the other tests) -> {visits.build.site_dir}")
    return visits.build.site_dir


# -- what a reader's browser sees: tests/browser_support.py ---------------------------------------


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where the visit of every page writes its screenshots (emptied first)."""
    return SCREENSHOTS


@pytest.fixture(scope="session")
def site_url(pytestconfig, built_site):
    """The built site served on 127.0.0.1 (gzip, as a static host serves it); the base URL."""
    visits = pytestconfig.stash[RUN]["visits"]
    if visits.base is None:
        pytest.fail(f"the built site could not be served: {visits.error!r}", pytrace=False)
    return visits.base


def _skip_without_chromium(reader_summary: dict):
    from tests.browser_support import INSTALL_HINT, find_chromium

    if find_chromium() is None:
        reader_summary["skipped"] = INSTALL_HINT
        pytest.skip(INSTALL_HINT)


@pytest.fixture(scope="session")
def browser(reader_summary):
    """One headless Chromium for the whole run; the tests that need it skip if it is missing."""
    from tests.browser_support import launch

    _skip_without_chromium(reader_summary)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def reader(browser, site_url):
    """One browser context and tab, reused by every browser test; outside requests blocked."""
    from tests.browser_support import Reader

    reader = Reader(browser, site_url, tabs=1)
    yield reader
    reader.close()


@pytest.fixture(scope="session")
def page_reports(pytestconfig, built_site, screenshots, reader_summary):
    """Every page of the built site visited once, as soon as it was built: {url path: PageReport}."""
    _skip_without_chromium(reader_summary)
    visits = pytestconfig.stash[RUN]["visits"]
    reports = visits.result()
    reader_summary.update(reports=reports, visit_seconds=visits.seconds, screenshots=screenshots)
    return reports


def pytest_terminal_summary(terminalreporter, config):
    summary = config.stash.get(RUN, {}).get("summary", {})
    write = terminalreporter.write_line
    if "skipped" in summary:
        terminalreporter.section("browser tests skipped", sep="-")
        write(summary["skipped"])
    if "build_seconds" in summary:
        terminalreporter.section("site build", sep="-")
        write(f"mkdocs build --strict (notebook executed): {summary['build_seconds']:.1f} s, alongside the other tests")
    reports = summary.get("reports")
    if reports:
        terminalreporter.section("what a reader gets (headless Chromium)", sep="-")
        blocked = sum(len(r.blocked) for r in reports.values())
        write(
            f"{len(reports)} pages visited in {summary['visit_seconds']:.1f} s; "
            f"{sum(r.formulas for r in reports.values())} formulas typeset; "
            f"{blocked} requests to hosts other than localhost (blocked)"
        )
        shots = sum(len(r.screenshots) for r in reports.values())
        write(f"screenshots ({shots}: first screen at 1280 px and at 390 px): {summary['screenshots']}")
        write(f"{'page':<36} {'formulas':>8} {'KB raw':>7} {'KB gzip':>7} {'axe serious+':>12}")
        for path, r in reports.items():
            serious = sum(1 for scheme in r.axe.values() for v in scheme if v["impact"] in {"serious", "critical"})
            write(
                f"{'/' + path:<36} {r.formulas:>8} {r.bytes_raw / 1024:>7.0f} {r.bytes_gzip / 1024:>7.0f} {serious:>12}"
            )
    links = summary.get("links")
    if links:
        terminalreporter.section("links in the built site", sep="-")
        write(
            f"{links['internal']} internal links and anchors checked ({links['broken']} broken) in "
            f"{links['pages']} HTML files; {len(links['external'])} external URLs (listed, not fetched):"
        )
        for url, where in sorted(links["external"].items()):
            write(f"  {url}  ({len(where)} page{'s' if len(where) > 1 else ''})")
