"""The book's figure style."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker as mticker  # noqa: E402
import numpy as np  # noqa: E402

from cocoonlib.book.report import plotting  # noqa: E402


def test_log_axes_have_minor_ticks_at_2_and_5_only():
    plotting.use_style()
    fig, ax = plt.subplots()
    ax.loglog([1, 1e4], [1e-3, 1])
    plotting.book_ticks(fig)  # as glue_figure and save_figure do
    fig.canvas.draw()
    minor = ax.xaxis.get_minorticklocs()
    minor = minor[(minor > 1) & (minor < 1e4)]
    mantissa = np.round(minor / 10 ** np.floor(np.log10(minor)), 6)
    assert set(mantissa) == {2.0, 5.0}
    assert list(
        ax.xaxis.get_majorticklocs()[(ax.xaxis.get_majorticklocs() >= 1) & (ax.xaxis.get_majorticklocs() <= 1e4)]
    ) == [1, 10, 100, 1e3, 1e4]
    plt.close(fig)


def test_log_axis_spanning_less_than_a_decade_keeps_matplotlibs_minor_ticks_and_labels():
    """A narrow log axis gets matplotlib's minor ticks (2-9) and their labels, not one lonely label."""
    plotting.use_style()
    fig, ax = plt.subplots()
    ax.semilogy([1, 2], [2.0, 8.0])
    ax.set_ylim(1.5, 9.0)
    plotting.book_ticks(fig)
    fig.canvas.draw()
    assert list(ax.yaxis.get_minorticklocs()) == [2, 3, 4, 5, 6, 7, 8, 9]
    labels = [t.get_text() for t in ax.yaxis.get_ticklabels(minor=True) if t.get_visible() and t.get_text()]
    assert len(labels) >= 2
    plt.close(fig)


def _saved(tmp_path, monkeypatch, name="fig9_meta", **kw):
    monkeypatch.setenv("COCOON_FIGURES_DIR", str(tmp_path))
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([1, 2], [1, 3])
    out = plotting.save_figure(fig, name, **kw)
    plt.close(fig)
    return out


def _pdf_info(path):
    """The Info dictionary's string entries as written by matplotlib (uncompressed literal strings)."""
    import re

    raw = path.read_bytes().decode("latin-1")
    return {k: v for k, v in re.findall(r"/(Title|Subject|Keywords|Creator|Producer|CreationDate) \((.*?)\)", raw)}


def test_saved_figures_say_chapter_parameters_and_commit(tmp_path, monkeypatch):
    import json

    from PIL import Image

    from cocoonlib.book.report import provenance

    P = {
        "chi0": 0.4,
        "R0": 20.0,
        "grammage_model": "exponential",
        "R0_grid": [5.0, 10.0],
        "R_cut": float("inf"),
        "grid_scale": np.int64(1),
    }
    pdf, png = _saved(tmp_path, monkeypatch, chapter="bc", params=P)
    digest, commit = plotting.parameters_digest(P), provenance.book_commit()
    assert len(digest) == 12 and int(digest, 16) >= 0

    text = Image.open(png).text
    assert text["cocoon-chapter"] == "bc" and text["cocoon-parameters-sha256"] == digest
    assert text["cocoon-commit"] == commit and text["Title"] == "fig9_meta"
    assert json.loads(text["cocoon-parameters"])["R_cut"] == float("inf")

    info = _pdf_info(pdf)
    assert info["Title"] == "fig9_meta" and "chapter bc" in info["Subject"]
    assert info["Keywords"] == f"chapter=bc; parameters-sha256={digest}; commit={commit}"
    assert "CreationDate" not in info


def test_saved_figures_are_reproducible_and_default_to_unspecified(tmp_path, monkeypatch):
    first = [p.read_bytes() for p in _saved(tmp_path / "a", monkeypatch)]
    second = [p.read_bytes() for p in _saved(tmp_path / "b", monkeypatch)]
    assert first == second  # no date, nothing random
    from PIL import Image

    text = Image.open(tmp_path / "a" / "fig9_meta.png").text
    assert text["cocoon-chapter"] == text["cocoon-parameters-sha256"] == plotting.UNSPECIFIED
    assert "cocoon-parameters" not in text


def test_parameter_digest_depends_on_values_not_on_order_or_numpy_types():
    a = {"chi0": 0.4, "R0": 20.0, "grid_scale": 1}
    b = {"grid_scale": np.int64(1), "R0": np.float64(20.0), "chi0": 0.4}
    assert plotting.parameters_digest(a) == plotting.parameters_digest(b)
    assert plotting.parameters_digest(a) != plotting.parameters_digest({**a, "chi0": 0.41})
    assert plotting.parameters_digest(None) == plotting.UNSPECIFIED


def test_bad_chapter_name_is_refused_before_saving(tmp_path, monkeypatch):
    import pytest

    with pytest.raises(ValueError, match="chapter"):
        _saved(tmp_path, monkeypatch, chapter="")
    assert not list(tmp_path.iterdir())


