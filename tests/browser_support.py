"""What a reader's browser sees: the built site served on localhost, read by headless Chromium.

Used by the browser, accessibility and link tests and by
``benchmarks/site_performance.py``. Nothing here needs the network: the
server is on 127.0.0.1 and every request for another host is blocked and
recorded.

``visit_all`` loads each page once and records everything the tests check:
console errors, failed and blocked requests, formulas typeset or left raw,
copy buttons, figures without a text alternative, in-page links, the printed
layout, axe-core violations in both colour schemes, bytes transferred, and
two screenshots.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import json
import mimetypes
import os
import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent / "js"


@functools.cache
def script(name: str) -> str:
    """A script the tests run in the page: ``tests/js/<name>``, one function expression
    (Playwright calls it, with the argument given to ``evaluate`` or ``wait_for_function``)."""
    return (SCRIPTS / name).read_text(encoding="utf-8")


def evaluate_json(page, name: str, arg=None):
    """``page.evaluate(script(name), arg)`` with the argument and the result passed as JSON text.

    Playwright checks a value it passes item by item: a result of some 100,000 numbers took
    seconds that way, a string of the same numbers milliseconds."""
    wrapper = f"async (text) => JSON.stringify(await ({script(name)})(JSON.parse(text)))"
    return json.loads(page.evaluate(wrapper, json.dumps(arg)))


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
INSTALL_HINT = (
    "Chromium not found. The browser tests need it: install it with `apt-get install chromium` "
    "(Debian/Ubuntu), or set CHROMIUM=/path/to/chromium."
)
DESKTOP, PHONE = 1280, 390
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".ipynb", ".map"}


def find_chromium() -> str | None:
    """The system Chromium (Playwright cannot download its own browser here)."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser"):
        if candidate and (path := shutil.which(candidate)):
            return path
    return None


def launch(playwright):
    return playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)


WHOLE_BOOK = "whole-book/"  # every other page again, on one page (hooks/whole_book.py)


def site_pages(site: Path) -> list[str]:
    """Every page of the built site as a URL path: ``""`` (home), ``"part1/argmax-attention/"``, ...

    The whole book on one page is not among them: it is every other page again, too long for a
    screenshot of the whole page; tests/test_whole_book.py reads and prints it."""
    pages = []
    for index in site.rglob("index.html"):
        rel = index.parent.relative_to(site).as_posix()
        pages.append("" if rel == "." else rel + "/")
    return sorted((p for p in pages if p != WHOLE_BOOK), key=lambda p: (p != "", p))


def slug(path: str) -> str:
    return path.strip("/").replace("/", "_") or "home"


# -- the server -------------------------------------------------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip-compressed when the browser accepts it, as any real static host does.

    ``compressed`` is the server's own {(path, mtime): gzip bytes}, shared by its handlers."""

    def __init__(self, *args, compressed: dict, **kwargs):
        self.compressed = compressed
        super().__init__(*args, **kwargs)

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts_gzip and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().do_GET()
        key = (path, path.stat().st_mtime_ns)
        body = self.compressed.get(key)
        if body is None:
            body = self.compressed[key] = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", mimetypes.guess_type(path.name)[0] or "application/octet-stream")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.wfile.write(body)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serve(site: Path, port: int = 0):
    """Serve ``site`` on 127.0.0.1 at ``port`` (a free one if 0 or taken); yields the base URL.

    A site serves instant navigation only at the address it was built for (``site_url``; the
    theme compares links with its sitemap, port included): build it for the port it is served on.
    """
    handler = functools.partial(_Handler, directory=str(site), compressed={})
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


# -- a reader ---------------------------------------------------------------------------------


class Tab:
    """A browser tab that records what went wrong in it: console errors, uncaught exceptions,
    failed requests, and requests for other hosts (blocked)."""

    def __init__(self, context):
        self.page = context.new_page()
        self.page.set_default_timeout(15_000)
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.pending = None  # the report whose axe-core run is still going on in this tab
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("response", lambda r: r.status >= 400 and self.errors.append(f"HTTP {r.status}: {r.url}"))


