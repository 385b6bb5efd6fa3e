"""One figure style for the book, and the cosmetics that would clutter the notebooks."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import matplotlib.scale as mscale
import matplotlib.ticker as mticker
import numpy as np

from cocoonlib.core.geometry import SkyWindow
from cocoonlib.io import paths

__all__ = [
    "use_style",
    "BookLogScale",
    "book_ticks",
    "WINDOW_COLOURS",
    "shade_windows",
    "draw_window_rays",
    "plot_measurements",
    "figures_dir",
    "save_figure",
    "render_png",
    "lay_out_once",
    "save_and_show",
    "FILE_DPI",
    "parameters_digest",
    "figure_metadata",
    "UNSPECIFIED",
]

WINDOW_COLOURS = {"inner": "tab:orange", "outer": "tab:blue", "allsky": "0.5", "user": "tab:green"}


class _MinorLogLocator(mticker.LogLocator):
    """Minor ticks at 2 and 5 times each power of ten; at every integer multiple (matplotlib's default) on
    axes that span 1.5 decades or less, where they carry the only labels."""

    def __init__(self, base: float = 10.0):
        super().__init__(base, subs=(2.0, 5.0))
        self.book_base = base

    def tick_values(self, vmin, vmax):
        lo, hi = sorted((vmin, vmax))
        narrow = lo > 0 and np.log(hi / lo) / np.log(self.book_base) <= 1.5
        self.set_params(subs=np.arange(2.0, self.book_base) if narrow else (2.0, 5.0))
        return super().tick_values(vmin, vmax)


class BookLogScale(mscale.LogScale):
    """A log axis with the book's minor ticks (:class:`_MinorLogLocator`) unless minor ticks are asked for
    (``subs=``), registered under its own name: ``ax.set_xscale("booklog")``. Matplotlib's own "log" scale is left
    alone; the book's figures get the same ticks from :func:`book_ticks` when they are glued or saved.

    Ticks are most of what a figure costs to draw: with fewer minor ticks a two-panel log-log figure draws
    in about two thirds of the time."""

    name = "booklog"

    def __init__(self, *, base=10, subs=None, nonpositive="clip"):  # no *axis*: matplotlib >= 3.11 form
        super().__init__(None, base=base, subs=subs, nonpositive=nonpositive)

    def set_default_locators_and_formatters(self, axis):
        super().set_default_locators_and_formatters(axis)
        if self.subs is None:
            axis.set_minor_locator(_MinorLogLocator(self.base))


mscale.register_scale(BookLogScale)


def book_ticks(fig) -> None:
    """Give every log axis of ``fig`` that has matplotlib's default minor locator the book's
    (:class:`_MinorLogLocator`): the look of :class:`BookLogScale` without touching the "log" scale itself."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "log" and type(axis.get_minor_locator()) is mticker.LogLocator:
                axis.set_minor_locator(_MinorLogLocator(getattr(axis.get_transform(), "base", 10.0)))


def use_style() -> None:
    """The book's matplotlib style (does not change the backend or any scale; log axes get the book's minor ticks
    when a figure is glued or saved, :func:`book_ticks`).

    Every figure is laid out tight when drawn (``figure.autolayout``: no ``tight_layout`` calls needed), so
    in a notebook the inline backend is told to show the canvas as drawn instead of drawing it a second
    time to crop it (``bbox_inches=None``)."""
    mpl.rcParams.update(
        {
            "figure.figsize": (6.4, 4.2),
            "figure.dpi": 110,
            "savefig.dpi": 200,
            "font.size": 10,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
            "image.cmap": "magma",
            "figure.autolayout": True,
        }
    )
    from IPython import get_ipython

    if get_ipython() is not None and "inline" in mpl.get_backend():
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png", bbox_inches=None)


def figures_dir() -> Path:
    """Where chapters save their figures as files: ``$COCOON_FIGURES_DIR``; else ``$COCOON_OUTPUT_DIR/figures``
    (a ``cocoon run`` keeps its figures with its results); else ``<repo>/figures``."""
    figures = paths.env_path("COCOON_FIGURES_DIR")
    if figures is not None:
        return figures
    output = paths.env_path("COCOON_OUTPUT_DIR")
    return paths.FIGURES if output is None else output / "figures"


#: what the metadata say when a caller does not name the chapter or its parameters
UNSPECIFIED = "unspecified"


def parameters_digest(params: Mapping[str, Any] | None) -> str:
    """Short hash of a parameter dict: the first 12 hex digits of the sha256 of its canonical JSON (keys sorted,
    numpy values as Python numbers), so that equal parameters give equal digests on every machine;
    :data:`UNSPECIFIED` for None."""
    if params is None:
        return UNSPECIFIED
    return hashlib.sha256(_canonical_json(params).encode()).hexdigest()[:12]


def _canonical_json(params: Mapping[str, Any]) -> str:
    def plain(v):
        return v.tolist() if hasattr(v, "tolist") else str(v)

    return json.dumps(dict(params), sort_keys=True, separators=(",", ":"), default=plain)


def figure_metadata(
    name: str, chapter: str | None = None, params: Mapping[str, Any] | None = None, commit: str | None = None
) -> dict[str, dict[str, Any]]:
    """The metadata :func:`save_figure` writes, ``{"pdf": info dict, "png": text chunks}``: the figure's name,
    the chapter, the digest of the parameters (:func:`parameters_digest`) and the git commit of the book
    (:func:`cocoonlib.book.report.provenance.book_commit` unless given). No date: the same figure, chapter, parameters and
    commit give the same files."""
    if chapter is not None and (not isinstance(chapter, str) or not chapter.strip() or "\n" in chapter):
        raise ValueError(f"chapter = {chapter!r} is not allowed: expected a chapter name such as 'bc'")
    if commit is None:
        from cocoonlib.book.report.provenance import book_commit

        commit = book_commit()
    chapter = chapter or UNSPECIFIED
    digest = parameters_digest(params)
    keywords = f"chapter={chapter}; parameters-sha256={digest}; commit={commit}"
    pdf = {
        "Title": name,
        "Subject": f"cocoon-book, chapter {chapter}, figure {name}",
        "Keywords": keywords,
        "Creator": f"cocoon-book commit {commit}",
        "CreationDate": None,
    }
    png = {
        "Title": name,
        "Description": f"cocoon-book, chapter {chapter}, figure {name}; {keywords}",
        "Source": f"cocoon-book commit {commit}",
        "cocoon-chapter": chapter,
        "cocoon-parameters-sha256": digest,
        "cocoon-commit": commit,
    }
    if params is not None:
        png["cocoon-parameters"] = _canonical_json(params)
    return {"pdf": pdf, "png": png}


def save_figure(fig, name: str, *, chapter: str | None = None, params: Mapping[str, Any] | None = None) -> list[Path]:
    """Save ``fig`` as ``name``.pdf and ``name``.png in :func:`figures_dir` (``name`` after the letter's figure it
    reproduces, e.g. ``fig2_gamma_inner_outer``), ready to drop into a paper; returns the two paths.

    Both files say where they came from (:func:`figure_metadata`): the chapter (``chapter``, e.g. ``"bc"``), a
    short hash of the parameters it ran with (``params``, e.g. the chapter's validated dict) and the git
    commit, in the PDF's Subject and Keywords and in PNG text chunks (the PNG also keeps the parameters
    themselves as JSON). Without ``chapter`` or ``params`` the metadata say "unspecified" for them. There is
    no creation date, so a rerun at the same commit writes the same bytes.

    Both files are cropped to the same tight box, read from the one drawing that makes the PNG
    (:func:`render_png`); the PDF is drawn once more, into that box.
    """
    if not name or any(c in name for c in "/\\ ."):
        raise ValueError(f"figure name {name!r} is not allowed: expected a plain file stem such as 'fig2_gamma'")
    meta = figure_metadata(name, chapter, params)
    book_ticks(fig)
    d = figures_dir()
    d.mkdir(parents=True, exist_ok=True)
    pdf, png = (d / f"{name}.{ext}" for ext in ("pdf", "png"))
    png_bytes, box = render_png(fig, metadata=meta["png"])
    png.write_bytes(png_bytes)
    fig.savefig(pdf, bbox_inches=box, dpi=FILE_DPI, metadata=meta["pdf"])
    return [pdf, png]


def lay_out_once(fig) -> None:
    """Apply ``fig``'s layout engine, then none, so that every later drawing keeps that layout.

    A tight layout over the whole figure (``figure.autolayout``'s) is computed in one pass: with its default rect
    (0, 0, 1, 1) matplotlib measures every axes a second time to fit them into the margins of the first pass, the
    same subplot parameters (a test compares them); ``rect=None`` is its own one-pass form."""
    from matplotlib.layout_engine import TightLayoutEngine

    engine = fig.get_layout_engine()
    if engine is None:
        return
    if isinstance(engine, TightLayoutEngine) and tuple(engine.get()["rect"] or ()) == (0, 0, 1, 1):
        settings = engine.get()
        engine = TightLayoutEngine(pad=settings["pad"], h_pad=settings["h_pad"], w_pad=settings["w_pad"], rect=None)
    engine.execute(fig)
    fig.set_layout_engine("none")


@lru_cache(maxsize=1)
def _mathtext_parser():
    """One mathtext parser for every renderer of :func:`render_png`: matplotlib's parse cache is keyed on the parser,
    and each new Agg renderer makes its own."""
    from matplotlib.mathtext import MathTextParser

    return MathTextParser("path")


def render_png(fig, *, dpi: float | None = None, metadata: Mapping[str, str] | None = None):
    """``fig`` as PNG bytes at ``dpi`` (default :data:`FILE_DPI`), cropped to its tight box padded by
    ``savefig.pad_inches``, and that box [inches] (for a PDF of the same crop); ``metadata`` go into PNG text chunks.

    The figure is laid out once (its layout engine, then none) and drawn once, on the whole canvas, and the box is
    cut out of the pixels, where ``savefig(bbox_inches="tight")`` draws twice. When the box reaches beyond the canvas
    (an artist outside the figure) the figure is drawn into the box instead, as savefig does. The renderer uses the
    book's one mathtext parser, so that a label such as 10^3 is parsed once for all the figures of a kernel, not
    once per figure."""
    import io

    import matplotlib.image as mimage
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    dpi = FILE_DPI if dpi is None else dpi
    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.get_renderer().mathtext_parser = _mathtext_parser()  # the renderer the layout and the drawing use
    lay_out_once(fig)
    box = fig.get_tightbbox(canvas.get_renderer()).padded(mpl.rcParams["savefig.pad_inches"])
    width, height = canvas.get_width_height()
    x0, y0, x1, y1 = (np.array(box.extents) * dpi).tolist()
    rows, cols = (int(np.floor(height - y1)), int(np.ceil(height - y0))), (int(np.floor(x0)), int(np.ceil(x1)))
    buf = io.BytesIO()
    if rows[0] < 0 or cols[0] < 0 or rows[1] > height or cols[1] > width:
        fig.savefig(buf, format="png", bbox_inches=box, dpi=dpi, metadata=metadata, pil_kwargs=dict(_PNG_OPTIONS))
    else:
        canvas.draw()
        crop = np.asarray(canvas.buffer_rgba())[rows[0] : rows[1], cols[0] : cols[1]]
        mimage.imsave(buf, crop, format="png", dpi=dpi, metadata=metadata, pil_kwargs=dict(_PNG_OPTIONS))
    return buf.getvalue(), box


#: resolution of the PNG files [dots per inch] (assumed: sharp on a page and on screen, small files)
FILE_DPI = 150

#: zlib level of the PNG files (assumed: 3 writes the book's figures in 0.6 of the time of Pillow's default 6, for
#: files about 8 % larger)
_PNG_OPTIONS = {"compress_level": 3}


def save_and_show(fig, name: str, *, chapter: str | None = None, params: Mapping[str, Any] | None = None) -> None:
    """:func:`save_figure` (``chapter`` and ``params`` go into the files' metadata), then show the saved PNG in
    the notebook and close ``fig``: the page shows the very file an author would take, and the figure is
    drawn once for both instead of again by the inline backend."""
    from IPython.display import Image, display

    out = save_figure(fig, name, chapter=chapter, params=params)
    png = out[1].read_bytes()
    width_px = int.from_bytes(png[16:20], "big")  # PNG header: IHDR width
    display(Image(data=png, format="png", width=round(width_px * mpl.rcParams["figure.dpi"] / FILE_DPI)))
    plt.close(fig)


def glue_figure(
    fig, label: str, *, file: str | None = None, chapter: str | None = None, params: Mapping[str, Any] | None = None
) -> None:
    """Glue ``fig`` under ``label`` for a numbered, captioned figure of the book (a ``{glue:figure}`` directive
    with ``:name: label`` and the caption places it), and close it. With ``file`` the figure is first saved as
    ``file``.pdf and .png (:func:`save_figure`, with ``chapter`` and ``params`` in their metadata) and the page
    shows that very PNG; otherwise it is rendered at the same resolution in memory."""

    from IPython.display import Image
    from myst_nb import glue

    if file is not None:  # save_figure gives the figure the book's ticks
        png = save_figure(fig, file, chapter=chapter, params=params)[1].read_bytes()
    else:
        book_ticks(fig)
        png = render_png(fig)[0]
    width_px = int.from_bytes(png[16:20], "big")  # PNG header: IHDR width
    glue(
        label,
        Image(data=png, format="png", width=round(width_px * mpl.rcParams["figure.dpi"] / FILE_DPI)),
        display=False,
    )
    plt.close(fig)


def shade_windows(ax, windows: list[SkyWindow], wrap: float = 360.0) -> None:
    """Shade the longitude ranges of ``windows`` on an axis whose x is Galactic longitude [deg] in [0, wrap)."""
    for w in windows:
        c = WINDOW_COLOURS.get(w.name, "tab:green")
        lo, hi = w.l_min % wrap, w.l_max % wrap
        spans = [(lo, hi)] if lo < hi else [(lo, wrap), (0.0, hi)]
        for i, (a, b) in enumerate(spans):
            ax.axvspan(
                a,
                b,
                color=c,
                alpha=0.15,
                lw=0,
                label=f"{w.name}: {w.l_min:g} < l < {w.l_max:g} deg" if i == 0 else None,
            )


def draw_window_rays(ax, windows: list[SkyWindow], R_sun: float, length: float = 30.0) -> None:
    """Draw, on a face-on (x, y) map in kpc with the Sun at (R_sun, 0), the rays bounding each window."""
    for w in windows:
        c = WINDOW_COLOURS.get(w.name, "tab:green")
        for l_deg in (w.l_min, w.l_max):
            l = np.deg2rad(l_deg)
            ax.plot([R_sun, R_sun - length * np.cos(l)], [0.0, length * np.sin(l)], color=c, lw=1.0, ls="--")
        ax.plot([], [], color=c, ls="--", label=f"{w.name}: {w.l_min:g} < l < {w.l_max:g} deg")
    ax.plot([R_sun], [0.0], marker="*", color="gold", ms=12, mec="k", ls="none", label="Sun")
    ax.plot([0.0], [0.0], marker="+", color="w", ms=10, ls="none")


_MARKERS = {"LHAASO-KM2A": ("o", "k")}


def plot_measurements(ax, data, scale: float = 1.0) -> None:
    """Diffuse gamma-ray points (the columns of :data:`cocoonlib.io.data.DIFFUSE_COLUMNS`), one style per experiment;
    upper limits as down arrows. ``scale`` multiplies the values (e.g. to undo a mask factor)."""
    others = iter(["s", "D", "^", "v", "P", "X"])
    for exp, d in data.groupby("experiment", sort=False):
        marker, colour = _MARKERS.get(exp, (next(others, "o"), None))
        ul = d.upper_limit.astype(bool)
        pts = d[~ul]
        ax.errorbar(
            pts.E_GeV,
            scale * pts.E2_flux,
            yerr=[scale * pts.E2_err_lo, scale * pts.E2_err_hi],
            fmt=marker,
            color=colour,
            ms=4,
            capsize=2,
            label=exp,
            zorder=5,
        )
        if ul.any():
            lim = d[ul]
            ax.errorbar(
                lim.E_GeV,
                scale * lim.E2_flux,
                yerr=0.3 * scale * lim.E2_flux,
                uplims=True,
                fmt=marker,
                color=colour,
                ms=3,
                ls="none",
                zorder=5,
            )


def close(fig) -> None:
    """Show-then-release: keeps memory flat when a chapter makes many figures."""
    plt.close(fig)
