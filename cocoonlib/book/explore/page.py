"""The Explore page drawn with Bokeh: controls, four live figures and the numbers beside them, as one block of
HTML that works in a static copy of the book (no server, no kernel, no network).

:func:`page_html` is called by the book's Sphinx extension (directive ``{cocoon-explore}``, ``book/_ext``) while
the book is built. It embeds :func:`cocoonlib.book.explore.explore_data` (kept in the array cache under a key made of
every source file of cocoonlib, every file of ``data/`` and the versions of the numerical libraries, so that a
build with nothing changed reads it back instead of recomputing it) and BokehJS itself, inline, from the pinned
``bokeh`` package: the page loads nothing from the network. The redraw is ``cocoonlib/book/explore/explore.js``, run by a
``CustomJS`` callback when the page is ready and at every move of a control.

Models the tests read back by name: the widgets ``chi0``, ``R0`` (an index into ``R0_NODES_TV``), ``form``,
``production_model``, ``gas_model``, ``cr_sea``, ``dge_production_model``; the sources ``gamma_inner``,
``gamma_outer``, ``neutrino`` (columns x, cocoon and, for the DGE and the total, lo, hi and mid), ``bc`` (x, total,
cocoon)
and ``numbers`` (name, value).
"""

from __future__ import annotations

import io
import json
from importlib import metadata
from pathlib import Path

import numpy as np

from cocoonlib.io import paths
from cocoonlib.io.array_cache import cached_array, source_digest

__all__ = ["page_html", "cached_explore_data", "dependencies", "cache_inputs", "LIBRARIES"]

#: the libraries whose numbers the page's data depend on (their versions key the cache)
LIBRARIES = ("numpy", "scipy", "pandas", "astropy", "aafragpy", "iminuit", "particle")

JS = Path(__file__).with_name("explore.js")
#: the id of the page's table of numbers (filled by explore.js)
NUMBERS_ID = "cocoon-explore-numbers"


def dependencies() -> list[Path]:
    """The files the page depends on: every source of cocoonlib (its JavaScript included) and every file under
    ``data/`` (the registry holds the sha256 of each external file)."""
    sources = (*paths.ROOT.joinpath("cocoonlib").rglob("*.py"), JS, *paths.DATA.rglob("*"))
    return sorted(p for p in sources if p.is_file() and "__pycache__" not in p.parts)


def cache_inputs() -> list:
    """What the page's data depend on: a digest of :func:`dependencies` but the JavaScript (names and bytes) and
    the versions of :data:`LIBRARIES`."""
    files = [p for p in dependencies() if p != JS]
    named = [str(p.relative_to(paths.ROOT)) for p in files]
    return [source_digest(*files), named, *(f"{lib}=={metadata.version(lib)}" for lib in LIBRARIES)]