class Reader:
    """One browser context on the served site, with two tabs; requests for any host but
    localhost are blocked and recorded. ``page`` and ``errors`` are those of the first tab."""

    def __init__(self, browser, base: str, tabs: int = 2):
        self.base = base
        self.blocked: list[str] = []
        self.context = browser.new_context(viewport={"width": DESKTOP, "height": 900}, color_scheme="light")
        self.context.route(lambda url: not url.startswith(base), self._block)
        self.context.on("request", self._record_request)
        self.tabs = [Tab(self.context) for _ in range(tabs)]
        self.page = self.tabs[0].page
        self.errors = self.tabs[0].errors

    def _block(self, route):
        self._record_request(route.request)
        route.abort()

    def _record_request(self, request):
        url = request.url
        if url.startswith((self.base, "data:", "blob:", "about:")):
            return
        if url not in self.blocked:
            self.blocked.append(url)
        for tab in self.tabs:
            try:
                if request.frame.page == tab.page and url not in tab.blocked:
                    tab.blocked.append(url)
            except Exception:  # a request of a worker has no frame
                pass

    def close(self):
        self.context.close()

    def set_scheme(self, scheme: str):
        """Switch the colour scheme with the header toggle, as a reader does; the scheme now shown."""
        for _ in range(3):
            if self.page.evaluate(script("scheme.js")) == scheme:
                break
            self.page.locator("form[data-book-palette] label.md-header__button:visible").first.click()
        return self.page.evaluate(script("scheme.js"))


# -- one visit per page -----------------------------------------------------------------------


@dataclass
class PageReport:
    path: str
    title: str = ""
    errors: list = field(default_factory=list)
    blocked: list = field(default_factory=list)
    formulas: int = 0
    math: dict = field(default_factory=dict)
    raw_math: list = field(default_factory=list)
    code_blocks: int = 0
    code_without_copy: int = 0
    code_unreachable: int = 0
    code_contrast: dict = field(default_factory=dict)
    printed: dict = field(default_factory=dict)
    unlabelled_figures: list = field(default_factory=list)
    figures: int = 0
    broken_anchors: list = field(default_factory=list)
    overflow_px: int = 0
    height: int = 0
    phone_height: int = 0
    notebook: dict | None = None
    bytes_raw: int = 0
    bytes_gzip: int = 0
    resources: list = field(default_factory=list)
    axe: dict = field(default_factory=dict)
    screenshots: list = field(default_factory=list)


COLLECT = script("collect.js")

# SHOWN in a script stands for the function of shown.js: whether an element is drawn.
SHOWN = script("shown.js")

PRINTED = script("printed.js").replace("SHOWN", SHOWN)

OPEN_DETAILS_SHOWN = script("open_details_shown.js").replace("SHOWN", SHOWN)

CODE_CONTRAST = script("code_contrast.js")

WEIGHT = script("weight.js")

SETTLED = script("settled.js")


def axe_source() -> str:
    from axe_playwright_python.base import AXE_FILE_PATH

    return AXE_FILE_PATH.read_text(encoding="utf-8")


# Left to checks of our own, which are exact and far faster than axe-core on thousands of
# elements: the inside of code blocks (token contrast, CODE_CONTRAST; keyboard scrolling,
# COLLECT), typeset formulas (MathML for screen readers) and figures (role="img", a label).
AXE_CONTEXT = {"exclude": [["pre > code"], [".highlight-ipynb > pre"], [".katex"], ["svg[role=img]"]]}

# axe-core in both colour schemes, started in the page and left running there while the
# other tab loads the next page: each tab's page runs in its own renderer process, on its
# own core. The dark scheme is switched on the page only (the toggle would store it for the
# whole site, and the other tab would load dark); colours switch at once, with no fade.
# The job checks the code's contrast in the dark scheme too: CODE_CONTRAST in axe_job.js
# stands for the function of code_contrast.js.
AXE_JOB = script("axe_job.js").replace("CODE_CONTRAST", CODE_CONTRAST)


def _look(reader: Reader, tab: Tab, path: str, screenshots: Path | None) -> PageReport:
    """Load ``path`` cold in ``tab`` and record everything but axe-core's findings."""
    page = tab.page
    tab.errors.clear()
    tab.blocked.clear()
    report = PageReport(path=path)
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    page.goto(reader.base + path, wait_until="load")
    page.bring_to_front()  # a tab in the background draws no frames: the waits for one would stall
    page.evaluate(SETTLED)
    for url, encoded, decoded in page.evaluate(WEIGHT):  # what the cold load fetched
        report.resources.append((url[len(reader.base) :] if url.startswith(reader.base) else url, encoded, decoded))
        report.bytes_gzip += encoded
        report.bytes_raw += decoded
    page.evaluate(script("show_everything.js"))
    page.set_viewport_size({"width": DESKTOP, "height": page.evaluate(script("scroll_height.js"))})
    page.evaluate(script("show_hidden_done.js"))
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    facts = page.evaluate(COLLECT)
    report.title = facts["title"]
    report.formulas = facts["formulas"]
    report.math = facts["math"]
    report.raw_math = facts["raw"]
    report.code_blocks = facts["code_blocks"]
    report.code_without_copy = facts["code_without_copy"]
    report.code_unreachable = facts["unreachable"]
    report.figures = facts["figures"]
    report.unlabelled_figures = facts["unlabelled"]
    report.broken_anchors = facts["anchors"]
    report.notebook = facts["notebook"]
    report.code_contrast["light"] = page.evaluate(CODE_CONTRAST)
    page.emulate_media(media="print")
    report.printed = page.evaluate(PRINTED)
    page.emulate_media(media="null")
    report.height = page.evaluate(script("scroll_height.js"))
    if screenshots:
        # The first screen at desktop width and on a phone, for a person to look at. (The whole
        # page, long as it is, took most of a second per page to capture.) Sideways scrolling and
        # the length of the page on a phone are measured over the whole page.
        page.evaluate("() => window.scrollTo(0, 0)")
        shot = screenshots / f"{slug(path)}-{DESKTOP}.png"
        page.screenshot(path=shot)
        report.screenshots.append(shot)
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.evaluate(script("two_frames.js"))  # the page adapts
    report.overflow_px = page.evaluate(script("sideways_overflow.js"))
    report.phone_height = page.evaluate(script("scroll_height.js"))
    if screenshots:
        shot = screenshots / f"{slug(path)}-{PHONE}.png"
        page.screenshot(path=shot)
        report.screenshots.append(shot)
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    return report


