"""The build refuses a broken hand-designed head, names the task and the input, and fails before any page."""

from __future__ import annotations

import importlib.util
import logging
import re
import shutil
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from mkdocs.exceptions import PluginError

from snippets import hand_design
from snippets.transformer import NumpyTransformer
from tests.support import ROOT, mkdocs_build

FAIL_FAST_SECONDS = 30  # a full build executes the notebook and takes much longer


def load_hook():
    spec = importlib.util.spec_from_file_location("verify_hand_designed", ROOT / "hooks" / "verify_hand_designed.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    return hook


def _broken(task):
    """The designed head of ``task`` with one value changed, enough to break it."""
    head = hand_design.HAND_DESIGNED[task]()
    Vm = head.Vm.copy()
    Vm[:, 0] *= -1 if task == "unique" else 0.5  # unique: flip the signs; otherwise halve token A's value
    return lambda: NumpyTransformer(head.Km, head.Qm, Vm, head.pos)


@pytest.mark.parametrize("task", sorted(hand_design.HAND_DESIGNED))
def test_the_check_names_the_task_and_the_first_failing_input(task, monkeypatch, tmp_path):
    monkeypatch.setenv("BOOK_CACHE", str(tmp_path))  # no memory of an earlier pass
    monkeypatch.setitem(hand_design.HAND_DESIGNED, task, _broken(task))
    config = SimpleNamespace(config_file_path=str(ROOT / "mkdocs.yml"))
    with pytest.raises(PluginError, match=rf"hand-designed head for task {task!r} .* first failing input \["):
        load_hook().on_config(config)


def test_unbroken_heads_pass_and_the_hook_reports_worst_errors(caplog, monkeypatch, tmp_path):
    monkeypatch.setenv("BOOK_CACHE", str(tmp_path))
    config = SimpleNamespace(config_file_path=str(ROOT / "mkdocs.yml"))
    with caplog.at_level(logging.INFO, logger="mkdocs.hooks.verify_hand_designed"):
        assert load_hook().on_config(config) is config
        assert load_hook().on_config(config) is config  # the second time, remembered: not checked again
    first, second = [r.getMessage() for r in caplog.records if r.name == "mkdocs.hooks.verify_hand_designed"]
    assert first.startswith("hand-designed heads pass on every input (")
    assert second.startswith(first) and second.endswith("(checked before; snippets/ unchanged since)")
    counts = dict(re.findall(r"(\w+) (\d+) inputs", first))
    assert counts == {"content": "1092", "position": "120", "unique": "1092"}
    errors = [float(x) for x in re.findall(r"largest \|out - target\| ([\d.e+-]+)", first)]
    assert len(errors) == 2 and max(errors) < 1e-10, f"designed heads are exact to rounding: {errors}"
    margin = float(re.search(r"smallest sign margin ([\d.e+-]+)", first)[1])
    assert margin > 0.1, f"the unique-token head decides every sign with a margin: {margin}"
    seconds = float(first.split("(")[1].split(" s)")[0])
    assert seconds < 5
    print(first)


def test_the_real_build_stops_before_writing_a_page(tmp_path):
    """A copy of the book with a broken head: ``mkdocs build`` fails, fast, naming task and input."""
    repo = tmp_path / "book"
    repo.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", repo)
    for folder in ("docs", "snippets", "hooks", "overrides"):
        shutil.copytree(
            ROOT / folder, repo / folder, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
        )
    design = repo / "snippets" / "hand_design.py"
    old, new = "TOKEN_VALUE = -0.75", "TOKEN_VALUE = -0.25"
    assert design.read_text().count(old) == 1, f"the line to break is no longer in hand_design.py: {old!r}"
    design.write_text(design.read_text().replace(old, new))
    site = tmp_path / "site"
    start = time.perf_counter()
    # Run from outside the copy: only the hook's sys.path entry makes the build import the copy's
    # snippets/ (the installed package is the unbroken original).
    result = mkdocs_build(site, config=repo / "mkdocs.yml", cwd=tmp_path, cache=str(tmp_path / "cache"))
    seconds = time.perf_counter() - start
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the build accepted a broken head:\n{output[-2000:]}"
    assert "hand-designed head for task 'unique'" in output and "first failing input [" in output
    assert not site.exists(), "pages were written, so the check did not run first"
    assert seconds < FAIL_FAST_SECONDS, f"failing took {seconds:.1f} s"
    print(
        f"build failed in {seconds:.1f} s: {next(line for line in output.splitlines() if 'hand-designed' in line)[:160]}"
    )


def test_the_copy_is_of_the_book_not_of_an_installed_package():
    assert Path(hand_design.__file__).resolve().parent == ROOT / "snippets"
    assert np.isclose(hand_design.TOKEN_VALUE, -0.75)
