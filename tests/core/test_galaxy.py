"""Cocoon density and line-of-sight integrals against closed forms and a second method."""

import numpy as np
import pytest
from scipy import integrate, special

from cocoonlib.book.params import from_params
from cocoonlib.core.geometry import WINDOWS, SkyWindow, column_per_longitude, line_of_sight_integral
from cocoonlib.source.cocoon_disk import CocoonDisk, allsky_integral_volume

DISKS = {
    "default": from_params.cocoon_disk(),
    "uniform slab": from_params.cocoon_disk(z_profile="uniform", h_disk=0.2),
    "small disk, steep": from_params.cocoon_disk(R_disk=10.0, alpha=2.0, beta=5.0, z0=0.05, h_disk=0.5, R_SN=0.02),
}


@pytest.mark.parametrize("disk", DISKS.values(), ids=DISKS.keys())
def test_volume_integral_is_supernova_rate(disk):
    """[AESB25] eq. 2: the volume integral of rho is R_SN (independent 2-D quadrature)."""
    val = integrate.dblquad(
        lambda z, r: 2 * np.pi * r * disk.density(r, z), 0, disk.R_disk, -disk.h_disk, disk.h_disk, epsrel=1e-10
    )[0]
    assert val == pytest.approx(disk.R_SN, rel=1e-7)


def test_unbounded_radial_integral_closed_form():
    """2 pi e^beta Gamma(alpha+2) R_sun^2 beta^-(alpha+2) = 723.6 kpc^2 for the Green parameters."""
    d = from_params.cocoon_disk(R_disk=200.0)
    closed = 2 * np.pi * np.exp(d.beta) * special.gamma(d.alpha + 2) * d.R_sun**2 * d.beta ** (-(d.alpha + 2))
    assert closed == pytest.approx(723.595, abs=1e-3)
    assert d.radial_integral_kpc2() == pytest.approx(closed, rel=1e-9)


@pytest.mark.parametrize("R_disk, expected", [(10.0, 592.87), (15.0, 696.58), (20.0, 718.90)])
def test_finite_radial_integral_incomplete_gamma(R_disk, expected):
    """Finite disk: the unbounded closed form times the regularised lower incomplete gamma function."""
    d = from_params.cocoon_disk(R_disk=R_disk)
    closed = (
        2
        * np.pi
        * np.exp(d.beta)
        * special.gamma(d.alpha + 2)
        * d.R_sun**2
        * d.beta ** (-(d.alpha + 2))
        * special.gammainc(d.alpha + 2, d.beta * R_disk / d.R_sun)
    )
    assert d.radial_integral_kpc2() == pytest.approx(closed, rel=1e-9)
    assert closed == pytest.approx(expected, abs=0.01)  # independent values (Methods, methods-cocoon-density)


def test_local_density_reference_value():
    """Methods, methods-cocoon-density: rho(R_sun, 0) = 2.3928e-4 per yr per kpc^3 for the default set."""
    assert from_params.cocoon_disk().rho0 == pytest.approx(2.3928e-4, rel=1e-4)


@pytest.mark.parametrize("disk", DISKS.values(), ids=DISKS.keys())
def test_allsky_two_methods_agree(disk):
    """Ray casting over the sky and the Sun-centred volume integral (azimuth in closed form) agree."""
    J_rays = line_of_sight_integral(disk, WINDOWS["allsky"])
    assert J_rays == pytest.approx(allsky_integral_volume(disk), rel=2e-5)


def test_mirror_symmetry_in_longitude():
    """An axisymmetric profile gives the same J for l -> -l."""
    d = from_params.cocoon_disk()
    for w in (WINDOWS["inner"], SkyWindow("odd", 3.0, 41.0, -2.0, 7.0)):
        assert line_of_sight_integral(d, w) == pytest.approx(line_of_sight_integral(d, w.mirrored()), rel=1e-10)


