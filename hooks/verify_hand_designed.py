"""Refuse to build the site if a hand-designed head fails on any input of its task.

Part 3 claims that each head designed by hand in ``snippets/hand_design.py``
solves its task. This hook checks the claim on every build, before any page
or the notebook is rendered: each head runs on every sequence its task allows
(``snippets.hw3_tasks.all_sequences``) and must pass the course's criterion,
``np.allclose(out, target, rtol=1e-3)`` (signs only for the unique-token
task). A failure stops ``mkdocs build`` with the task and the first failing
input; success logs one line with the counts, the worst errors and the time.

The check depends on ``snippets/`` alone, so its success is remembered under
the hash of ``snippets/`` (``snippets.memo.code_key``): a build after an edit
anywhere in ``snippets/`` checks again; a build with the code unchanged does
not repeat it.
"""

from __future__ import annotations

import logging
import time

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks.verify_hand_designed")


def on_config(config):
    from snippets.memo import cache_base, code_key

    passed = cache_base() / f"hand-designed-heads-pass-{code_key()}.txt"
    if passed.is_file():
        log.info("%s (checked before; snippets/ unchanged since)", passed.read_text())
        return config
    start = time.perf_counter()
    from snippets.hand_design import HAND_DESIGNED
    from snippets.hw3_tasks import encode, target, verify_head

    checks = []
    for task, design in HAND_DESIGNED.items():
        try:
            check = verify_head(design(), task)
        except Exception as err:  # a head too broken to run is a failing head
            raise PluginError(f"hand-designed head for task {task!r} could not be checked: {err!r}") from err
        if check.failures:
            first = check.failures[0]
            out = design().forward(encode(first, task))
            raise PluginError(
                f"hand-designed head for task {task!r} ({check.task.title}) fails on "
                f"{len(check.failures)} of {check.count} inputs; first failing input "
                f"[{', '.join(first)}]: output {out.round(6).tolist()}, "
                f"target {target(first, task).tolist()} (criterion: np.allclose(out, target, rtol=1e-3)"
                f"{', signs only, CLS ignored' if task == 'unique' else ''})"
            )
        checks.append(check)
    counts = "; ".join(f"{c.task.name} {c.count} inputs, {c.measure} {c.worst:.3g}" for c in checks)
    message = f"hand-designed heads pass on every input ({time.perf_counter() - start:.2f} s): {counts}"
    log.info(message)
    passed.parent.mkdir(parents=True, exist_ok=True)
    passed.write_text(message)
    return config
