"""The interactive figures' data, exported from the build: weights, tasks and tolerances as JSON.

A page places an explorer with a plain HTML mount point in its Markdown:

    <div class="head-explorer" data-task="content"></div>
    <div class="temperature-explorer"></div>

This hook gives each mount point its data, as JSON in a ``data-explorer``
attribute, and adds the explorer's script (``javascripts/head-explorer.js``,
``javascripts/temperature-explorer.js``, after ``javascripts/explorer.js``,
which they share) to that page only. Nothing the scripts compute on is typed
into them:

* head explorer (3(a), 3(b)): the hand-designed head of the task
  (``snippets.hand_design``) and the learned head (``learned_head(task)``,
  trained once per build and kept on disk, as NumPy weights), each with its own
  smallest logit gap over every input (``snippets.sharpness.smallest_gap``),
  the task's lengths and tokens, the course's tolerances
  (``snippets.hw3_tasks.RTOL``, ``ATOL``) and the gap every input needs
  (``snippets.sharpness.required_gap``);
* temperature explorer (1(b)): the assignment's keys, values and query
  (``snippets.attention``) and the temperatures of the slider.

The data sit in an attribute, not in a ``<script type="application/json">``:
instant navigation re-creates the scripts of the page it swaps in, and would
run such a block as JavaScript. A mount point of an unknown kind or task
stops the build, naming the page.
"""

from __future__ import annotations

import functools
import html
import json
import re

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

MOUNT = re.compile(r'<div class="(?P<kind>head-explorer|temperature-explorer)"(?P<attrs>[^>]*)>')
TASK = re.compile(r'\bdata-task="(?P<task>[^"]*)"')
SHARED_SCRIPT = "javascripts/explorer.js"  # what the explorers share; loaded first, once per page
SCRIPTS = {
    "head-explorer": "javascripts/head-explorer.js",
    "temperature-explorer": "javascripts/temperature-explorer.js",
}
GAP_SLIDER = {"min": 0.0, "max": 40.0, "step": 0.1}  # logit gaps the head explorer's slider offers
TEMPERATURE_STOPS = (-2.0, 2.0, 41)  # log10 of the first and last temperature, and how many (as the 1(b) plot)


def on_config(config):
    head_data.cache_clear()  # a served site rebuilt after an edit exports the new weights
    temperature_data.cache_clear()
    return config


def _matrix(a) -> list | None:
    return None if a is None else a.tolist()


@functools.cache
def head_data(task: str) -> str:
    """The JSON for the head explorer of ``task`` ("content" or "position").

    Kept on disk with the learned heads (``snippets.memo``), under a key that
    includes every file of ``snippets/`` and this hook: a rebuild with neither
    changed neither imports torch nor loads the heads.
    """
    from snippets.memo import computed_once

    return computed_once(_head_data)(task)


def _head_data(task: str) -> str:
    from snippets.hand_design import HAND_DESIGNED
    from snippets.hw3_tasks import ATOL, RTOL, VOCAB, get_task
    from snippets.learned_heads import MODEL_SIZES, learned_head
    from snippets.sharpness import required_gap, smallest_gap
    from snippets.transformer import numpy_head

    if task not in MODEL_SIZES:
        raise ValueError(
            f"the head explorer takes a task with a learned head, one of {sorted(MODEL_SIZES)}; got {task!r}"
        )
    spec = get_task(task)
    heads = {}
    for name, label, model in (
        ("designed", "hand-designed", HAND_DESIGNED[task]()),
        ("learned", "learned", numpy_head(learned_head(task).model)),
    ):
        heads[name] = {
            "label": label,
            "Km": _matrix(model.Km),
            "Qm": _matrix(model.Qm),
            "Vm": _matrix(model.Vm),
            "pos": _matrix(model.pos),
            "gap": smallest_gap(model, task),
        }
    data = {
        "task": task,
        "title": spec.title,
        "vocab": list(VOCAB),
        "lengths": [spec.lengths[0], spec.lengths[-1]],
        "rtol": RTOL,
        "atol": ATOL,
        "neededGap": required_gap(spec.lengths[-1]),
        "slider": GAP_SLIDER,
        "example": "ABCC",
        "heads": heads,
    }
    return json.dumps(data, separators=(",", ":"))


@functools.cache
def temperature_data() -> str:
    """The JSON for the temperature explorer: the assignment's keys, values and query, and the temperatures.

    Kept on disk as the head explorer's data are: a rebuild with nothing changed does not import NumPy.
    """
    from snippets.memo import computed_once

    return computed_once(_temperature_data)()


def _temperature_data() -> str:
    import numpy as np

    from snippets.attention import EXAMPLE_KEYS, EXAMPLE_QUERY, EXAMPLE_VALUES

    temperatures = np.logspace(*TEMPERATURE_STOPS)
    data = {
        "keys": [list(map(float, k)) for k in EXAMPLE_KEYS],
        "values": [list(map(float, v)) for v in EXAMPLE_VALUES],
        "query": list(map(float, EXAMPLE_QUERY)),
        "temperatures": temperatures.tolist(),
        "start": int(np.argmin(abs(temperatures - 1.0))),  # the slider starts at T = 1
    }
    return json.dumps(data, separators=(",", ":"))


def on_page_content(content, page, config, files):
    kinds = set()

    def with_data(match):
        kind, attrs = match["kind"], match["attrs"]
        try:
            if kind == "head-explorer":
                task = TASK.search(attrs)
                if task is None:
                    raise ValueError('a head explorer needs data-task="content" or data-task="position"')
                data = head_data(task["task"])
            else:
                data = temperature_data()
        except Exception as err:
            raise PluginError(f"{page.file.src_uri}: the {kind} cannot get its data: {err}") from err
        kinds.add(kind)
        return f'<div class="{kind}"{attrs} data-explorer="{html.escape(data)}">'

    content = MOUNT.sub(with_data, content)
    scripts = [SHARED_SCRIPT, *(SCRIPTS[kind] for kind in sorted(kinds))] if kinds else []
    for script in scripts:
        if files.get_file_from_path(script) is None:
            raise PluginError(f"{page.file.src_uri}: the explorers' script {script} is missing from docs/")
        content += f'\n<script src="{get_relative_url(script, page.url)}" defer></script>'
    return content
