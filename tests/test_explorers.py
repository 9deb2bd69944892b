"""The interactive figures, in the browser on the built site: their numbers are the book's Python's.

The head explorer of 3(a) and 3(b) runs its own forward pass in the page
(docs/javascripts/head-explorer.js). Here it runs on every input of its task,
for both heads, at several gaps below and above the gap the task needs, and
must match ``NumpyTransformer`` on the same weights to 1e-9 and give the
verdict of the course's check (``snippets.hw3_tasks.passes``) on every input.
The temperature explorer of 1(b) must match ``snippets.attention.softmax`` and
PyTorch's autograd (``snippets.attention_torch.gradients``) at every stop of its
slider. Both are driven from the keyboard, checked by axe-core in both colour
schemes, after instant navigation and in print, with no console error and no
request leaving the machine; their scripts stay small and load only where
they are used.
"""

from __future__ import annotations

import gzip
import re
from functools import partial

import numpy as np
import pytest

from tests.browser_support import AXE_CONTEXT, AXE_JOB, axe_source, evaluate_json, script

pytestmark = pytest.mark.browser

PAGES = {"content": "part3/select-by-content/", "position": "part3/select-by-position/"}
TEMPERATURE_PAGE = "part1/training-with-argmax/"
SCRIPT_BUDGET = 15 * 1024  # bytes of explorer script per page, gzip-compressed
TOLERANCE = 1e-9


def _open(reader, path, selector):
    """Load ``path`` cold in the reader's first tab and wait for the explorer to draw itself."""
    reader.errors.clear()
    reader.tabs[0].blocked.clear()
    page = reader.page
    page.goto(reader.base + path)
    page.wait_for_function(script("explorer_mounted.js"), arg=selector)
    return page


def _heads(data):
    """{head name: (NumpyTransformer on the page's weights, its own smallest gap)}."""
    from snippets.transformer import NumpyTransformer

    return {
        name: (NumpyTransformer(h["Km"], h["Qm"], h["Vm"], h["pos"]), h["gap"]) for name, h in data["heads"].items()
    }


@pytest.mark.parametrize("task", PAGES)
def test_the_page_exports_the_builds_heads_and_the_courses_check(reader, task):
    """The weights in the page are the designed head and the learned head as trained for this build,
    each with its own smallest gap; the tolerances and the needed gap are the Python ones."""
    from snippets.hand_design import HAND_DESIGNED
    from snippets.hw3_tasks import ATOL, RTOL, TASKS
    from snippets.learned_heads import learned_head
    from snippets.sharpness import required_gap, smallest_gap
    from snippets.transformer import numpy_head

    page = _open(reader, PAGES[task], ".head-explorer")
    data = page.evaluate(script("head_explorer_data.js"), task)
    expected = {"designed": HAND_DESIGNED[task](), "learned": numpy_head(learned_head(task).model)}
    for name, (model, own) in _heads(data).items():
        for matrix in ("Km", "Qm", "Vm", "pos"):
            mine, theirs = getattr(model, matrix), getattr(expected[name], matrix)
            assert (mine is None and theirs is None) or np.array_equal(mine, theirs), f"{task}/{name}: {matrix} differs"
        assert own == smallest_gap(expected[name], task), f"{task}/{name}: own gap {own}"
    spec = TASKS[task]
    assert (data["rtol"], data["atol"]) == (RTOL, ATOL)
    assert data["lengths"] == [spec.lengths[0], spec.lengths[-1]]
    assert data["neededGap"] == required_gap(spec.lengths[-1])
    assert not reader.errors, reader.errors


