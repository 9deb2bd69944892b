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

Download. Each notebook page gets a button that downloads the ``.ipynb``
(mkdocs-jupyter copies it next to the page, ``include_source: true``).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
from importlib import metadata
from pathlib import Path

import material

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


def on_page_content(html, page, config, files):
    plugin = config.plugins.get("mkdocs-jupyter")
    if not getattr(page, "nb_url", None) or plugin is None or not plugin.config["include_source"]:
        return html
    name = Path(page.file.src_uri).name
    button = (
        f'<a href="{name}" download class="md-content__button md-button notebook-download"'
        f' title="Download the notebook {name}">{DOWNLOAD_ICON} Download {name}</a>'
    )
    return button + html
