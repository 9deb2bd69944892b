"""Build again only what changed: page code outputs and executed notebooks are cached.

A clean build runs every code block of every page and executes the notebook;
a build with nothing changed should take seconds, and ``mkdocs serve`` should
run again only the code that changed. Both caches live in one folder,
``$BOOK_CACHE`` or ``.cache/book`` in the repository (the tests point it at a
fresh empty folder), and both are keyed by ``inputs_hash``: every file of
``snippets/``, the Python version and the versions of the packages that
compute and draw. Edit a snippet and nothing is served from before.

Page code. markdown-exec runs a code block through ``markdown_exec.formatter``,
the function it registers with SuperFences as a custom fence (its documented
entry point). This hook wraps that function. A block's HTML is kept under a
key made of ``inputs_hash`` and the source and options of the block and of
every earlier block of its session in this build (markdown-exec runs a
session's blocks in one namespace, so a block's output depends on them).
When the key is known, the stored HTML is used and nothing runs. On a miss,
the earlier blocks of the session that were not run are run first, their
output discarded, so the block sees the namespace it would have seen. A
block that logs a warning (a failed block) is not stored, and the warning
names the page; the rest of the page (Markdown, links, anchors, the table of
contents) is rendered by MkDocs every time, as usual. The test suite's page
tests run each block through the same formatter and store its HTML under the
same key (tests/reader_view.py), so the build of a test run runs no page code.

Notebooks. Each notebook is executed with nbclient in a background thread as
soon as the build knows its files (the kernel runs on another core while the
pages render), and the executed copy is stored under a key made of the
notebook and ``inputs_hash``. mkdocs-jupyter (``execute: false``) converts that
copy; the page's download link gets the notebook as written. An error in a
cell stops the build, naming the notebook and the cell. The kernel talks to
the build over local TCP sockets, encrypted with CurveZMQ keys the kernel
manager provisions (``KERNEL_CONFIG``).

Templates. The theme's Jinja templates are compiled once and kept
(``jinja2.FileSystemBytecodeCache``, set in ``on_env``), keyed by Jinja's
version; Jinja checks each template's source against what it compiled.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import threading
import time
from importlib import metadata
from pathlib import Path

import jinja2
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.build_cache")
ROOT = Path(__file__).resolve().parents[1]
PACKAGES = [
    "numpy",
    "torch",
    "matplotlib",
    "nbclient",
    "nbconvert",
    "ipykernel",
    "mkdocs-jupyter",
    "markdown-exec",
    "pymdown-extensions",
    "markdown",
]

CELL_TIMEOUT = 300  # seconds; a hung kernel fails the build instead of holding it


def inputs_hash() -> str:
    """Hash of what executed code depends on, the page or notebook itself aside."""
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted((ROOT / "snippets").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for package in PACKAGES:
        digest.update(f"{package}=={metadata.version(package)}".encode())
    return digest.hexdigest()[:16]


def _folder(kind: str, key: str) -> Path:
    """``$BOOK_CACHE/<kind>-<key>``, created; older folders of the same kind are deleted."""
    base = Path(os.environ.get("BOOK_CACHE") or ROOT / ".cache" / "book")
    folder = base / f"{kind}-{key}"
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        for old in base.glob(f"{kind}-*"):
            if old != folder and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
    return folder


# -- page code --------------------------------------------------------------------------------


class _Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def block_key(previous: str, language: str, source: str, options: dict) -> str:
    """The key of a block: its language, source and options, after the key of the block before it."""
    described = json.dumps([language, source, sorted((k, str(v)) for k, v in options.items())])
    return hashlib.sha256((previous + "\0" + described).encode()).hexdigest()


class BlockKeys:
    """The keys of the blocks in the order a build meets them: one chain per session.

    A block without a session starts a chain of its own."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.last: dict[str, str] = {}  # session -> key of its last block

    def entry(self, language: str, source: str, options: dict) -> Path:
        """Where the next block's HTML is kept."""
        session = options.get("session")
        key = block_key(self.last.get(session, "") if session else "", language, source, options)
        if session:
            self.last[session] = key
        return self.folder / f"{key[:32]}.html"


