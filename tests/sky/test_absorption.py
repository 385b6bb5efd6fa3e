"""Pair production on the CMB: threshold, cross section, and the mean free path by a second integration order."""

import numpy as np
import pytest
import scipy.constants as sc
from scipy import integrate

from cocoonlib.core.units import KPC_CM
from cocoonlib.sky import absorption

ME = sc.physical_constants["electron mass energy equivalent in MeV"][0] * 1e6  # eV


def test_no_absorption_below_10_TeV():
    lam = absorption.cmb_absorption_length_kpc(np.logspace(1, 4, 13))
    assert np.all(lam > 1e8)  # > 100 Gpc: optical depth across the Galaxy < 1e-6


def test_breit_wheeler_threshold_and_peak():
    s = np.array([3.9, 4.0, 4.0001, 8.0, 1e4]) * ME**2
    sig = absorption.breit_wheeler_cm2(s)
    assert sig[0] == 0 and sig[1] == 0 and sig[2] > 0
    # maximum ~ 0.26 sigma_T at s ~ 8 m_e^2 (about twice the threshold)
    grid = np.linspace(4.01, 40, 4000) * ME**2
    vals = absorption.breit_wheeler_cm2(grid)
    sT = sc.physical_constants["Thomson cross section"][0] * 1e4
    assert vals.max() / sT == pytest.approx(0.256, abs=0.005)
    assert grid[np.argmax(vals)] / ME**2 == pytest.approx(8.0, rel=0.1)


@pytest.mark.parametrize("E_PeV", [0.5, 2.0, 10.0])
def test_mean_free_path_by_the_other_integration_order(E_PeV):
    """1/lambda = 1/(8 E^2) Int d eps n(eps)/eps^2 Int_{4 m^2}^{4 E eps} ds s sigma(s) (Gould & Schreder 1967),
    integrated with adaptive quadrature: an independent evaluation of the same physics."""
    E = E_PeV * 1e15
    kT = sc.k * absorption.T_CMB_K / sc.e
    hbarc = sc.hbar * sc.c / sc.e * 100

    def n(eps):
        return eps**2 / (np.pi**2 * hbarc**3) / np.expm1(eps / kT)

    def inner(eps):
        smax = 4 * E * eps
        if smax <= 4 * ME**2:
            return 0.0
        return integrate.quad(
            lambda ls: np.exp(2 * ls) * absorption.breit_wheeler_cm2(np.exp(ls)),
            np.log(4 * ME**2),
            np.log(smax),
            limit=200,
            epsrel=1e-8,
        )[0]

    eps_min = ME**2 / E
    val = integrate.quad(
        lambda le: np.exp(le) * n(np.exp(le)) / np.exp(2 * le) * inner(np.exp(le)),
        np.log(eps_min),
        np.log(60 * kT),
        limit=400,
        epsrel=1e-7,
    )[0] / (8 * E**2)
    lam_ref = 1 / (val * KPC_CM)
    assert absorption.cmb_absorption_length_kpc([E / 1e9])[0] == pytest.approx(lam_ref, rel=2e-3)


def test_absorption_length_minimum_against_a_published_table():
    """The CRPropa3-data table data/EleCa/interactionlength_CMB.txt (commit e64896c; EleCa code, Settimo & De
    Domenico 2015) gives the largest pair-production rate on the CMB, 141.52 per Mpc, at log10(E/eV) = 15.34:
    a mean free path of 7.066 kpc at 2.19 PeV. The issue asks for 10 %; the two agree far better."""
    E = np.logspace(np.log10(1.5e6), np.log10(3.2e6), 61)
    lam = absorption.cmb_absorption_length_kpc(E)
    i = np.argmin(lam)
    assert lam[i] == pytest.approx(1e3 / 141.52, rel=0.01)
    assert E[i] == pytest.approx(10**15.34 / 1e9, rel=0.05)


def test_cmb_temperature_is_astropys_planck18():
    """T_CMB is read from astropy's Planck18 table without importing astropy.cosmology: same value."""
    from astropy.cosmology import Planck18

    assert absorption.T_CMB_K == Planck18.Tcmb0.to_value("K")
