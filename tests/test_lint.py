"""The repository's conventions: ruff's lint and format rules (``[tool.ruff]`` in pyproject.toml), and
the ``browser`` marker on every test that drives Chromium (so ``pytest -m "not browser"`` runs none)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support import ROOT


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["ruff check", "ruff format --check"])
def test_the_code_keeps_to_the_lint_and_format_rules(command):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "--no-cache", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, (
        f"`ruff {' '.join(command)}` found problems (`ruff format .` and `ruff check --fix .` fix most):\n"
        f"{result.stdout}{result.stderr}"
    )


def test_every_test_that_drives_the_browser_is_marked_browser(request):
    unmarked = [
        item.nodeid
        for item in request.session.items
        if "browser" in getattr(item, "fixturenames", ()) and item.get_closest_marker("browser") is None
    ]
    assert not unmarked, f"these tests use the browser but lack `pytestmark = pytest.mark.browser`: {unmarked}"