@pytest.mark.parametrize("task", PAGES)
def test_head_explorer_matches_numpy_and_the_check_on_every_input(reader, task):
    """Every input, both heads, gaps from 0 to 40 (below and above the needed gap, and each head's own):
    outputs and attention within 1e-9 of NumpyTransformer, and the same verdict as the course's check."""
    from snippets.hw3_tasks import all_sequences, encode, passes, target
    from snippets.sharpness import with_smallest_gap

    page = _open(reader, PAGES[task], ".head-explorer")
    data = page.evaluate(script("head_explorer_data.js"), task)
    needed = data["neededGap"]
    sequences = all_sequences(task)
    by_length = {}
    for s in sequences:
        by_length.setdefault(len(s), []).append(s)
    inputs = {
        n: (np.stack([encode(s, task) for s in group]), np.stack([target(s, task) for s in group]))
        for n, group in by_length.items()
    }
    checked = verdicts = 0
    for name, (model, own) in _heads(data).items():
        for gap in (0.0, 5.0, needed - 1, needed - 0.05, needed + 0.05, 30.0, 40.0, own):
            found = evaluate_json(page, "head_explorer_run.js", [task, name, sequences, gap])
            reference = with_smallest_gap(model, gap, own)
            row = 0
            for n, group in by_length.items():
                X, T = inputs[n]
                out, weights = reference.forward(X, return_attention=True)
                js_out = np.array(found["out"][row : row + len(group)]).reshape(out.shape)
                js_weights = np.array(found["weights"][row : row + len(group)]).reshape(weights.shape)
                where = f"{task}, {name} head, gap {gap:.4g}, length {n}"
                assert np.abs(js_out - out).max() <= TOLERANCE, (
                    f"{where}: outputs differ by {np.abs(js_out - out).max():.2e}"
                )
                assert np.abs(js_weights - weights).max() <= TOLERANCE, f"{where}: attention differs"
                expected = passes(out, T, task)
                mismatched = [s for s, a, b in zip(group, found["passes"][row : row + len(group)], expected) if a != b]
                assert not mismatched, (
                    f"{where}: the page's verdict differs from the course's check on {mismatched[:5]}"
                )
                verdicts += sum(expected)
                row += len(group)
                checked += len(group)
    print(f"{task}: {checked} (input, head, gap) cases match NumpyTransformer to {TOLERANCE:g}; {verdicts} pass")
    assert 0 < verdicts < checked, "the gaps chosen must give both verdicts"
    assert not reader.errors, reader.errors


@pytest.mark.parametrize("task", PAGES)
def test_smallest_passing_gap_of_the_worst_inputs_is_the_needed_gap(reader, task):
    """Over the longest inputs, the largest of the page's per-input smallest passing gaps (designed head)
    is the gap snippets.sharpness.required_gap says every input needs; the learned head passes at no gap."""
    from snippets.hw3_tasks import TASKS, all_sequences

    page = _open(reader, PAGES[task], ".head-explorer")
    data = page.evaluate(script("head_explorer_data.js"), task)
    longest = [s for s in all_sequences(task) if len(s) == TASKS[task].lengths[-1]]
    designed = evaluate_json(page, "head_explorer_needed.js", [task, "designed", longest])
    assert abs(max(designed) - data["neededGap"]) < 1e-6, f"{task}: worst input needs {max(designed)}"
    learned = evaluate_json(page, "head_explorer_needed.js", [task, "learned", longest[:50]])
    assert learned == [None] * len(learned), f"{task}: the learned head passes somewhere: {learned}"


def test_temperature_explorer_matches_softmax_and_autograd(reader):
    """At every stop of the slider: weights within 1e-9 of snippets.attention.softmax, and the query's
    gradient norm that of autograd (1e-9 relative; below 1e-12 both are rounding and must both be tiny)."""
    import torch

    from snippets.attention import EXAMPLE_KEYS, EXAMPLE_QUERY, EXAMPLE_VALUES, softmax
    from snippets.attention_torch import gradients, softmax_attention

    page = _open(reader, TEMPERATURE_PAGE, ".temperature-explorer")
    found = page.evaluate(script("temperature_explorer_run.js"))
    data = found["data"]
    assert data["keys"] == [list(map(float, k)) for k in EXAMPLE_KEYS]
    assert data["values"] == [list(map(float, v)) for v in EXAMPLE_VALUES]
    assert data["query"] == list(map(float, EXAMPLE_QUERY))
    temperatures = np.array(data["temperatures"])
    assert np.allclose(temperatures, np.logspace(-2, 2, 41), rtol=1e-12), "the slider runs from 0.01 to 100"
    keys, values, query = (np.array(data[k]) for k in ("keys", "values", "query"))
    tk, tv, tq = (torch.tensor(a, dtype=torch.float64) for a in (keys, values, query))
    for T, stop in zip(temperatures, found["stops"]):
        weights = softmax(keys @ query / np.sqrt(keys.shape[1]) / T)
        assert np.abs(np.array(stop["weights"]) - weights).max() <= TOLERANCE, f"T = {T:g}: weights differ"
        norm = float(gradients(partial(softmax_attention, temperature=T), tk, tv, tq)[0].norm())
        if norm < 1e-12:
            assert stop["gradNorm"] < 1e-12, f"T = {T:g}: gradient {stop['gradNorm']:.3g}, autograd {norm:.3g}"
        else:
            assert abs(stop["gradNorm"] - norm) <= TOLERANCE * norm, (
                f"T = {T:g}: gradient {stop['gradNorm']}, autograd {norm}"
            )
    print(f"{len(temperatures)} slider stops match softmax and autograd")
    assert not reader.errors, reader.errors


