"""Build again only what changed: executed notebooks and rendered pages are cached.

A clean build runs every code block of every page and executes the notebook;
a build with nothing changed should take seconds, and ``mkdocs serve`` should
re-run only the page being edited. Two caches do it, in one folder.

Notebooks. mkdocs-jupyter keeps each executed notebook in its ``cache_dir``
under a key made of the notebook file and the plugin's options. The book's
notebook imports ``snippets/``, which that key ignores: edit a function the
notebook calls and a cached build would show stale outputs. So the plugin's
``cache_dir`` becomes a folder named after a hash of everything the outputs
depend on besides the notebook itself (``inputs_hash``: every file of
``snippets/``, code and data, the Python version and the versions of the
packages that compute and draw). On a cache miss the notebook is executed in
a background thread as soon as the build knows its files, exactly as
mkdocs-jupyter would execute it, and the result goes to the plugin's cache:
the kernel runs in its own process, on another core, while the Markdown pages
are rendered. When the build reaches the notebook page it waits for that
thread, and mkdocs-jupyter finds the cache filled. If the execution fails,
nothing is cached, and mkdocs-jupyter executes the notebook itself and
reports the error as usual.

Pages. A Markdown page runs its code blocks (markdown-exec) each time it is
rendered. Its rendered HTML, table of contents and anchors are kept under a
key made of its Markdown and of ``inputs_hash`` extended with ``mkdocs.yml``,
``hooks/`` and the list of the book's files (a page renamed or removed changes
every link to it). Entries are written only at the end of a build that logged
no warning, so a page whose code failed, or that linked nowhere, is rendered
again (and warns again) next time.

The folder is ``.cache/book`` in the repository, or the environment variable
``BOOK_NOTEBOOK_CACHE``; the tests point it at a fresh empty folder, so that a
test build executes everything. Folders of older keys are deleted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sys
import threading
from importlib import metadata
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.build_cache")
ROOT = Path(__file__).resolve().parents[1]
CODE = ROOT / "snippets"
PACKAGES = ["numpy", "torch", "matplotlib", "nbconvert", "nbclient", "ipykernel", "mkdocs-jupyter", "markdown-exec",
            "mkdocs", "mkdocs-material", "pymdown-extensions", "markdown"]
FOLDER = re.compile(r"^(nb|pages)-[0-9a-f]{16}$")


def _hash_files(digest, folder: Path):
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")


def inputs_hash() -> str:
    """Hash of what executed code depends on, the page or notebook itself aside."""
    digest = hashlib.sha256()
    _hash_files(digest, CODE)
    digest.update(sys.version.encode())
    for package in PACKAGES:
        try:
            digest.update(f"{package}=={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package} missing".encode())
    return digest.hexdigest()[:16]


# -- the folder ---------------------------------------------------------------------------------

_STATE: dict = {}


def _base() -> Path:
    return Path(os.environ.get("BOOK_NOTEBOOK_CACHE") or ROOT / ".cache" / "book")


def _use(folder: Path) -> Path:
    """``folder`` (under the base), with its older siblings of the same kind deleted."""
    kind = folder.name.split("-")[0]
    if folder.parent.is_dir():
        for old in folder.parent.iterdir():
            if old.is_dir() and FOLDER.match(old.name) and old.name.startswith(kind + "-") and old != folder:
                shutil.rmtree(old, ignore_errors=True)
    return folder


class _Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1


def on_config(config):
    _STATE.clear()
    _STATE["inputs"] = inputs_hash()
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is not None and plugin.config["cache"]:
        plugin.config["cache_dir"] = str(_use(_base() / f"nb-{_STATE['inputs']}"))
    warnings = _Warnings()
    logging.getLogger("mkdocs").addHandler(warnings)
    _STATE["warnings"] = warnings
    return config


# -- notebooks, executed ahead of time ------------------------------------------------------------

_AHEAD: dict[str, threading.Thread] = {}


def _execute_into_cache(path: str, options, cache_path: Path):
    from mkdocs_jupyter import convert
    from mkdocs_jupyter.plugin import _get_nb_toc_tokens

    try:
        body = convert.nb2html(
            path,
            execute=True,
            kernel_name=options["kernel_name"],
            theme=options["theme"],
            allow_errors=options["allow_errors"],
            show_input=options["show_input"],
            no_input=options["no_input"],
            no_prompt=options["no_prompt"],
            remove_tag_config=options["remove_tag_config"],
            highlight_extra_classes=options["highlight_extra_classes"],
            include_requirejs=options["include_requirejs"],
            custom_mathjax_url=options["custom_mathjax_url"],
        )
        toc_tokens, title = _get_nb_toc_tokens(path, options["toc_depth"])
    except Exception as err:  # mkdocs-jupyter executes it again and reports the error
        log.info("executing %s ahead of the build failed (%s); the build executes it itself", path, type(err).__name__)
        return
    cache_path.parent.mkdir(parents=True, exist_ok=True)
    partial = cache_path.with_suffix(".partial")
    partial.write_text(json.dumps({"content": body, "toc_tokens": toc_tokens, "title": title}), encoding="utf-8")
    partial.replace(cache_path)


def _ahead_of_time(plugin, notebooks: list[tuple[str, Path]]):
    for path, cache_path in notebooks:
        _execute_into_cache(path, plugin.config, cache_path)


# -- pages ----------------------------------------------------------------------------------------


def _site_key(config, files) -> str:
    digest = hashlib.sha256(_STATE["inputs"].encode())
    digest.update(Path(config.config_file_path).read_bytes())
    _hash_files(digest, Path(__file__).resolve().parent)
    digest.update("\0".join(sorted(f.src_uri for f in files)).encode())
    return digest.hexdigest()[:16]


def _toc_tokens(items) -> list[dict]:
    return [{"level": i.level, "id": i.id, "name": i.title, "children": _toc_tokens(i.children)} for i in items]


def _cached_render(page, render):
    """``page.render``, served from the page cache when the page's Markdown was rendered before."""
    from mkdocs.structure.toc import get_toc

    def cached(config, files):
        key = hashlib.sha256((page.file.src_uri + "\0" + page.markdown).encode()).hexdigest()
        entry = _STATE["pages"] / f"{key}.json"
        if entry.is_file():
            saved = json.loads(entry.read_text(encoding="utf-8"))
            page.content = saved["content"]
            page.toc = get_toc(saved["toc"])
            page._title_from_render = saved["title"]
            page.present_anchor_ids = set(saved["anchors"])
            page.links_to_anchors = {
                target: links
                for uri, links in saved["links_to_anchors"].items()
                if (target := files.get_file_from_path(uri)) is not None
            }
            return
        render(config, files)
        _STATE["pending"][entry] = {
            "content": page.content,
            "toc": _toc_tokens(page.toc.items),
            "title": page._title_from_render,
            "anchors": sorted(page.present_anchor_ids or ()),
            "links_to_anchors": {f.src_uri: links for f, links in (page.links_to_anchors or {}).items()},
        }

    return cached


