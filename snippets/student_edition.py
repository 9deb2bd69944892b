"""The student edition of a notebook: the same notebook, its solutions left blank.

One notebook is written (``docs/part3/HW3.ipynb``); the student edition is made
from it on every build of the site, so the two cannot drift. The solution
marks what to blank.

In a code cell, a solution sits between two comment lines; the text after
``student edition:`` replaces it (at the marker's indentation; ``\\n`` starts
a new line; without it the region simply goes)::

    ### BEGIN SOLUTION (student edition: Km = Qm = Vm = None  # TODO: your matrices)
    Km, Qm, Vm = ...
    ### END SOLUTION

In a Markdown cell the markers are HTML comments, which nobody sees when the
cell is rendered::

    <!-- BEGIN SOLUTION (student edition: **TODO**: your answer.) -->
    The answer ...
    <!-- END SOLUTION -->

A cell left empty is dropped. A code cell without markers that uses a
designed head (a name of ``HEADS``, such as ``content_head``)
runs in the student edition only once those heads pass ``check_head``; until
then it prints "not done yet". Outputs and execution counts are cleared.

From a shell: ``python -m snippets.student_edition SOLUTION.ipynb STUDENT.ipynb``.
"""

from __future__ import annotations

import ast
import copy
import re
import sys
import textwrap

HEADS = {"content_head": "content", "position_head": "position", "unique_head": "unique"}
"""The variable the student edition asks for, and the grader reads, for each task."""

MARKERS = {
    "code": (
        re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION(?: \(student edition: (?P<blank>.*)\))?[ \t]*$"),
        re.compile(r"^[ \t]*### END SOLUTION[ \t]*$"),
    ),
    "markdown": (
        re.compile(
            r"^(?P<indent>[ \t]*)<!-- BEGIN SOLUTION"
            r"(?: \(student edition: (?P<blank>.*)\))? -->[ \t]*$"
        ),
        re.compile(r"^[ \t]*<!-- END SOLUTION -->[ \t]*$"),
    ),
}


def blank_solutions(source: str, kind: str = "code") -> str:
    """``source`` with every marked solution replaced by its blank.

    >>> cell = "x = 1\\n### BEGIN SOLUTION (student edition: y = None  # TODO)\\ny = 2\\n### END SOLUTION\\nprint(x, y)"
    >>> print(blank_solutions(cell))
    x = 1
    y = None  # TODO
    print(x, y)
    """
    begin, end = MARKERS[kind]
    out, inside, start = [], None, 0
    for number, line in enumerate(source.splitlines(), start=1):
        if inside is None:
            m = begin.match(line)
            if m:
                inside, start = m, number
            elif end.match(line):
                raise ValueError(f"line {number}: END SOLUTION without a BEGIN SOLUTION before it")
            else:
                out.append(line)
        elif end.match(line):
            if inside["blank"]:
                out += [inside["indent"] + part for part in inside["blank"].split("\\n")]
            inside = None
        elif begin.match(line):
            raise ValueError(f"line {number}: BEGIN SOLUTION inside the solution begun on line {start}")
    if inside is not None:
        raise ValueError(f"line {start}: BEGIN SOLUTION without an END SOLUTION")
    return "\n".join(out)


def has_solutions(notebook) -> bool:
    """Does any cell of ``notebook`` mark a solution?"""
    return any(
        MARKERS[c.cell_type][0].match(line)
        for c in notebook.cells
        if c.cell_type in MARKERS
        for line in c.source.splitlines()
    )


def solution_edition(notebook):
    """A copy of ``notebook`` as a reader of the solution sees it: code cells without their marker lines.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    ...     "### BEGIN SOLUTION (student edition: y = None)\\ny = 2\\n### END SOLUTION\\nprint(y)")])
    >>> print(solution_edition(nb).cells[0].source)
    y = 2
    print(y)
    """
    solution = copy.deepcopy(notebook)
    begin, end = MARKERS["code"]
    for cell in solution.cells:
        if cell.cell_type == "code":
            lines = cell.source.split("\n")
            cell.source = "\n".join(line for line in lines if not (begin.match(line) or end.match(line)))
    return solution


def _heads_used(source: str) -> list[str]:
    return [name for name in HEADS if re.search(rf"\b{name}\b", source)]


def _runs_once_done(source: str, names: list[str]) -> str:
    """``source`` run only when the heads ``names`` pass their tasks."""
    condition = " and ".join(f'passed({name}, "{HEADS[name]}")' for name in names)
    waiting = " and ".join(names)
    return (
        f"from snippets.grade import passed\n\n"
        f"if {condition}:  # runs once your design{'s pass' if len(names) > 1 else ' passes'} check_head\n"
        f"{textwrap.indent(source, '    ')}\n"
        f"else:\n"
        f'    print("not done yet: this cell runs once {waiting} pass{"es" * (len(names) == 1)} check_head")'
    )


def student_edition(notebook):
    """A copy of ``notebook`` with its solutions blanked, its outputs cleared."""
    student = copy.deepcopy(notebook)
    cells = []
    for number, cell in enumerate(student.cells, start=1):
        if cell.cell_type in MARKERS:
            try:
                blanked = blank_solutions(cell.source, cell.cell_type)
            except ValueError as err:
                raise ValueError(f"cell {number}: {err}") from None
            names = _heads_used(cell.source)
            if cell.cell_type == "code" and blanked == cell.source and names:
                blanked = _runs_once_done(cell.source, names)
            if cell.cell_type == "code" and blanked.strip():
                try:
                    ast.parse(blanked)
                except SyntaxError as err:
                    raise ValueError(f"cell {number}: the student edition's code does not parse: {err}") from None
            cell.source = blanked
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if cell.source.strip():
            cells.append(cell)
    student.cells = cells
    return student


def main(argv=None) -> int:
    import nbformat

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m snippets.student_edition SOLUTION.ipynb STUDENT.ipynb", file=sys.stderr)
        return 2
    nbformat.write(student_edition(nbformat.read(args[0], as_version=4)), args[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
