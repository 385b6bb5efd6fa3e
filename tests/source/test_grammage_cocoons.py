"""Grammage models (limits, fixed points) and single-cocoon properties (independent unit algebra)."""

import astropy.constants as const
import astropy.units as u
import numpy as np
import pytest

from cocoonlib.source import cocoons, grammage


def test_exponential_fixed_points():
    assert grammage.grammage(0.0, "exponential", 0.4, 20.0) == pytest.approx(0.4)
    assert grammage.grammage(20e3, "exponential", 0.4, 20.0) == pytest.approx(0.4 / np.e)


@pytest.mark.parametrize("delta", [1 / 3, 0.5, 1.0, 2.0])
def test_advection_diffusion_limits(delta):
    R0 = 20.0
    assert grammage.grammage(R0 * 1e3, "advection_diffusion", 0.4, R0, delta) == pytest.approx(0.2)
    assert grammage.grammage(1e-6, "advection_diffusion", 0.4, R0, delta) == pytest.approx(0.4, rel=1e-3)
    R = 1e4 ** (1 / delta) * R0 * 1e3  # far above R0, (R/R0)^delta = 1e4: power law chi0 (R/R0)^-delta
    assert grammage.grammage(R, "advection_diffusion", 0.4, R0, delta) == pytest.approx(0.4e-4, rel=2e-4)


def test_constant_is_the_large_R0_limit():
    R = np.logspace(0, 4, 5)
    np.testing.assert_allclose(
        grammage.grammage(R, "exponential", 0.4, 1e6), grammage.grammage(R, "constant", 0.4), rtol=1e-5
    )


def test_unknown_model():
    with pytest.raises(ValueError, match="grammage_model"):
        grammage.grammage(1.0, "gaussian")


def test_residence_time_against_astropy():
    """tau = chi / (m_p n c), computed independently with astropy quantities."""
    tau = (0.4 * u.g / u.cm**2 / (const.m_p * 1 / u.cm**3 * const.c)).to(u.Myr).value
    assert cocoons.residence_time_Myr(0.4, 1.0) == pytest.approx(tau, rel=1e-12)
    assert tau == pytest.approx(0.2528, rel=1e-3)  # Methods, methods-cocoon-conditions


@pytest.mark.parametrize(
    "R_SN, R_d, h, expected",
    [(1 / 30, 15, 0.1, 160), (1 / 30, 15, 0.2, 200), (1 / 30, 10, 0.1, 121), (1 / 50, 15, 0.1, 188)],
)
def test_size_bound_reference_values(R_SN, R_d, h, expected):
    """Independent values of the size bound, rounded to ~2 % (Methods, methods-cocoon-conditions)."""
    n = cocoons.live_cocoons(R_SN, cocoons.residence_time_Myr(0.4, 1.0))
    assert cocoons.max_cocoon_size_pc(n, R_d, h) == pytest.approx(expected, rel=0.02)


def test_size_bound_fills_the_disk():
    """At L_max the spheres' total volume equals the disk layer's volume."""
    n, R_d, h = 8000.0, 15.0, 0.1
    L = cocoons.max_cocoon_size_pc(n, R_d, h) / 1e3
    assert n * 4 / 3 * np.pi * L**3 == pytest.approx(np.pi * R_d**2 * 2 * h, rel=1e-12)


@pytest.mark.parametrize("delta", [1 / 3, 0.5, 1.0])
def test_cutoff_form_limits(delta):
    """advection_diffusion_cutoff: the power-law form times exp(-R/R_cut); R_cut -> inf gives the power-law form."""
    R = np.logspace(1, 7, 50)
    pl = grammage.grammage(R, "advection_diffusion", 0.4, 20.0, delta)
    assert grammage.grammage(R, "advection_diffusion_cutoff", 0.4, 20.0, delta, 1e12) == pytest.approx(pl, rel=1e-6)
    cut = grammage.grammage(R, "advection_diffusion_cutoff", 0.4, 20.0, delta, 500.0)
    assert cut == pytest.approx(pl * np.exp(-R / 5e5), rel=1e-12)


def test_power_law_slope_above_R0():
    """Far above R0 the advection-diffusion grammage falls as R^-delta (diffusive escape, D ~ R^delta)."""
    for name, delta in grammage.DIFFUSION_REGIMES.items():
        R = np.array([1e14, 1e15])  # GV, >> R0 = 20 TV: corrections ~ (R/R0)^-delta < 1e-3
        g = grammage.grammage(R, "advection_diffusion", 0.4, 20.0, delta)
        assert np.log(g[1] / g[0]) / np.log(10) == pytest.approx(-delta, rel=2e-3), name
