"""The student edition of each notebook, made on every build and served beside the notebook.

A notebook of ``docs/`` that marks solutions (see ``snippets/student_edition.py``)
gets a student edition, ``<name>-student.ipynb``, written into the built site
next to the notebook's own download (``part3/HW3/HW3-student.ipynb`` beside
``part3/HW3/HW3.ipynb``). It is made from the notebook as written, on every
build, as a generated file: nothing to keep in step by hand, and MkDocs knows
the file, so links to it are checked like any other.
"""

from __future__ import annotations

import logging
import posixpath
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

log = logging.getLogger("mkdocs.hooks.student_edition")


@event_priority(-50)  # after mkdocs-jupyter has made the notebooks pages, before build_cache points them elsewhere
def on_files(files, config):
    import nbformat

    from snippets.student_edition import has_solutions, student_edition

    for file in list(files):
        if not file.src_uri.endswith(".ipynb") or not file.dest_uri.endswith(".html"):
            continue
        source = Path(config.docs_dir) / file.src_uri
        notebook = nbformat.read(source, as_version=4)
        if not has_solutions(notebook):
            continue
        try:
            student = student_edition(notebook)
        except ValueError as err:
            raise PluginError(f"{file.src_uri}: cannot make the student edition: {err}") from err
        name = f"{Path(file.src_uri).stem}-student.ipynb"
        uri = posixpath.join(posixpath.dirname(file.dest_uri), name)  # beside the notebook's own download
        files.append(File.generated(config, uri, content=nbformat.writes(student) + "\n"))
        log.info("%s: student edition %s (%d of %d cells)", file.src_uri, uri, len(student.cells), len(notebook.cells))
    return files
