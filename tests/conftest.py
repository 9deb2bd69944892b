"""Shared fixtures: the site is built once per test run and shared by every test that reads it."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def mkdocs_build(site_dir: Path, config: Path = ROOT / "mkdocs.yml", cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run ``mkdocs build --strict`` into ``site_dir``; return the finished process.

    The notebook cache (hooks/notebooks.py) points at a fresh empty folder, so
    every test build executes the notebooks.
    """
    with tempfile.TemporaryDirectory(prefix="notebook-cache-") as cache:
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "BOOK_NOTEBOOK_CACHE": cache}
        return subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config), "--site-dir", str(site_dir)],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
        )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The whole site, built strictly (notebook executed, hand-designed heads verified)."""
    site = tmp_path_factory.mktemp("site")
    start = time.perf_counter()
    result = mkdocs_build(site)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed ({seconds:.1f} s):\n{result.stdout}\n{result.stderr}", pytrace=False)
    print(f"\nmkdocs build --strict: {seconds:.1f} s -> {site}")
    return site
