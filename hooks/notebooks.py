"""Notebook pages: executed again whenever the code they import changes, and downloadable.

Cache. mkdocs-jupyter keeps each executed notebook in its ``cache_dir`` under
a key made of the notebook file and the plugin's options. The book's notebook
imports ``snippets/``, which that key ignores: edit a function the notebook
calls and a cached build would show stale outputs. So this hook points the
plugin's ``cache_dir`` at a folder named after a hash of everything the
outputs depend on besides the notebook itself: every file of ``snippets/``
(code and data), the Python version and the versions of the packages that
compute and draw. A change to any of them is a new, empty folder, and the
notebook is executed again; folders of older hashes are deleted.

The base folder is ``.cache/mkdocs-jupyter`` in the repository, or the
environment variable ``BOOK_NOTEBOOK_CACHE`` if set. The tests set it to a
fresh temporary folder, so a test build always executes the notebook.

Ahead of time. On a cache miss the notebook is executed in a background
thread as soon as the build knows its files, exactly as mkdocs-jupyter would
execute it, and the result is written to the plugin's cache; the kernel runs
in its own process, on another core, while the Markdown pages are rendered.
When the build reaches the notebook page it waits for that thread and
mkdocs-jupyter finds the cache filled. If the execution fails, nothing is
cached and mkdocs-jupyter executes the notebook itself and reports the error
as usual.

Download. Each notebook page gets a button that downloads the ``.ipynb``
(mkdocs-jupyter copies it next to the page, ``include_source: true``). And
its code cells can be focused, so that a keyboard can scroll a long line.
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

import material

log = logging.getLogger("mkdocs.hooks.notebooks")
ROOT = Path(__file__).resolve().parents[1]
CODE = ROOT / "snippets"
PACKAGES = ["numpy", "torch", "matplotlib", "nbconvert", "nbclient", "ipykernel", "mkdocs-jupyter"]
FOLDER = re.compile(r"^nb-[0-9a-f]{16}$")
DOWNLOAD_ICON = (Path(material.__file__).parent / "templates/.icons/material/download.svg").read_text().strip()


def notebook_inputs_hash() -> str:
    """Hash of what a notebook's outputs depend on, the notebook file aside."""
    digest = hashlib.sha256()
    for path in sorted(CODE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(sys.version.encode())
    for package in PACKAGES:
        try:
            digest.update(f"{package}=={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package} missing".encode())
    return digest.hexdigest()[:16]


def on_config(config):
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None or not plugin.config["cache"]:
        return config
    base = Path(os.environ.get("BOOK_NOTEBOOK_CACHE") or ROOT / ".cache" / "mkdocs-jupyter")
    folder = base / f"nb-{notebook_inputs_hash()}"
    if base.is_dir():
        for old in base.iterdir():
            if old.is_dir() and FOLDER.match(old.name) and old != folder:
                shutil.rmtree(old, ignore_errors=True)
    plugin.config["cache_dir"] = str(folder)
    return config


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
        log.warning("executing %s ahead of the build failed (%s); the build executes it itself", path, type(err).__name__)
        return
    cache_path.parent.mkdir(parents=True, exist_ok=True)
    partial = cache_path.with_suffix(".partial")
    partial.write_text(json.dumps({"content": body, "toc_tokens": toc_tokens, "title": title}), encoding="utf-8")
    partial.replace(cache_path)


def _ahead_of_time(plugin, notebooks: list[tuple[str, Path]]):
    for path, cache_path in notebooks:
        _execute_into_cache(path, plugin.config, cache_path)


def on_files(files, config):
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
    return page


def on_page_content(html, page, config, files):
    plugin = config.plugins.get("mkdocs-jupyter")
    if not getattr(page, "nb_url", None) or plugin is None or not plugin.config["include_source"]:
        return html
    name = Path(page.file.src_uri).name
    # Code cells scroll sideways when a line is long: focusable, so a keyboard can scroll them
    # (the theme does the same for the other code blocks).
    html = html.replace('<div class="highlight-ipynb', '<div tabindex="0" class="highlight-ipynb')
    # A paragraph of its own: a floated button would squeeze the whole notebook beside it.
    button = (
        f'<p class="notebook-download"><a href="{name}" download class="md-button"'
        f' title="Download the notebook {name}">{DOWNLOAD_ICON} Download {name}</a></p>'
    )
    return button + html