def _finish(tab: Tab):
    """Collect the axe-core run going on in ``tab`` into its report; the tab is free again."""
    report, tab.pending = tab.pending, None
    if report is None:
        return
    found = tab.page.evaluate(script("axe_result.js"))
    if found is not None:
        report.axe = {"light": found["light"], "dark": found["dark"]}
        report.code_contrast["dark"] = found["code"]
    report.errors += tab.errors
    report.blocked += tab.blocked


def visit_all(reader: Reader, paths: list[str], axe: str | None = None, screenshots: Path | None = None) -> dict:
    """Every page in ``paths`` loaded once, cold, and looked at: {path: PageReport}.

    The tabs take turns: while axe-core checks one page in one tab, the next page loads
    in the other (the two use both cores; together they take about half the time)."""
    reports = {}
    for i, path in enumerate(paths):
        tab = reader.tabs[i % len(reader.tabs)]
        _finish(tab)
        reports[path] = report = _look(reader, tab, path, screenshots)
        if axe:
            tab.page.evaluate(AXE_JOB, [AXE_CONTEXT, axe])
        tab.pending = report
    for tab in reader.tabs:
        _finish(tab)
    return reports


def problems(reports: dict, check) -> list[str]:
    """``/page: problem`` for every page whose report ``check`` finds something wrong with."""
    found = []
    for path, report in reports.items():
        result = check(report)
        if result:
            found.append(f"/{path}: {result}")
    return found


class SiteVisits(threading.Thread):
    """The built site read by a browser of its own while the other tests run.

    Waits for the background build; when it succeeds, serves the site (on the port it was built
    for) and, if Chromium is installed, visits every page once (``visit_all``, screenshots into
    ``screenshots``). Up to then one core sits idle while the tests that do not read the site
    run on the other. ``built`` is set when the build has finished and, if it succeeded, the
    site is served at ``base``; ``join`` waits for the visits. Any error is kept in ``error``
    and raised by ``result``."""

    def __init__(self, build, screenshots: Path):
        super().__init__(name="site-visits", daemon=True)
        self.build = build
        self.screenshots = screenshots
        self.built = threading.Event()
        self.build_result: tuple[int, str, float] | None = None
        self.base: str | None = None
        self.reports: dict | None = None
        self.seconds = 0.0
        self.error: BaseException | None = None
        self._server = contextlib.ExitStack()

    def run(self):
        try:
            self.build_result = self.build.wait()
            if self.build_result[0] == 0:
                self.base = self._server.enter_context(serve(self.build.site_dir, self.build.port))
        except BaseException as error:
            self.error = error
        finally:
            self.built.set()
        if self.base is None or find_chromium() is None:
            return
        try:
            from playwright.sync_api import sync_playwright

            shutil.rmtree(self.screenshots, ignore_errors=True)
            self.screenshots.mkdir(parents=True)
            start = time.perf_counter()
            with sync_playwright() as playwright:
                browser = launch(playwright)
                reader = Reader(browser, self.base)
                self.reports = visit_all(reader, site_pages(self.build.site_dir), axe_source(), self.screenshots)
                reader.close()
                browser.close()
            self.seconds = time.perf_counter() - start
        except BaseException as error:
            self.error = error

    def result(self) -> dict:
        """{url path: PageReport}, once every page has been visited."""
        self.join()
        if self.error is not None:
            raise RuntimeError(f"visiting the built site failed: {self.error!r}") from self.error
        return self.reports

    def stop(self):
        self._server.close()
