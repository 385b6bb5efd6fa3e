"""Limits of the appendices: pulls, the closed-form largest scale against root finding, search edge cases."""

import numpy as np
import pandas as pd
import pytest

from cocoonlib.stats import compare, limits

E = np.logspace(3, 6, 31)  # GeV


def points(E_pts, flux, lo, hi):
    return pd.DataFrame({"E_GeV": E_pts, "E2_flux": flux, "E2_err_lo": lo, "E2_err_hi": hi, "upper_limit": False})


def test_pulls_use_the_error_on_the_model_side():
    d = points([1e4, 1e5], [1.0, 1.0], [0.1, 0.1], [0.5, 0.5])
    p = compare.pulls(d, E, np.where(E < 3e4, 2.0, 0.5))  # above the first point, below the second
    assert p == pytest.approx([2.0, -5.0])


def test_upper_limits_are_skipped():
    d = points([1e4, 1e5], [1.0, 1.0], [0.1, 0.1], [0.5, 0.5])
    d.loc[1, "upper_limit"] = True
    assert len(compare.pulls(d, E, np.ones_like(E))) == 1


def test_measured_arrays_give_the_pulls_and_excess_of_the_table():
    """The arrays taken out of a table once (upper limits left out) compare exactly as the table does."""
    d = points([1e3, 1e4, 1e5], [1.0, 2.0, 1.0], [0.1, 0.2, 0.1], [0.5, 0.5, 0.5])
    d.loc[2, "upper_limit"] = True
    arrays = compare.measured_arrays(d)
    assert compare.measured_arrays(arrays) is arrays and arrays.E_GeV.tolist() == [1e3, 1e4]
    model = np.vstack([np.full(E.shape, 1.5), (E / 1e3) ** 0.3])
    assert np.array_equal(compare.pulls(arrays, E, model), compare.pulls(d, E, model))
    assert compare.best_chi2_in_band(arrays, E, model[0], model[1]) == compare.best_chi2_in_band(
        d, E, model[0], model[1]
    )
    assert compare.share_of_excess(9e3, E, model[0], model[1], arrays) == compare.share_of_excess(
        9e3, E, model[0], model[1], d
    )


def test_largest_scale_matches_root_finding_for_power_laws():
    """With the points on the energy nodes (no interpolation), the closed form and Brent's method must agree."""
    Ep = E[[3, 13, 23]]
    data = {"a": points(Ep, [1.0, 0.5, 0.2], [0.1, 0.1, 0.1], [0.1, 0.05, 0.04])}
    base = {"a": 0.4 * (E / 1e3) ** -0.3}
    add = {"a": 0.1 * (E / 1e3) ** 0.2}
    s = limits.largest_scale(data, E, base, add, 2.0)
    x, status = limits.largest_value(
        lambda k: limits.max_pull(data, E, {"a": base["a"] + k * add["a"]}), 1e-3, 1e3, 2.0, rtol=1e-10
    )
    assert status == "found" and x == pytest.approx(s, rel=1e-8)
    # by hand: point i allows (D + 2 sigma_hi - B) / A
    by_hand = (np.array([1.0, 0.5, 0.2]) + 2 * np.array([0.1, 0.05, 0.04]) - 0.4 * (Ep / 1e3) ** -0.3) / (
        0.1 * (Ep / 1e3) ** 0.2
    )
    assert s == pytest.approx(by_hand.min(), rel=1e-10)


def test_largest_scale_edge_cases():
    data = {"a": points([2e3], [1.0], [0.1], [0.1])}
    assert limits.largest_scale(data, E, {"a": np.full_like(E, 2.0)}, {"a": np.ones_like(E)}, 2.0) == 0.0
    skip = {"a": np.array([True])}
    assert limits.largest_scale(data, E, {"a": np.full_like(E, 2.0)}, {"a": np.ones_like(E)}, 2.0, skip) == np.inf


def test_largest_value_reports_the_range_edges():
    assert limits.largest_value(lambda x: 0.0, 1.0, 10.0, 2.0) == (10.0, "above range")
    assert limits.largest_value(lambda x: 5.0, 1.0, 10.0, 2.0) == (1.0, "below range")
    x, status = limits.largest_value(lambda x: x, 1.0, 10.0, 2.0, rtol=1e-10)
    assert status == "found" and x == pytest.approx(2.0, rel=1e-8)
    with pytest.raises(ValueError, match="search range"):
        limits.largest_value(lambda x: x, 0.0, 10.0, 2.0)


def test_minimise_log_finds_a_parabola_in_ln_x():
    x, f = limits.minimise_log(lambda x: (np.log(x) - np.log(37.0)) ** 2 + 3.0, 1.0, 1e4)
    assert x == pytest.approx(37.0, rel=1e-3) and f == pytest.approx(3.0, abs=1e-6)
    x, _ = limits.minimise_log(lambda x: x, 1.0, 1e4)  # minimum at the edge
    assert x == pytest.approx(1.0, rel=1e-3)


def test_one_pull_for_points_and_bands():
    """The pull of a point and the distance to a band are the same function: a band whose half-widths equal a
    point's errors gives the point's pull, on both sides."""
    from cocoonlib.stats import compare

    E = np.array([1e3, 1e4])
    model = np.array([3.0, 0.5])  # above the point at 1 TeV, below it at 10 TeV
    points = pd.DataFrame(
        {
            "E_GeV": E,
            "E2_flux": [2.0, 1.0],
            "E2_err_lo": [0.2, 0.25],
            "E2_err_hi": [0.5, 0.4],
            "upper_limit": [False, False],
        }
    )
    band = pd.DataFrame({"E_GeV": E, "E2_best": [2.0, 1.0], "E2_low": [1.8, 0.75], "E2_high": [2.5, 1.4]})
    expected = [(3.0 - 2.0) / 0.5, (0.5 - 1.0) / 0.25]
    assert np.allclose(compare.pulls(points, E, model), expected)
    assert np.allclose(compare.distance_to_band(E, model, band), expected)
    assert compare.chi2_against(points, E, model) == pytest.approx(sum(x * x for x in expected))


def test_scale_limit_names_the_point_and_its_room():
    """One point at 10 TeV, flux 1 +- 0.1 (0.5 above): base 0.8, added curve 1 -> s = (1 + 2 x 0.5 - 0.8) / 1 = 1.2,
    set by that point, with room 2 - (0.8 - 1)/0.1 = 4 sigma."""
    data = {"w": points([1e4], [1.0], [0.1], [0.5])}
    lim = limits.scale_limit(data, E, {"w": np.full(E.shape, 0.8)}, {"w": np.ones(E.shape)}, 2.0)
    assert lim.value == pytest.approx(1.2) and lim.window == "w" and lim.E_GeV == pytest.approx(1e4)
    assert lim.headroom_sigma == pytest.approx(4.0)