def blocks_folder(inputs: str | None = None) -> Path:
    """Where the HTML of code blocks is kept, for the code as it is now (``inputs``: its inputs_hash)."""
    return _folder("blocks", inputs or inputs_hash())


class CachedFormatter:
    """markdown-exec's formatter, with each block's HTML stored and reused (see the module)."""

    def __init__(self, formatter, folder: Path):
        self.formatter = formatter
        self.keys = BlockKeys(folder)
        self.page = "?"
        self.pending: dict[str, list] = {}  # session -> its blocks served from the cache, not run
        self.ran = self.reused = 0

    def __call__(self, source, language, css_class, options, md, **kwargs):
        block = (source, language, css_class, options, md, kwargs)
        session = options.get("session")
        pending = self.pending.setdefault(session, []) if session else []
        entry = self.keys.entry(language, source, options)
        if entry.is_file():
            pending.append(block)
            self.reused += 1
            return entry.read_text(encoding="utf-8")
        for earlier in pending:  # restore the namespace this block expects
            self._run(*earlier[:5], **earlier[5])
        pending.clear()
        html, warnings = run_counting_warnings(self._run, source, language, css_class, options, md, **kwargs)
        if warnings:
            log.warning("%s: a %s block failed (session %s); its traceback is above", self.page, language, session)
        else:
            store(entry, html)
        return html

    def _run(self, *args, **kwargs):
        self.ran += 1
        return self.formatter(*args, **kwargs)


def run_counting_warnings(function, *args, **kwargs):
    """``(function(*args, **kwargs), the warnings it logged)``; markdown-exec logs a failed block."""
    warnings = _Warnings()
    loggers = [logging.getLogger(), logging.getLogger("mkdocs")]  # markdown-exec logs under "mkdocs"
    for logger in loggers:
        logger.addHandler(warnings)
    try:
        return function(*args, **kwargs), warnings.messages
    finally:
        for logger in loggers:
            logger.removeHandler(warnings)


def store(entry: Path, html: str):
    partial = entry.with_suffix(".partial")
    partial.write_text(html, encoding="utf-8")
    partial.replace(entry)


_STATE: dict = {}


def on_config(config):
    # One thread per process: the book's matrices are tiny, and the notebook's kernel runs beside
    # the pages; torch's thread pools on two busy cores made both several times slower.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    _STATE.clear()
    _STATE["inputs"] = inputs_hash()
    import markdown_exec

    cached = CachedFormatter(markdown_exec.formatter, blocks_folder(_STATE["inputs"]))
    fences = config.mdx_configs.get("pymdownx.superfences", {}).get("custom_fences", [])
    for fence in fences:
        if fence.get("format") is markdown_exec.formatter:
            fence["format"] = cached
    if not any(fence.get("format") is cached for fence in fences):
        raise PluginError("build_cache: markdown-exec registered no code fences; is the markdown-exec plugin listed?")
    _STATE["blocks"] = cached
    _start_notebooks(config)  # the kernel starts while the rest of the build gets ready
    return config


def on_page_markdown(markdown, page, config, files):
    _STATE["blocks"].page = page.file.src_uri
    return markdown


# -- notebooks ----------------------------------------------------------------------------------


# The kernel talks to the build over local TCP sockets. jupyter_client gives it CurveZMQ keys (the
# kernelspec ipykernel installs declares that it takes them), so that traffic is encrypted and
# authenticated; without keys the kernel warns, on every build, that it runs in plain text.
# "required": a kernel that cannot be given keys fails the build rather than run unencrypted.
KERNEL_CONFIG = {"KernelManager": {"transport_encryption": "required"}}


