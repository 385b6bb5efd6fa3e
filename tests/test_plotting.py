"""The book's figure style."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from cocoonlib import plotting  # noqa: E402


def test_log_axes_have_minor_ticks_at_2_and_5_only():
    plotting.use_style()
    fig, ax = plt.subplots()
    ax.loglog([1, 1e4], [1e-3, 1])
    fig.canvas.draw()
    minor = ax.xaxis.get_minorticklocs()
    minor = minor[(minor > 1) & (minor < 1e4)]
    mantissa = np.round(minor / 10 ** np.floor(np.log10(minor)), 6)
    assert set(mantissa) == {2.0, 5.0}
    assert list(ax.xaxis.get_majorticklocs()[(ax.xaxis.get_majorticklocs() >= 1) & (ax.xaxis.get_majorticklocs() <= 1e4)]) == [1, 10, 100, 1e3, 1e4]
    plt.close(fig)


def test_log_axis_spanning_less_than_a_decade_keeps_matplotlibs_minor_ticks_and_labels():
    """A narrow log axis gets matplotlib's minor ticks (2-9) and their labels, not one lonely label."""
    plotting.use_style()
    fig, ax = plt.subplots()
    ax.semilogy([1, 2], [2.0, 8.0])
    ax.set_ylim(1.5, 9.0)
    fig.canvas.draw()
    assert list(ax.yaxis.get_minorticklocs()) == [2, 3, 4, 5, 6, 7, 8, 9]
    labels = [t.get_text() for t in ax.yaxis.get_ticklabels(minor=True) if t.get_visible() and t.get_text()]
    assert len(labels) >= 2
    plt.close(fig)