def _pack(tree) -> np.ndarray:
    """A tree of dicts, lists, numbers, strings and arrays as the bytes of one .npz (uint8), for the array cache."""
    arrays = {}

    def skeleton(x):
        if isinstance(x, dict):
            return {k: skeleton(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [skeleton(v) for v in x]
        if isinstance(x, np.ndarray):
            name = f"a{len(arrays)}"
            arrays[name] = x
            return {"__array__": name}
        return x.item() if isinstance(x, np.generic) else x

    head = json.dumps(skeleton(tree)).encode()
    buf = io.BytesIO()
    np.savez(buf, __skeleton__=np.frombuffer(head, dtype=np.uint8), **arrays)
    return np.frombuffer(buf.getvalue(), dtype=np.uint8)


def _unpack(packed: np.ndarray):
    with np.load(io.BytesIO(packed.tobytes()), allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}

    def build(x):
        if isinstance(x, dict):
            return arrays[x["__array__"]] if set(x) == {"__array__"} else {k: build(v) for k, v in x.items()}
        if isinstance(x, list):
            return [build(v) for v in x]
        return x

    return build(json.loads(arrays.pop("__skeleton__").tobytes()))


def cached_explore_data() -> dict:
    """:func:`cocoonlib.book.explore.explore_data` at the chapters' defaults, from the array cache when nothing it
    depends on has changed (:func:`cache_inputs`)."""

    def compute():
        from cocoonlib.book.explore import explore_data

        return _pack(explore_data())

    return _unpack(cached_array("explore-data", cache_inputs(), compute))


# --- the Bokeh document ---------------------------------------------------------------------------------
_BAND, _TOTAL, _COCOON = "#1f77b4", "#daa520", "#d62728"
_EXPERIMENT_STYLE = {"AMS-02": ("circle", "#1f77b4"), "CALET": ("square", "#2ca02c"), "DAMPE": ("diamond", "#d62728")}
_ICECUBE = {
    "pi0": ("IceCube, pi0 template", "#666666"),
    "KRA-gamma 5": ("IceCube, KRA-gamma 5", "#17becf"),
    "KRA-gamma 50": ("IceCube, KRA-gamma 50", "#e377c2"),
}
E2I_LABEL = "E\u00b2 I(E) [GeV cm\u207b\u00b2 s\u207b\u00b9 sr\u207b\u00b9]"


def _figure(title, x_label, y_label, x_range, y_range):
    from bokeh.plotting import figure

    p = figure(
        title=title,
        x_axis_type="log",
        y_axis_type="log",
        x_range=x_range,
        y_range=y_range,
        height=330,
        sizing_mode="stretch_width",
        min_width=300,
        tools="pan,wheel_zoom,box_zoom,reset,save",
        toolbar_location="above",
        x_axis_label=x_label,
        y_axis_label=y_label,
    )
    p.title.text_font_size = "10pt"
    p.toolbar.autohide = True
    # axes and title on the overlay layer: a move of a control repaints the layer of the curves only
    for guide in (*p.axis, p.title):
        guide.level = "overlay"
    return p


def _finish_legend(p, location="bottom_left"):
    p.legend.location = location
    p.legend.label_text_font_size = "7.5pt"
    p.legend.glyph_height = 14
    p.legend.glyph_width = 18
    p.legend.spacing = 0
    p.legend.padding = 4
    p.legend.background_fill_alpha = 0.7
    p.legend.click_policy = "hide"
    p.legend.level = "overlay"


def _band_and_curves(p, source, with_legend: bool):
    """DGE band, DGE + cocoons band, cocoons: each band with its centre line (below ~100 TeV the two knees nearly
    coincide and the band is thinner than a line)."""

    def label(text):
        return {"legend_label": text} if with_legend else {}

    p.varea("x", "dge_lo", "dge_hi", source=source, fill_color=_BAND, fill_alpha=0.35, **label("DGE, knee min-max"))
    p.line("x", "dge_mid", source=source, color=_BAND, line_width=1.5, **label("DGE, knee min-max"))
    p.varea("x", "total_lo", "total_hi", source=source, fill_color=_TOTAL, fill_alpha=0.5, **label("DGE + cocoons"))
    p.line("x", "total_mid", source=source, color=_TOTAL, line_width=2.5, **label("DGE + cocoons"))
    p.line("x", "cocoon", source=source, color=_COCOON, line_width=2, **label("cocoons"))


#: what does not move is drawn on the overlay layer of the plot, which a move of a control does not repaint
_STATIC = {"level": "overlay"}


def _points(p, x, y, lo, hi, marker, colour, label, mask=1.0):
    from bokeh.models import ColumnDataSource, Whisker

    src = ColumnDataSource({"x": x, "y": y, "lower": y - lo, "upper": y + hi})
    p.add_layout(
        Whisker(
            source=src,
            base="x",
            lower="lower",
            upper="upper",
            line_color=colour,
            upper_head=None,
            lower_head=None,
            **_STATIC,
        )
    )
    p.scatter("x", "y", source=src, marker=marker, size=6, color=colour, legend_label=label, **_STATIC)


def _empty_source(name, columns):
    from bokeh.models import ColumnDataSource

    return ColumnDataSource({c: [] for c in columns}, name=name)


#: the page's drop-down menus: widget name -> (title, key of its options in the controls data, key of its value)
SELECTS = {
    "production_model": ("cocoons: cross sections", "production_models", "production_model_default"),
    "gas_model": ("DGE: gas model", "gas_models", "gas_model_default"),
    "cr_sea": ("DGE: cosmic-ray sea", "seas", "cr_sea_default"),
    "dge_production_model": ("DGE: cross sections", "production_models", "dge_production_model_default"),
}


def _controls(C):
    """The page's widgets from its controls data ``C``: the chi0 and R0 sliders and the drop-down menus."""
    from bokeh.models import CustomJSTickFormatter, Select, Slider

    lo, hi, step = C["chi0"]
    wide = {"sizing_mode": "stretch_width"}
    out = {
        "chi0": Slider(
            name="chi0",
            title="chi0 [g cm\u207b\u00b2]",
            start=lo,
            end=hi,
            step=step,
            value=C["chi0_default"],
            format="0.00",
            **wide,
        ),
        "R0": Slider(
            name="R0",
            title="R0",
            start=0,
            end=len(C["R0_TV"]) - 1,
            step=1,
            value=C["R0_default"],
            format=CustomJSTickFormatter(args={"nodes": C["R0_TV"]}, code="return nodes[tick] + ' TV'"),
            **wide,
        ),
        "form": Select(
            name="form",
            title="cocoon grammage",
            options=[(k, f["label"]) for k, f in C["forms"].items()],
            value=C["form_default"],
            **wide,
        ),
    }
    for name, (title, options, value) in SELECTS.items():
        out[name] = Select(name=name, title=title, options=C[options], value=C[value], **wide)
    out["source_normalisation"] = Select(
        name="source_normalisation",
        title="cocoons: efficiencies",
        options=list(C["normalisations"].items()),
        value=C["normalisation_default"],
        **wide,
    )
    return out


def _gamma_figure(G, w, source, with_legend):
    l_min, l_max, _, b_max = G["geometry"][w]
    note = f", models \u00d7 {G['mask'][w]:g}" if G["mask"][w] != 1 else ""
    p = _figure(
        f"{w} window: {l_min:g}\u00b0 < l < {l_max:g}\u00b0, |b| < {b_max:g}\u00b0{note}",
        "E [GeV]",
        E2I_LABEL,
        (1.0, 1.5e6),
        (1e-10, 3e-5),
    )
    _band_and_curves(p, source, with_legend)
    k = G["km2a"][w]
    _points(p, k["E"], k["y"], k["err_lo"], k["err_hi"], "circle", "black", "LHAASO-KM2A")
    _finish_legend(p)
    if not with_legend:
        p.legend.visible = False
    return p


def _bc_figure(B, source):
    from bokeh.models import BoxAnnotation

    fitted = ", ".join(f"{k} = {v:.3g}" for k, v in B["transport"].items())
    p = _figure(
        f"B/C at chapter 2's fitted transport ({fitted})",
        "kinetic energy per nucleon T [GeV/n]",
        "B/C",
        (0.4, 2.0e4),
        (0.008, 0.5),
    )
    p.add_layout(BoxAnnotation(right=B["T_min_fit"], fill_color="#cccccc", fill_alpha=0.4, **_STATIC))
    for exp, d in B["data"].items():
        marker, colour = _EXPERIMENT_STYLE.get(exp, ("triangle", "#9467bd"))
        _points(p, d["T"], d["y"], d["sigma"], d["sigma"], marker, colour, exp)
    p.line(
        B["T"],
        B["B_gal"] / B["C_gal"],
        color="#555555",
        line_dash="dotted",
        line_width=1.5,
        legend_label="chi0 = 0",
        **_STATIC,
    )
    p.line("x", "total", source=source, color="black", line_width=2, legend_label="B/C")
    p.line(
        "x",
        "cocoon",
        source=source,
        color="#ff7f0e",
        line_dash="dashdot",
        line_width=1.5,
        legend_label="boron made in the cocoons",
    )
    _finish_legend(p)
    return p


def _neutrino_figure(N, source):
    p = _figure(
        "neutrinos, all sky, one flavour (\u03bd + anti-\u03bd)",
        "E [GeV]",
        "E\u00b2 F per flavour [GeV cm\u207b\u00b2 s\u207b\u00b9]",
        (1e2, 1e6),
        (1e-11, 1e-5),
    )
    for name, b in N["icecube"].items():
        label, colour = _ICECUBE.get(name, (name, "#7f7f7f"))
        p.varea(b["E"], b["low"], b["high"], fill_color=colour, fill_alpha=0.3, legend_label=label, **_STATIC)
        p.line(b["E"], b["best"], color=colour, line_width=1, legend_label=label, **_STATIC)
    _band_and_curves(p, source, True)
    _finish_legend(p)
    return p


def page_html(data: dict | None = None) -> str:
    """The page's block of HTML: BokehJS (inline), the document (data included) and the script that renders it."""
    from bokeh.document import Document
    from bokeh.embed import components
    from bokeh.embed.bundle import bundle_for_objs_and_resources
    from bokeh.layouts import column, gridplot, row
    from bokeh.models import CustomJS
    from bokeh.resources import INLINE

    data = cached_explore_data() if data is None else data
    curve_columns = ("x", "cocoon", "dge_lo", "dge_hi", "dge_mid", "total_lo", "total_hi", "total_mid")
    sources = {f"gamma_{w}": _empty_source(f"gamma_{w}", curve_columns) for w in data["gamma"]["windows"]}
    sources["neutrino"] = _empty_source("neutrino", curve_columns)
    sources["bc"] = _empty_source("bc", ("x", "total", "cocoon"))
    sources["numbers"] = _empty_source("numbers", ("name", "value"))
    widgets = _controls(data["controls"])
    redraw = CustomJS(
        args={"data": data, "widgets": widgets, "sources": sources, "numbers_id": NUMBERS_ID}, code=JS.read_text()
    )
    for w in widgets.values():
        w.js_on_change("value", redraw)

    G = data["gamma"]
    figures = [_gamma_figure(G, w, sources[f"gamma_{w}"], i == 0) for i, w in enumerate(G["windows"])]
    figures += [_bc_figure(data["bc"], sources["bc"]), _neutrino_figure(data["neutrino"], sources["neutrino"])]
    controls = column(
        row(widgets["chi0"], widgets["R0"], sizing_mode="stretch_width"),
        row(widgets["form"], widgets["production_model"], widgets["source_normalisation"], sizing_mode="stretch_width"),
        row(widgets["gas_model"], widgets["cr_sea"], widgets["dge_production_model"], sizing_mode="stretch_width"),
        sizing_mode="stretch_width",
        name="cocoon_explore_controls",
    )
    plots = gridplot([figures[:2], figures[2:]], sizing_mode="stretch_width", toolbar_location=None, merge_tools=False)
    doc = Document()
    for root in (controls, plots):
        doc.add_root(root)
    doc.js_on_event("document_ready", redraw)
    script, (controls_div, plots_div) = components((controls, plots))
    bokeh_js = bundle_for_objs_and_resources([controls, plots], INLINE).scripts()
    # the numbers are a plain table of the page between the two Bokeh roots: filling it re-lays out nothing else
    numbers = f'<table id="{NUMBERS_ID}" class="cocoon-explore-numbers"></table>'
    # the figures take the width of the text column and of its right margin (sphinx-book-theme's full-width)
    plots_div = f'<div class="full-width">{plots_div}</div>'
    return f'<div class="cocoon-explore">\n{bokeh_js}\n{controls_div}\n{numbers}\n{plots_div}\n{script}\n</div>\n'