def _execute(source: Path, target: Path, kernel_name: str, errors: dict, seconds: dict):
    import nbformat
    from nbclient import NotebookClient
    from traitlets.config import Config

    start = time.perf_counter()
    try:
        notebook = nbformat.read(source, as_version=4)
        client = NotebookClient(
            notebook,
            kernel_name=kernel_name,
            timeout=CELL_TIMEOUT,
            resources={"metadata": {"path": str(source.parent)}},
            config=Config(KERNEL_CONFIG),
            # Killed when done, or when the build stops early: the default, a graceful shutdown, waits
            # up to 5 s for a kernel still busy with a cell (a failing build took 7 s instead of 4).
            shutdown_kernel="immediate",
        )
        client.execute()
    except Exception as err:  # reported when the build reaches the page
        errors[str(source)] = err
        return
    seconds[str(source)] = time.perf_counter() - start
    # The page and its download show the solution without the student edition's markers.
    from snippets.student_edition import solution_edition

    partial = target.with_suffix(".partial")
    nbformat.write(solution_edition(notebook), partial)
    partial.replace(target)


def _start_notebooks(config):
    """Execute every notebook of the book in the background, from the start of the build."""
    plugin = config.plugins.get("mkdocs-jupyter")
    _STATE["notebooks"], _STATE["errors"], _STATE["executed"] = {}, {}, {}
    if plugin is None:
        return
    if plugin.config["execute"]:
        raise PluginError("build_cache executes the notebooks: set mkdocs-jupyter's `execute: false`")
    # mkdocs-jupyter's own cache keys a conversion by the notebook's content; keep it with ours
    plugin.config["cache_dir"] = str(_folder("nbhtml", _STATE["inputs"]))
    docs = Path(config.docs_dir)
    for source in sorted(docs.rglob("*.ipynb")):
        uri = source.relative_to(docs).as_posix()
        if ".ipynb_checkpoints" in source.parts or not plugin.should_include(
            File(uri, str(docs), config.site_dir, config.use_directory_urls)
        ):
            continue
        key = hashlib.sha256((_STATE["inputs"] + "\0").encode() + source.read_bytes()).hexdigest()[:16]
        target = _folder(f"nb-{source.stem}", key) / source.name
        thread = None
        if not target.is_file():
            thread = threading.Thread(
                target=_execute,
                args=(source, target, plugin.config["kernel_name"], _STATE["errors"], _STATE["executed"]),
                daemon=True,
            )
            thread.start()
        _STATE["notebooks"][uri] = (source, target, thread)


@event_priority(-100)  # after mkdocs-jupyter's on_files has wrapped the notebooks' files
def on_files(files, config):
    for file in files:
        if file.src_uri in _STATE["notebooks"]:
            file.abs_src_path = str(_STATE["notebooks"][file.src_uri][1])  # mkdocs-jupyter converts the executed copy
    # Pages render in the order of the files: the notebooks last, so the pages render while they run.
    return Files(sorted(files, key=lambda f: f.src_uri in _STATE["notebooks"]))


@event_priority(100)  # before mkdocs-jupyter reads the executed copy
def on_pre_page(page, config, files):
    source, target, thread = _STATE.get("notebooks", {}).get(page.file.src_uri, (None, None, None))
    if thread is not None:
        thread.join()
    if source is not None and str(source) in _STATE["errors"]:
        err = _STATE["errors"][str(source)]
        raise PluginError(f"{page.file.src_uri}: executing the notebook failed:\n{err}")
    if source is not None:
        seconds = _STATE["executed"].get(str(source))
        ran = f"executed in {seconds:.1f} s" if seconds is not None else "unchanged, executed copy reused"
        log.info("notebook %s: %s", page.file.src_uri, ran)
    return page


@event_priority(-100)  # after mkdocs-jupyter has copied the executed notebook next to the page
def on_post_page(output, page, config):
    source, target, _ = _STATE.get("notebooks", {}).get(page.file.src_uri, (None, None, None))
    if source is not None:
        copy = Path(page.file.abs_dest_path).parent / source.name
        if copy.is_file():
            shutil.copyfile(source, copy)  # the download is the notebook as written
    return output


# -- templates -------------------------------------------------------------------------------------


def on_env(env, config, files):
    # The theme's templates compiled once and kept: Jinja keys each by its name and a hash of its
    # source, so an edited template (overrides/ included) is compiled again.
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(_folder("templates", jinja2.__version__)))
    return env


def on_post_build(config):
    blocks = _STATE.get("blocks")
    if blocks is not None:
        log.info("page code: %d blocks run, %d reused from the cache", blocks.ran, blocks.reused)