def on_files(files, config):
    _STATE["pages"] = _use(_base() / f"pages-{_site_key(config, files)}")
    _STATE["pending"] = {}
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None or not plugin.config["cache"] or not plugin.config["execute"] or plugin.config["execute_ignore"]:
        return files
    try:
        from mkdocs_jupyter.plugin import _compute_cache_key, _get_cache_path
    except ImportError:  # another mkdocs-jupyter: leave the notebooks to it
        return files
    todo = []
    for file in files:
        if file.src_uri.endswith(".ipynb") and plugin.should_include(file):
            cache_path = _get_cache_path(plugin.config["cache_dir"], _compute_cache_key(file.abs_src_path, plugin.config, True))
            if not cache_path.exists():
                todo.append((file.abs_src_path, cache_path))
    if todo:
        thread = threading.Thread(target=_ahead_of_time, args=(plugin, todo), name="notebooks-ahead", daemon=True)
        thread.start()
        for path, _ in todo:
            _AHEAD[path] = thread
    return files


def on_pre_page(page, config, files):
    thread = _AHEAD.pop(page.file.abs_src_path, None)
    if thread is not None:
        thread.join()
    if page.file.src_uri.endswith(".md"):
        page.render = _cached_render(page, page.render)
    return page


def on_post_build(config):
    warnings = _STATE.pop("warnings", None)
    if warnings is not None:
        logging.getLogger("mkdocs").removeHandler(warnings)
    if warnings is None or warnings.count:
        return  # a build that warned may have rendered a page wrongly: keep nothing from it
    for entry, saved in _STATE.get("pending", {}).items():
        entry.parent.mkdir(parents=True, exist_ok=True)
        partial = entry.with_suffix(".partial")
        partial.write_text(json.dumps(saved), encoding="utf-8")
        partial.replace(entry)
