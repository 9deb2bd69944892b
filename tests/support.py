"""Building the site for the tests: the command, its environment, and a build in the background."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "docs" / "part3" / "HW3.ipynb"  # the notebook, solutions included


def build_command(site_dir: Path, config: Path = ROOT / "mkdocs.yml") -> list[str]:
    return [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--config-file",
        str(config),
        "--site-dir",
        str(site_dir),
    ]


def build_env(cache: str | None = None, port: int = 8000) -> dict:
    """The environment of a test build: the site built for the port it is served on.

    ``cache`` is the build cache (``BOOK_CACHE``); by default the one this test run uses.
    """
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "BOOK_SITE_URL": f"http://127.0.0.1:{port}/"}
    if cache is not None:
        env["BOOK_CACHE"] = cache
    return env


def mkdocs_build(
    site_dir: Path, config: Path = ROOT / "mkdocs.yml", cwd: Path = ROOT, cache: str | None = None
) -> subprocess.CompletedProcess:
    """Run ``mkdocs build --strict`` into ``site_dir``; return the finished process."""
    return subprocess.run(
        build_command(site_dir, config), cwd=cwd, env=build_env(cache), capture_output=True, text=True
    )


class BackgroundBuild:
    """The site build, started once the page code has run, so that it runs on one core while
    the tests that do not read the site run on the other."""

    def __init__(self, site_dir: Path, port: int):
        self.site_dir = site_dir
        self.port = port  # the site is built for the address the browser tests serve it at
        self.log = tempfile.TemporaryFile(mode="w+")
        self.start = time.perf_counter()
        self.process = subprocess.Popen(
            build_command(site_dir),
            cwd=ROOT,
            env=build_env(port=port),
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
        return code, output, seconds

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class BackgroundGrading(threading.Thread):
    """``python -m snippets.grade`` on each of ``notebooks`` in turn, started with the test run.

    The page code runs first and on one core; the grader's kernels run on the other meanwhile.
    ``result(name)`` waits and gives (exit status, stdout, stderr)."""

    def __init__(self, notebooks: dict[str, Path]):
        super().__init__(name="grading", daemon=True)
        self.notebooks = notebooks
        self.results: dict[str, tuple[int, str, str]] = {}

    def run(self):
        for name, path in self.notebooks.items():
            try:
                done = subprocess.run(
                    [sys.executable, "-m", "snippets.grade", str(path)], cwd=ROOT, capture_output=True, text=True
                )
                self.results[name] = (done.returncode, done.stdout, done.stderr)
            except Exception as error:  # reported by the test that reads the result
                self.results[name] = (-1, "", f"could not run the grader: {error!r}")

    def result(self, name: str) -> tuple[int, str, str]:
        self.join()
        return self.results[name]
