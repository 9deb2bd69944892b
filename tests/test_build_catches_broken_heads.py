"""The build refuses a broken hand-designed head, names the task and the input, and fails before the notebook runs."""

from __future__ import annotations

import importlib.util
import logging
import shutil
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import ROOT, mkdocs_build

# One rewritten value per task, each enough to break the head.
BREAKS = {
    "content": ("    Vm = np.eye(3)\n    return NumpyTransformer(Km, Qm, Vm)",
                "    Vm = np.eye(3)\n    Vm[2, 2] = 0.5\n    return NumpyTransformer(Km, Qm, Vm)"),
    "position": ("    Km[tokens + 0, 0] = 1.0", "    Km[tokens + 1, 0] = 1.0"),
    "unique": ("TOKEN_VALUE = -0.75", "TOKEN_VALUE = -0.25"),
}
FAIL_FAST_SECONDS = 30  # a full build executes the notebook and takes much longer


def copy_of_the_book(tmp_path: Path) -> Path:
    repo = tmp_path / "book"
    repo.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", repo)
    for folder in ("docs", "snippets", "hooks"):
        shutil.copytree(ROOT / folder, repo / folder, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    return repo


@pytest.mark.parametrize("task", sorted(BREAKS))
def test_build_fails_on_a_broken_head_naming_task_and_input(tmp_path, task, monkeypatch):
    monkeypatch.setenv("BOOK_NOTEBOOK_CACHE", str(tmp_path / "cache"))
    repo = copy_of_the_book(tmp_path)
    design = repo / "snippets" / "hand_design.py"
    old, new = BREAKS[task]
    assert design.read_text().count(old) == 1, f"the line to break is no longer in hand_design.py: {old!r}"
    design.write_text(design.read_text().replace(old, new))
    site = tmp_path / "site"
    start = time.perf_counter()
    # Run from outside the copy: only the hook's sys.path entry makes the build import the copy's
    # snippets/ (the installed package is the unbroken original).
    result = mkdocs_build(site, config=repo / "mkdocs.yml", cwd=tmp_path)
    seconds = time.perf_counter() - start
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the build accepted a broken {task} head:\n{output[-2000:]}"
    assert f"hand-designed head for task {task!r}" in output
    assert "first failing input [" in output
    assert not site.exists(), "pages were written, so the check did not run first"
    assert seconds < FAIL_FAST_SECONDS, f"failing took {seconds:.1f} s"
    print(f"{task}: build failed in {seconds:.1f} s: {next(l for l in output.splitlines() if 'hand-designed' in l)[:160]}")


def load_hook():
    spec = importlib.util.spec_from_file_location("verify_hand_designed", ROOT / "hooks" / "verify_hand_designed.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    return hook


def test_unbroken_heads_pass_and_the_hook_reports_worst_errors(caplog):
    config = SimpleNamespace(config_file_path=str(ROOT / "mkdocs.yml"))
    with caplog.at_level(logging.INFO, logger="mkdocs.hooks.verify_hand_designed"):
        assert load_hook().on_config(config) is config
    (record,) = [r for r in caplog.records if r.name == "mkdocs.hooks.verify_hand_designed"]
    message = record.getMessage()
    assert message.startswith("hand-designed heads pass on every input (")
    for expected in ("content 1092 inputs, largest |out - target| 4.68e-13",
                     "position 120 inputs, largest |out - target| 2.81e-13",
                     "unique 1092 inputs, smallest sign margin 0.125"):
        assert expected in message
    seconds = float(message.split("(")[1].split(" s)")[0])
    assert seconds < 5
    print(message)
