"""Bands: an interval of chi0 carried to the cocoon and total curves by linearity; D0 and the sea of the DGE."""

import numpy as np
import pytest

from cocoonlib.book import chapters
from cocoonlib.book.params import from_params
from cocoonlib.stats import bands, bc_fit

pytestmark = pytest.mark.usefixtures("mirror")

INTERVAL = bands.Chi0Interval(0.31, 0.27, 0.35, 0.23, 0.39, "test")


@pytest.fixture(scope="module")
def P():
    return chapters.chapter_parameters("gamma", {})


@pytest.fixture(scope="module")
def sky(P):
    return from_params.gamma_sky(P)


def test_the_band_edge_is_the_curve_at_the_intervals_end(sky):
    """Linearity: the 1 and 2 sigma edges equal the sky recomputed at the interval's ends."""
    for n_sigma in (1, 2):
        lo, hi = bands.cocoon_band(sky, "inner", INTERVAL, n_sigma)
        for edge, chi0 in zip((lo, hi), INTERVAL.ends(n_sigma)):
            assert np.allclose(edge, sky.with_cocoons(chi0=chi0).cocoon("inner"), rtol=1e-12)
    zero = sky.with_cocoons(chi0=1e-300)  # a sky drawn without cocoons still gives the band (computed at chi0 = 1)
    assert np.allclose(bands.cocoon_per_chi0(zero, "outer"), sky.cocoon("outer") / sky.chi0, rtol=1e-10)


def test_the_total_band_envelopes_dge_and_cocoons(sky):
    lo, hi = bands.total_band(sky, "outer", INTERVAL)
    d_lo, d_hi = sky.dge_band("outer")
    c_lo, c_hi = bands.cocoon_band(sky, "outer", INTERVAL)
    assert np.allclose(lo, d_lo + c_lo) and np.allclose(hi, d_hi + c_hi) and np.all(hi >= lo)
    below = sky.E < 3e4  # the two knees agree here: the band is the total at the two ends of the interval
    at_end = sky.with_cocoons(chi0=INTERVAL.hi1)
    assert np.allclose(hi[below], (at_end.dge("outer", variant="max") + at_end.cocoon("outer"))[below], rtol=1e-10)


def test_value_range():
    assert bands.value_range(lambda c: 2 * c, INTERVAL) == pytest.approx((0.54, 0.70))
    lo, hi = bands.value_range(lambda c: (c - 0.3) ** 2, INTERVAL, n=41)
    assert lo == pytest.approx(0.0, abs=1e-12) and hi == pytest.approx(0.05**2)
    with pytest.raises(ValueError, match="n = 1"):
        bands.value_range(lambda c: c, INTERVAL, n=1)


def test_bad_intervals_are_refused():
    with pytest.raises(ValueError, match="chi0 interval"):
        bands.Chi0Interval(0.3, 0.35, 0.4, 0.2, 0.5)
    with pytest.raises(ValueError, match="n_sigma"):
        INTERVAL.ends(3)


def test_interval_and_D0_from_a_fit():
    fit = bc_fit.BCFit(
        free=["chi0", "D0"],
        best={"chi0": 0.3, "D0": 3.0},
        errors={"chi0": 0.04, "D0": 0.1},
        covariance={"chi0": {"chi0": 0.0016, "D0": 0.0038}, "D0": {"chi0": 0.0038, "D0": 0.01}},
        chi2=50.0,
        ndof=57,
        chi2_by_experiment={},
        n_by_experiment={},
        chi0_interval_1sigma=[0.26, 0.34],
        chi0_interval_2sigma=[0.22, 0.38],
        profile_chi0=[],
        profile_dchi2=[],
        chi2_no_cocoon=100.0,
        best_no_cocoon={},
    )
    iv = bands.Chi0Interval.from_fit(fit)
    assert (iv.best, iv.ends(1), iv.ends(2)) == (0.3, (0.26, 0.34), (0.22, 0.38))
    assert bands.D0_along_chi0(fit, 0.3) == 3.0
    assert bands.D0_along_chi0(fit, 0.34) == pytest.approx(3.0 + 0.0038 / 0.0016 * 0.04)
    fit.free = ["chi0"]
    with pytest.raises(ValueError, match="D0"):
        bands.D0_along_chi0(fit, 0.3)


def test_the_band_of_the_default_chapters_is_chapter_2s_fit(P):
    """chi0_band = 'refit' with chapter 3's defaults is chapter 2's fit (its committed key numbers); 'none' gives none,
    a bad value a one-line error, and 'fit' is checked before any work."""
    from cocoonlib.book.chapters.results import extract
    from cocoonlib.book.params import ParameterError

    committed = extract(chapters.CHAPTERS["bc"].path)
    iv = bands.Chi0Interval.from_fit(from_params.chi0_band_fit(P))
    assert (iv.best, iv.lo1, iv.hi1, iv.lo2, iv.hi2) == pytest.approx(
        [
            committed[k]
            for k in ("chi0_best_g_cm2", "chi0_lo_g_cm2", "chi0_hi_g_cm2", "chi0_lo2_g_cm2", "chi0_hi2_g_cm2")
        ],
        rel=1e-6,
    )
    assert from_params.chi0_band_fit({**P, "chi0_band": "none"}) is None
    with pytest.raises(ValueError, match="chi0_band"):
        from_params.chi0_band_fit({**P, "chi0_band": "later"})
    with pytest.raises(ParameterError, match="chi0_band = 'fit'"):
        chapters.check_saved_fit({**P, "chi0_band": "fit"}, folder="/nonexistent")


def test_sea_shape_change_vanishes_at_the_reference_and_grows_with_the_shift(P):
    out = from_params.sea_shape_change(P, [P["D0"], P["D0"] * 1.04, P["D0"] * 1.2])
    assert np.all(out.iloc[0] == 0.0)
    assert np.all(out.iloc[1] > 0) and np.all(out.iloc[2] > out.iloc[1]) and np.all(out.iloc[2] < 0.05)


def test_the_dge_changes_less_than_the_sea_bound(P):
    """Second method for the D0 argument: the DGE of the inner window, recomputed at D0 + 4 %, moves less than the
    largest change of the sea within the gas layer."""
    D0 = P["D0"] * 1.04
    change = from_params.dge_change_with_D0(P, [D0], ["inner"], (1e3, 1e4))
    bound = from_params.sea_shape_change(P, [D0]).to_numpy().max()
    assert np.all(np.abs(change.to_numpy()) <= bound) and np.abs(change.to_numpy()).max() > 0