def test_head_explorer_by_keyboard(reader):
    """Tab to the controls, use arrow keys and type: the text summary (aria-live) follows."""
    page = _open(reader, PAGES["content"], ".head-explorer")
    summary = page.locator(".head-explorer [aria-live=polite]")
    assert "hand-designed head with smallest gap 30.00 on A B C C passes" in summary.inner_text()
    slider = page.get_by_role("slider", name="Smallest logit gap")
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    assert "smallest gap 29.50" in summary.inner_text(), summary.inner_text()
    page.keyboard.press("Home")
    assert "smallest gap 0.00" in summary.inner_text() and "fails the course's check" in summary.inner_text()
    page.get_by_role("radio", name="hand-designed").focus()
    page.keyboard.press("ArrowRight")
    assert page.get_by_role("radio", name="learned", exact=True).is_checked()
    assert summary.inner_text().startswith("The learned head"), summary.inner_text()
    field = page.get_by_role("textbox", name="Tokens")
    field.focus()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("ABBBBB")
    assert "on A B B B B B" in summary.inner_text(), summary.inner_text()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("ABD")
    assert field.get_attribute("aria-invalid") == "true" and "Type 1 to 6 tokens" in summary.inner_text()
    assert not reader.errors, reader.errors


def test_temperature_explorer_by_keyboard(reader):
    page = _open(reader, TEMPERATURE_PAGE, ".temperature-explorer")
    summary = page.locator(".temperature-explorer [aria-live=polite]")
    assert summary.inner_text().startswith("At T = 1 ")
    page.get_by_role("slider", name="Temperature").focus()
    page.keyboard.press("Home")
    assert summary.inner_text().startswith("At T = 0.01 ") and "0.000, 1.000, 0.000, 0.000" in summary.inner_text()
    assert "below 1e-12" in summary.inner_text()
    page.keyboard.press("End")
    assert summary.inner_text().startswith("At T = 100 "), summary.inner_text()
    page.keyboard.press("ArrowLeft")
    assert page.get_by_role("slider", name="Temperature").get_attribute("aria-valuetext") == "T = 79.4"
    assert not reader.errors, reader.errors


def test_explorers_pass_axe_in_both_schemes_without_errors_or_outside_requests(reader):
    """Each explorer, drawn and moved to a failing state, has no serious or critical axe-core finding
    in the light or the dark scheme; its page logs no error and requests nothing beyond localhost."""
    axe = axe_source()
    bad = []
    for path, selector in [
        (PAGES["content"], ".head-explorer"),
        (PAGES["position"], ".head-explorer"),
        (TEMPERATURE_PAGE, ".temperature-explorer"),
    ]:
        page = _open(reader, path, selector)
        if selector == ".head-explorer":
            page.get_by_role("radio", name="learned", exact=True).check()
        page.locator(f"{selector} input[type=range]").focus()
        page.keyboard.press("Home")
        context = {"include": [[selector]], "exclude": AXE_CONTEXT["exclude"]}
        page.evaluate(AXE_JOB, [context, axe])
        found = page.evaluate(script("axe_result.js"))
        for scheme in ("light", "dark"):
            bad += [
                f"/{path} [{scheme}] {v['id']} ({v['impact']}): {v['nodes'][:2]}"
                for v in found[scheme]
                if v["impact"] in {"serious", "critical"}
            ]
        bad += [f"/{path}: {e}" for e in reader.errors] + [f"/{path}: requested {u}" for u in reader.tabs[0].blocked]
    assert not bad, "\n".join(bad)


def test_explorers_work_after_instant_navigation(reader, built_site):
    """Reached by clicking through the sidebar (no reload), each explorer draws itself, once."""
    page = reader.page
    reader.errors.clear()
    page.goto(reader.base)
    page.evaluate(script("mark_same_document.js"))
    for path, explorer, selector in [
        (PAGES["content"], "head-explorer", '.head-explorer[data-task="content"]'),
        (TEMPERATURE_PAGE, "temperature-explorer", ".temperature-explorer"),
        (PAGES["position"], "head-explorer", '.head-explorer[data-task="position"]'),
        (PAGES["content"], "head-explorer", '.head-explorer[data-task="content"]'),
    ]:
        page.evaluate(script("mark_nav_link.js"), reader.base + path)
        page.locator("[data-nav-target]").first.click()
        # The selector matches no explorer of the page before, so this waits for the new page's.
        page.wait_for_function(script("explorer_mounted.js"), arg=selector, timeout=5_000)
        assert page.url.split("#")[0] == reader.base + path, page.url
        assert page.evaluate(script("same_document.js")), f"/{path}: reloaded, not swapped by instant navigation"
        style = f"#{explorer}-style"
        assert page.evaluate(script("style_count.js"), style) == 1, f"/{path}: the explorer's style added twice"
    page.get_by_role("slider", name="Smallest logit gap").focus()
    page.keyboard.press("End")
    assert "smallest gap 40.00" in page.locator(".head-explorer [aria-live=polite]").inner_text()
    assert not reader.errors, reader.errors


