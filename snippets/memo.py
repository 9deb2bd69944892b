"""Results computed once and shared: a training run that pages, the notebook and the tests all use.

The learned heads of Part 3 and the tiny language model of 2(e) are trained
with fixed seeds, so every process that asks for them (the pages, the
notebook's kernel, the tests) would compute the same result. ``computed_once``
stores the first result on disk, keyed by the function, its arguments, every
file of ``snippets/``, the file that defines the function (a build hook's, if it
is not in ``snippets/``) and the versions of the packages that compute it; the
other processes load it. A lock makes a second process wait for the first
instead of training the same model again. Change any snippet and every key
changes: a stale result cannot be served.

The folder is ``$BOOK_CACHE/results-<key>``, by default ``.cache/book`` in the
repository; the test suite points ``BOOK_CACHE`` at a fresh empty folder, so
each test run trains once. Folders of older keys are deleted.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import inspect
import os
import pickle
import shutil
import sys
from importlib import metadata
from pathlib import Path

SNIPPETS = Path(__file__).resolve().parent
PACKAGES = ("numpy", "torch")


def cache_base() -> Path:
    """``$BOOK_CACHE``, or ``.cache/book`` beside ``snippets/``."""
    return Path(os.environ.get("BOOK_CACHE") or SNIPPETS.parent / ".cache" / "book")


def code_key() -> str:
    """Hash of every file of ``snippets/``, the Python version and the computing packages' versions."""
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(SNIPPETS.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(SNIPPETS).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for package in PACKAGES:
        digest.update(f"{package}=={metadata.version(package)}".encode())
    return digest.hexdigest()[:16]


def _folder() -> Path:
    folder = cache_base() / f"results-{code_key()}"
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.parent.glob("results-*"):
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
    return folder


def _load_or_compute(name: str, compute) -> bytes:
    """The pickled result stored under ``name``, computed (under a lock) if it is not there yet."""
    try:
        folder = _folder()
    except OSError:  # nowhere to write: compute, keep in memory only
        return pickle.dumps(compute())
    with open(folder / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second process waits for the first one's result
        entry = folder / f"{name}.pickle"
        if entry.is_file():
            return entry.read_bytes()
        data = pickle.dumps(compute())
        partial = entry.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(entry)
        return data


def _defining_file_key(fn) -> str:
    """Hash of the file that defines ``fn``; "" inside ``snippets/``, whose every file is in ``code_key``."""
    path = Path(fn.__code__.co_filename).resolve()
    if SNIPPETS in path.parents:
        return ""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def computed_once(fn):
    """``fn``, with each result computed once per argument list and kept on disk (see the module)."""
    memory: dict = {}

    signature = inspect.signature(fn)
    source = _defining_file_key(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)  # f(x, n=3) and f(x, 3) are one call
        bound.apply_defaults()
        call = hashlib.sha256(
            pickle.dumps((fn.__module__, fn.__qualname__, source, sorted(bound.arguments.items())))
        ).hexdigest()
        if call not in memory:
            memory[call] = _load_or_compute(f"{fn.__name__}-{call[:16]}", lambda: fn(*args, **kwargs))
        return pickle.loads(memory[call])  # a fresh copy each time: a caller cannot change another's result

    wrapper.uncached = fn
    return wrapper
