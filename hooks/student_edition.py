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
    from snippets.memo import computed_once

    for file in list(files):
        if not file.src_uri.endswith(".ipynb") or not file.dest_uri.endswith(".html"):
            continue
        source = Path(config.docs_dir) / file.src_uri
        try:
            made = computed_once(_student_edition)(source.read_text(encoding="utf-8"))
        except ValueError as err:
            raise PluginError(f"{file.src_uri}: cannot make the student edition: {err}") from err
        if made is None:
            continue
        text, cells, of = made
        name = f"{Path(file.src_uri).stem}-student.ipynb"
        uri = posixpath.join(posixpath.dirname(file.dest_uri), name)  # beside the notebook's own download
        files.append(File.generated(config, uri, content=text))
        file.student_edition = uri  # the notebook's page labels its download as the solution (hooks/notebooks.py)
        log.info("%s: student edition %s (%d of %d cells)", file.src_uri, uri, cells, of)
    return files


def _student_edition(notebook_text: str) -> tuple[str, int, int] | None:
    """(the student edition as text, its cells, the notebook's cells), or None if no cell marks a solution.

    Kept on disk (``snippets.memo``), keyed by the notebook and every file of ``snippets/``: a rebuild
    with neither changed reads and checks no notebook.
    """
    import nbformat

    from snippets.student_edition import has_solutions, student_edition

    notebook = nbformat.reads(notebook_text, as_version=4)
    if not has_solutions(notebook):
        return None
    student = student_edition(notebook)
    return nbformat.writes(student) + "\n", len(student.cells), len(notebook.cells)