def test_an_explorer_draws_when_its_script_runs_before_the_shared_one(reader):
    """Instant navigation runs the scripts it swaps in as each arrives, not in page order. Here the
    shared javascripts/explorer.js is held back until the head explorer's own script has run."""
    page = reader.page
    reader.errors.clear()
    page.goto(reader.base)  # a page without explorers: neither script has run in this document
    held = []
    page.route("**/javascripts/explorer.js", lambda route: held.append(route))
    try:
        page.evaluate(script("mark_nav_link.js"), reader.base + PAGES["position"])
        page.locator("[data-nav-target]").first.click()
        page.wait_for_function("() => window.headExplorer !== undefined", timeout=10_000)
        assert held, "the shared script was not requested"
        assert not page.evaluate("() => 'explorer' in window"), "the shared script ran first"
        for route in held:
            route.continue_()
        page.wait_for_function(
            script("explorer_mounted.js"), arg='.head-explorer[data-task="position"]', timeout=10_000
        )
    finally:
        page.unroute("**/javascripts/explorer.js")
    assert not reader.errors, reader.errors


def test_explorers_print_their_current_state(reader):
    page = _open(reader, PAGES["position"], ".head-explorer")
    page.get_by_role("slider", name="Smallest logit gap").focus()
    page.keyboard.press("Home")
    page.emulate_media(media="print")
    try:
        printed = page.evaluate(script("explorer_printed.js"), ".head-explorer")
    finally:
        page.emulate_media(media="null")
    assert printed["shown"] and printed["figures"] == 1 and not printed["hiddenFigures"], printed
    assert printed["buttons"] == 0, "buttons are printed"
    assert "smallest gap 0.00" in printed["summary"], "the printed summary is not the current state"


def test_explorer_scripts_are_small_and_only_where_used(built_site):
    """At most 15 KB of explorer script per page, gzip-compressed; pages without an explorer load none.

    The whole book on one page holds every chapter, explorers included, so it loads both.
    """
    sizes = {}
    for html in built_site.rglob("index.html"):
        page = html.parent.relative_to(built_site).as_posix() + "/"
        scripts = set(re.findall(r'<script src="([^"]*javascripts/[a-z-]*explorer\.js)"', html.read_text()))
        if page in (*PAGES.values(), TEMPERATURE_PAGE, "whole-book/"):
            assert scripts, f"/{page}: no explorer script"
        else:
            assert not scripts, f"/{page} loads {scripts}"
        if scripts:
            total = sum(len(gzip.compress((html.parent / s).resolve().read_bytes(), compresslevel=6)) for s in scripts)
            sizes[page] = total
            assert total <= SCRIPT_BUDGET, f"/{page}: {total} bytes of explorer script (gzip), budget {SCRIPT_BUDGET}"
    print("explorer script per page (gzip):", ", ".join(f"/{p} {n / 1024:.1f} KB" for p, n in sorted(sizes.items())))
    assert set(sizes) == {*PAGES.values(), TEMPERATURE_PAGE, "whole-book/"}


def test_a_mount_point_the_hook_cannot_fill_stops_the_build():
    """A head explorer for a task without a learned head, or without a task, fails naming the page."""
    from types import SimpleNamespace

    from mkdocs.exceptions import PluginError

    from tests.test_hooks import load

    hook = load("explorer_data")
    page = SimpleNamespace(file=SimpleNamespace(src_uri="part3/x.md"), url="part3/x/")
    with pytest.raises(PluginError, match=r"part3/x\.md: the head-explorer .*'unique'"):
        hook.on_page_content('<div class="head-explorer" data-task="unique"></div>', page, None, None)
    with pytest.raises(PluginError, match=r"part3/x\.md: the head-explorer .*data-task"):
        hook.on_page_content('<div class="head-explorer"></div>', page, None, None)
