"""Figures for the pages: matplotlib to inline, accessible SVG.

Every figure on the site is drawn by code at build time; none is committed
as an image. ``svg`` gives the figure a text alternative for screen readers.
"""

from __future__ import annotations

import html
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# A fixed salt for the ids inside an SVG, and no date in it (below): the same figure gives the same
# file on every build, so its address (a hash of the file, hooks/figures.py) stays the same too.
plt.rcParams.update({"svg.fonttype": "none", "figure.dpi": 100, "font.size": 10, "svg.hashsalt": "attention-book"})


def svg(fig, alt: str) -> str:
    """The figure as an inline ``<svg>`` with ``role="img"`` and ``alt`` as its label.

    >>> fig, ax = plt.subplots()
    >>> out = svg(fig, "an empty plot")
    >>> out.startswith('<svg') and 'aria-label="an empty plot"' in out
    True

    The same figure gives the same SVG, on every build (no date, ids from a fixed salt):

    >>> def drawn():
    ...     fig, ax = plt.subplots()
    ...     ax.plot([0, 1], [1, 0])
    ...     return svg(fig, "a line")
    >>> drawn() == drawn()
    True
    """
    if not alt.strip():
        raise ValueError("every figure needs alt text; got an empty string")
    buffer = io.StringIO()
    # Cropped to the drawing, as bbox_inches="tight" would, but measured from the text without
    # drawing the figure twice (it halves the time of a large figure).
    box = fig.get_tightbbox(fig.canvas.get_renderer()).padded(0.1)
    fig.savefig(buffer, format="svg", bbox_inches=box, metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    label = html.escape(alt, quote=True)
    return text.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1).replace(
        ">", f"><title>{label}</title>", 1
    )


def heatmap(ax, matrix, row_labels=None, col_labels=None, title="", cmap="viridis", vmin=None, vmax=None):
    """Draw ``matrix`` at its true scale with a colorbar; returns the image.

    >>> fig, ax = plt.subplots()
    >>> im = heatmap(ax, [[0.0, 1.0], [2.0, 3.0]], ["a", "b"], ["x", "y"], "demo")
    >>> im.get_clim()
    (0.0, 3.0)
    >>> plt.close(fig)
    """
    im = ax.imshow(matrix, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    if row_labels is not None:
        ax.set_yticks(range(len(row_labels)), row_labels)
    if col_labels is not None:
        ax.set_xticks(range(len(col_labels)), col_labels)
    ax.set_title(title)
    return im
