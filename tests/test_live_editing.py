"""Live editing: with ``mkdocs serve`` running, an edit to the book's code or hooks changes the served page.

The server runs on a copy of the repository (the working tree as it is, so
uncommitted work counts) in which the book is cut down to the page under
test, 1(a), so that its builds take seconds: the configuration is the book's
own (``INHERIT``), hooks and watched folders included, with only the
navigation narrowed and links to the removed pages reported instead of fatal.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser_support import free_port
from tests.support import ROOT

PAGE = "part1/argmax-attention.md"
SERVED_PAGE = "part1/argmax-attention/"
START_SECONDS = 180  # the first build: imports, the hand-designed heads' check, the page's code
CHANGE_SECONDS = 90  # from the edit to the served page showing the new output

ONE_PAGE_BOOK = f"""\
INHERIT: mkdocs.yml
nav: [{PAGE}]
validation:
  links: {{not_found: info, anchors: info}}
"""

HOOK_EDIT = """

def on_post_page(output, page, config):
    return output.replace("</body>", "<!-- the edited hook ran --></body>")
"""


def copy_of_the_book(target: Path) -> Path:
    """The working tree copied to ``target`` (no virtual environment, caches or built site), cut to one page."""
    shutil.copytree(
        ROOT,
        target,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            ".cache",
            "site",
            "test-artifacts",
            "__pycache__",
            "*.egg-info",
            ".pytest_cache",
            ".ipynb_checkpoints",
        ),
    )
    for page in [*(target / "docs").rglob("*.md"), *(target / "docs").rglob("*.ipynb")]:
        if page != target / "docs" / PAGE:
            page.unlink()
    (target / "one-page.yml").write_text(ONE_PAGE_BOOK)
    return target


@pytest.fixture
def served_book(tmp_path):
    """``mkdocs serve`` of a one-page copy of the book: (its folder, the page's URL, its log file)."""
    book = copy_of_the_book(tmp_path / "book")
    port = free_port()
    log_file = tmp_path / "serve.log"
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "BOOK_CACHE": str(tmp_path / "cache"),
        "PYTHONPATH": str(book),
    }  # the copy's snippets/, not the repository's
    with log_file.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-f", "one-page.yml", "-a", f"127.0.0.1:{port}"],
            cwd=book,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield book, f"http://127.0.0.1:{port}/{SERVED_PAGE}", log_file
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)  # the server and anything it started
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def fetch(url: str) -> str | None:
    """The page's HTML, or None while the server is not answering yet."""
    try:
        with urllib.request.urlopen(url, timeout=120) as response:  # it answers once a running build ends
            return response.read().decode()
    except (urllib.error.URLError, ConnectionError):
        return None


def wait_for(url: str, expected: str, seconds: float, log_file: Path) -> tuple[str, float]:
    """Poll ``url`` until its HTML contains ``expected``; (the HTML, the seconds it took)."""
    start = time.perf_counter()
    html = None
    while time.perf_counter() - start < seconds:
        html = fetch(url)
        if html is not None and expected in html:
            return html, time.perf_counter() - start
        time.sleep(0.5)
    log = log_file.read_text()[-4000:]
    pytest.fail(f"after {seconds} s, {url} does not show {expected!r}\nmkdocs serve said:\n{log}", pytrace=False)


def test_an_edit_to_the_code_changes_the_served_output(served_book):
    book, url, log_file = served_book
    html, started = wait_for(url, "output: [1. 4. 3.]", START_SECONDS, log_file)
    assert "astype" not in html

    # argmax_attention now returns integers: the page's claims still hold, its printed output changes
    code = book / "snippets" / "attention.py"
    source = code.read_text()
    assert source.count("    return V[best]\n") == 1, "argmax_attention no longer ends as this test expects"
    code.write_text(source.replace("    return V[best]\n", "    return V[best].astype(int)\n"))

    html, changed = wait_for(url, "output: [1 4 3]", CHANGE_SECONDS, log_file)
    assert "output: [1. 4. 3.]" not in html, "the served page still shows the old output"
    assert "astype" in html, "the served page's listing of argmax_attention is not the edited code"

    # an edit to a hook: the next build runs the hook as it is now
    hook = book / "hooks" / "live_editing.py"
    hook.write_text(hook.read_text() + HOOK_EDIT)
    _, hook_changed = wait_for(url, "<!-- the edited hook ran -->", CHANGE_SECONDS, log_file)
    print(
        f"mkdocs serve: first page in {started:.1f} s; an edit's effect served {changed:.1f} s after an edit to "
        f"snippets/, {hook_changed:.1f} s after an edit to hooks/"
    )