def test_additivity_of_windows():
    """J is additive: inner + outer = 15-235 deg, and two half skies make the whole sky."""
    d = from_params.cocoon_disk()
    both = SkyWindow("15-235", 15.0, 235.0, -5.0, 5.0)
    assert line_of_sight_integral(d, WINDOWS["inner"]) + line_of_sight_integral(d, WINDOWS["outer"]) == pytest.approx(
        line_of_sight_integral(d, both), rel=1e-7
    )
    halves = [SkyWindow("a", 0, 180, -90, 90), SkyWindow("b", 180, 360, -90, 90)]
    assert sum(line_of_sight_integral(d, w) for w in halves) == pytest.approx(
        line_of_sight_integral(d, WINDOWS["allsky"]), rel=1e-6
    )


def test_pole_window_closed_form():
    """Looking straight up, the column is rho0 z0 (1 - exp(-h/z0)); a small cap around b = 90 deg gives it times Omega."""
    d = from_params.cocoon_disk()
    cap = SkyWindow("cap", 0.0, 360.0, 89.0, 90.0)
    column = d.rho0 * d.z0 * -np.expm1(-d.h_disk / d.z0)
    assert line_of_sight_integral(d, cap) == pytest.approx(column * cap.solid_angle_sr, rel=2e-4)


def test_solid_angles():
    assert WINDOWS["allsky"].solid_angle_sr == pytest.approx(4 * np.pi, rel=1e-12)
    assert WINDOWS["inner"].solid_angle_sr == pytest.approx(0.33465, rel=1e-4)  # Methods, methods-sky-windows


def test_grid_convergence():
    d = from_params.cocoon_disk()
    for w in WINDOWS.values():
        assert line_of_sight_integral(d, w, 2) == pytest.approx(line_of_sight_integral(d, w, 1), rel=1e-5)


def test_longitude_profile_integrates_to_window():
    """Summing dJ/dl over 1-degree bins reproduces J of the window."""
    d = from_params.cocoon_disk()
    l = np.arange(15.0, 125.0, 0.25) + 0.125
    assert np.sum(column_per_longitude(d, l)) * 0.25 == pytest.approx(
        line_of_sight_integral(d, WINDOWS["inner"]), rel=1e-3
    )


def test_line_of_sight_integral_of_several_densities_at_once():
    """A density with a leading axis (as the cosmic-ray-weighted gas of the transport sea) gives one integral per
    entry, with and without absorption, equal to integrating each density alone."""
    from dataclasses import dataclass

    import numpy as np

    from cocoonlib.core.geometry import WINDOWS, line_of_sight_integral

    disk = from_params.cocoon_disk()

    @dataclass(frozen=True)
    class Stacked(CocoonDisk):
        def density(self, r_kpc, z_kpc):
            rho = CocoonDisk.density(self, r_kpc, z_kpc)
            return np.stack([rho, rho * np.exp(-np.asarray(r_kpc) / 5.0)])

    @dataclass(frozen=True)
    class Second(CocoonDisk):
        def density(self, r_kpc, z_kpc):
            return CocoonDisk.density(self, r_kpc, z_kpc) * np.exp(-np.asarray(r_kpc) / 5.0)

    fields = {k: getattr(disk, k) for k in CocoonDisk.__dataclass_fields__}
    stacked, second = Stacked(**fields), Second(**fields)
    w, lam = WINDOWS["inner"], np.array([2.0, 30.0, np.inf])
    both = line_of_sight_integral(stacked, w)
    assert both == pytest.approx([line_of_sight_integral(disk, w), line_of_sight_integral(second, w)], rel=1e-12)
    both = line_of_sight_integral(stacked, w, absorption_length_kpc=lam)
    assert both.shape == (3, 2)
    assert both[:, 0] == pytest.approx(line_of_sight_integral(disk, w, absorption_length_kpc=lam), rel=1e-12)
    assert both[:, 1] == pytest.approx(line_of_sight_integral(second, w, absorption_length_kpc=lam), rel=1e-12)