def test_log_scale_is_matplotlibs_after_use_style():
    plotting.use_style()
    fig, ax = plt.subplots()
    ax.set_xscale("log")
    assert type(ax.xaxis.get_minor_locator()) is mticker.LogLocator
    plt.close(fig)


def test_booklog_scale_and_book_ticks_give_the_book_minor_ticks():
    fig, (a, b) = plt.subplots(1, 2)
    a.set_xscale("booklog")
    b.loglog([1, 1e4], [1, 10])
    plotting.book_ticks(fig)
    for axis in (a.xaxis, b.xaxis, b.yaxis):
        assert isinstance(axis.get_minor_locator(), plotting._MinorLogLocator)
    assert list(b.xaxis.get_minor_locator().tick_values(1.0, 1e4))[:4] == [0.2, 0.5, 2.0, 5.0]  # 2 and 5 per decade
    plt.close(fig)


def _log_figure(outside: bool = False):
    """A two-panel figure with log axes and mathtext labels, laid out tight as the book's style does; with
    ``outside`` a text beyond the figure's right edge."""
    fig, axes = plt.subplots(1, 2, figsize=(6, 2.5), layout="tight")
    for ax in axes:
        ax.loglog([1, 1e4], [1e-7, 1e-3], label="a line")
        ax.set(xlabel=r"$E$ [GeV]", ylabel=r"$E^2 I$ [GeV cm$^{-2}$ s$^{-1}$ sr$^{-1}$]", title="a panel")
        ax.legend()
    if outside:
        axes[1].text(1.3, 0.5, "a note outside the figure", transform=axes[1].transAxes)
    return fig


def _pixels(png: bytes):
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _tight_savefig(fig) -> bytes:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", dpi=plotting.FILE_DPI)
    return buf.getvalue()


def test_rendered_png_is_the_tight_crop_savefig_draws():
    """One drawing cut to the tight box shows what savefig(bbox_inches='tight') draws twice: the same size within two
    pixels (the box is cut at whole pixels) and the same picture within antialiasing, also with a text beyond the
    figure's edge (drawn into the box then)."""
    for outside in (False, True):
        ours = _pixels(plotting.render_png(_log_figure(outside))[0])
        theirs = _pixels(_tight_savefig(_log_figure(outside)))
        assert abs(ours.shape[0] - theirs.shape[0]) <= 2 and abs(ours.shape[1] - theirs.shape[1]) <= 2
        h, w = min(ours.shape[0], theirs.shape[0]), min(ours.shape[1], theirs.shape[1])
        best = min(  # the crops may start half a pixel apart
            np.abs(ours[dy : dy + h - 1, dx : dx + w - 1] - theirs[: h - 1, : w - 1]).mean()
            for dy in (0, 1)
            for dx in (0, 1)
        )
        assert best < 6.0, (outside, best)
        assert (ours < 128).any()  # not blank
    plt.close("all")


def test_shared_mathtext_parser_draws_the_same_bytes():
    """The book's one mathtext parser (its cache shared by the figures of a kernel) draws exactly what a renderer's
    own parser draws, the second figure as the first."""
    first = plotting.render_png(_log_figure())[0]
    again = plotting.render_png(_log_figure())[0]
    plotting._mathtext_parser.cache_clear()
    fresh = plotting.render_png(_log_figure())[0]
    assert first == again == fresh
    plt.close("all")


def test_one_pass_tight_layout_gives_matplotlibs_subplot_parameters():
    """lay_out_once (a tight layout in one pass) places every axes exactly where matplotlib's two-pass tight layout
    does: one panel, two with a shared y axis, a 2 x 2 grid with long titles and mathtext labels."""

    def figures():
        yield _log_figure()
        fig, axes = plt.subplots(1, 2, figsize=(7, 3), sharey=True, layout="tight")
        axes[0].semilogy([1, 2], [1e-3, 1e2])
        axes[0].set_ylabel(r"$R^{2.6} j(R)$ [GV$^{1.6}$ m$^{-2}$ s$^{-1}$ sr$^{-1}$]")
        yield fig
        fig, axes = plt.subplots(2, 2, figsize=(8, 6), layout="tight")
        for ax in axes.ravel():
            ax.loglog([1, 1e6], [1e-10, 1e-5])
            ax.set(title="25 < l < 100 deg, |b| < 5 deg (Tibet AS+MD, ARGO-YBJ)", xlabel="E [GeV]")
        yield fig

    for ours, theirs in zip(figures(), figures()):
        for f in (ours, theirs):
            f.set_dpi(plotting.FILE_DPI)
        plotting.lay_out_once(ours)
        theirs.get_layout_engine().execute(theirs)
        assert ours.get_layout_engine() is None or type(ours.get_layout_engine()).__name__ == "PlaceHolderLayoutEngine"
        for a, b in zip(ours.axes, theirs.axes):
            assert np.array_equal(a.get_position().bounds, b.get_position().bounds)
    plt.close("all")
