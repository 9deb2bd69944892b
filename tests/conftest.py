"""Shared fixtures: the site is built once per test run and shared by every test that reads it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
READER_SUMMARY: dict = {}  # filled by the build, browser and link tests; printed at the end of the run


def _build_command(site_dir: Path, config: Path) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config), "--site-dir", str(site_dir)]


def _build_env(notebook_cache: str, port: int = 8000) -> dict:
    return {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "BOOK_NOTEBOOK_CACHE": notebook_cache,
        "BOOK_SITE_URL": f"http://127.0.0.1:{port}/",
    }


def mkdocs_build(site_dir: Path, config: Path = ROOT / "mkdocs.yml", cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run ``mkdocs build --strict`` into ``site_dir``; return the finished process.

    The build cache (hooks/build_cache.py) points at a fresh empty folder, so
    every test build executes the notebooks.
    """
    with tempfile.TemporaryDirectory(prefix="notebook-cache-") as cache:
        return subprocess.run(
            _build_command(site_dir, config), cwd=cwd, env=_build_env(cache), capture_output=True, text=True
        )


class _BackgroundBuild:
    """The site build, started as soon as the tests are collected, so that it runs on one core
    while the tests that do not read the site run on the other."""

    def __init__(self, site_dir: Path):
        from tests.browser_support import free_port

        self.site_dir = site_dir
        self.port = free_port()  # the site is built for the address the browser tests serve it at
        self.cache = tempfile.TemporaryDirectory(prefix="notebook-cache-")
        self.log = tempfile.TemporaryFile(mode="w+")
        self.start = time.perf_counter()
        self.process = subprocess.Popen(
            _build_command(site_dir, ROOT / "mkdocs.yml"),
            cwd=ROOT,
            env=_build_env(self.cache.name, self.port),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def wait(self) -> tuple[int, str, float]:
        """(return code, output, seconds from start to finish)."""
        code = self.process.wait()
        seconds = time.perf_counter() - self.start
        self.log.seek(0)
        output = self.log.read()
        self.log.close()
        self.cache.cleanup()
        return code, output, seconds


_BUILD: dict = {}


def pytest_collection_modifyitems(session, config, items):
    """Run the tests that read the built site last, and start building it now."""
    reads_site = [item for item in items if "built_site" in getattr(item, "fixturenames", ())]
    if not reads_site or config.option.collectonly:
        return
    others = [item for item in items if "built_site" not in getattr(item, "fixturenames", ())]
    items[:] = others + reads_site
    _BUILD["build"] = _BackgroundBuild(Path(tempfile.mkdtemp(prefix="site-")))


def pytest_unconfigure(config):
    build = _BUILD.pop("build", None)
    if build is not None:
        if build.process.poll() is None:
            build.process.kill()
        build.wait()
    for site in _BUILD.pop("sites", []):
        shutil.rmtree(site, ignore_errors=True)


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The whole site, built strictly (notebook executed, hand-designed heads verified)."""
    build = _BUILD.pop("build", None) or _BackgroundBuild(Path(tempfile.mkdtemp(prefix="site-")))
    _BUILD.setdefault("sites", []).append(build.site_dir)
    code, output, seconds = build.wait()
    if code != 0:
        pytest.fail(f"mkdocs build --strict failed ({seconds:.1f} s):\n{output}", pytrace=False)
    READER_SUMMARY["build_seconds"] = seconds
    _BUILD["port"] = build.port
    print(f"\nmkdocs build --strict: {seconds:.1f} s (alongside the other tests) -> {build.site_dir}")
    return build.site_dir


# -- what a reader's browser sees: tests/browser_support.py ---------------------------------------

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built site served on 127.0.0.1 (gzip, as a static host serves it); the base URL."""
    from tests.browser_support import serve

    with serve(built_site, _BUILD.get("port", 0)) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run; the tests that need it skip if it is missing."""
    from tests.browser_support import INSTALL_HINT, find_chromium, launch

    if find_chromium() is None:
        READER_SUMMARY["skipped"] = INSTALL_HINT
        pytest.skip(INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def reader(browser, site_url):
    """One browser context and tab, reused by every browser test; outside requests blocked."""
    from tests.browser_support import Reader

    reader = Reader(browser, site_url)
    yield reader
    reader.close()


@pytest.fixture(scope="session")
def page_reports(reader, built_site):
    """Every page of the built site visited once: {url path: PageReport}."""
    from tests.browser_support import axe_source, site_pages, visit_all

    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    start = time.perf_counter()
    reports = visit_all(reader, site_pages(built_site), axe_source(), SCREENSHOTS)
    READER_SUMMARY.update(reports=reports, visit_seconds=time.perf_counter() - start)
    return reports


def pytest_terminal_summary(terminalreporter):
    write = terminalreporter.write_line
    if "skipped" in READER_SUMMARY:
        terminalreporter.section("browser tests skipped", sep="-")
        write(READER_SUMMARY["skipped"])
    if "build_seconds" in READER_SUMMARY:
        terminalreporter.section("site build", sep="-")
        write(f"mkdocs build --strict (notebook executed): {READER_SUMMARY['build_seconds']:.1f} s, alongside the other tests")
    reports = READER_SUMMARY.get("reports")
    if reports:
        terminalreporter.section("what a reader gets (headless Chromium)", sep="-")
        blocked = sum(len(r.blocked) for r in reports.values())
        write(
            f"{len(reports)} pages visited in {READER_SUMMARY['visit_seconds']:.1f} s; "
            f"{sum(r.formulas for r in reports.values())} formulas typeset; "
            f"{blocked} requests to hosts other than localhost (blocked)"
        )
        shots = sum(len(r.screenshots) for r in reports.values())
        write(f"screenshots ({shots}: whole page at 1280 px, first screen at 390 px): {SCREENSHOTS}")
        write(f"{'page':<36} {'formulas':>8} {'KB raw':>7} {'KB gzip':>7} {'axe serious+':>12}")
        for path, r in reports.items():
            serious = sum(
                1 for scheme in r.axe.values() for v in scheme if v["impact"] in {"serious", "critical"}
            )
            write(f"{'/' + path:<36} {r.formulas:>8} {r.bytes_raw / 1024:>7.0f} {r.bytes_gzip / 1024:>7.0f} {serious:>12}")
    links = READER_SUMMARY.get("links")
    if links:
        terminalreporter.section("links in the built site", sep="-")
        write(
            f"{links['internal']} internal links and anchors checked ({links['broken']} broken) in "
            f"{links['pages']} HTML files; {len(links['external'])} external URLs (listed, not fetched):"
        )
        for url, where in sorted(links["external"].items()):
            write(f"  {url}  ({len(where)} page{'s' if len(where) > 1 else ''})")
