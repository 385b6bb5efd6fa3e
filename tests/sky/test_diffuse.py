"""Diffuse intensities: the uniform-sea identity, window averages, absorption, and the chapter's sky."""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from scipy import integrate

from cocoonlib.book import chapters
from cocoonlib.book.params import ParameterError, from_params
from cocoonlib.core.geometry import WINDOWS, SkyWindow, SunCentredRays, line_of_sight_integral
from cocoonlib.core.units import MB_CM2
from cocoonlib.production import Production, kelner
from cocoonlib.sky import diffuse, gas, local_cr
from cocoonlib.stats import compare

SIGMA = 5.0


@dataclass(frozen=True)
class GaussianAroundSun(SunCentredRays):
    """n = exp(-(d/5 kpc)^2) around the Sun: every line of sight has the column 5 sqrt(pi)/2 kpc."""

    R_sun: float = 8.5

    def density(self, r, z):  # unused: ray_density is overridden
        raise NotImplementedError

    def ray_density(self, s_kpc, l_rad, b_rad):
        return np.exp(-((np.asarray(s_kpc) / SIGMA) ** 2))

    def ray_bounds_kpc(self):
        return 40.0, 40.0  # far beyond the Gaussian


@pytest.mark.parametrize("window", [WINDOWS["inner"], WINDOWS["outer"], SkyWindow("odd", 200.0, 260.0, 20.0, 60.0)])
def test_isotropic_emission_gives_the_same_intensity_in_every_window(window):
    field = GaussianAroundSun()
    per_sr = line_of_sight_integral(field, window) / window.solid_angle_sr
    assert per_sr == pytest.approx(SIGMA * np.sqrt(np.pi) / 2, rel=1e-5)
    # with absorption: Int exp(-(s/sigma)^2 - s/lambda) ds = sigma sqrt(pi)/2 exp(a^2) erfc(a), a = sigma/(2 lambda)
    lam = np.array([3.0, 10.0, np.inf])
    att = line_of_sight_integral(field, window, absorption_length_kpc=lam) / window.solid_angle_sr
    a = SIGMA / (2 * lam)
    exact = SIGMA * np.sqrt(np.pi) / 2 * np.exp(a**2) * np.array([math.erfc(x) for x in a])
    assert np.allclose(att, exact, rtol=1e-5)


def test_J_and_columns_add_up_over_a_split_window():
    disk = from_params.cocoon_disk()
    g = gas.gas_model("nakanishi_sofue")
    whole, a, b = SkyWindow("w", 15, 125, -5, 5), SkyWindow("a", 15, 70, -5, 5), SkyWindow("b", 70, 125, -5, 5)
    lam = np.array([3.0, 30.0, np.inf])
    for field in (disk, g):
        J = [line_of_sight_integral(field, w, absorption_length_kpc=lam) for w in (whole, a, b)]
        assert np.allclose(J[0], J[1] + J[2], rtol=1e-4)
    # the mean column is the solid-angle weighted mean of the halves
    cols = [diffuse.effective_column_cm2(g, w, None) for w in (whole, a, b)]
    assert cols[0] == pytest.approx(
        (cols[1] * a.solid_angle_sr + cols[2] * b.solid_angle_sr) / whole.solid_angle_sr, rel=1e-4
    )


def test_absorption_lengths_must_be_positive():
    with pytest.raises(ValueError, match="absorption_length_kpc"):
        line_of_sight_integral(from_params.cocoon_disk(), WINDOWS["inner"], absorption_length_kpc=[0.0])


def test_uniform_sea_weighting_is_the_gas_itself():
    g = gas.gas_model("galprop")
    uniform = diffuse.sea_columns(g, diffuse.UniformSea(), WINDOWS["outer"], None)
    assert uniform == pytest.approx([gas.window_column_cm2(g, WINDOWS["outer"])], rel=1e-12)
    steep = diffuse.sea_from_name("sources", from_params.cocoon_disk())
    assert steep.basis("H", 8.5, 0.0)[0] == pytest.approx(1.0)
    assert diffuse.sea_columns(g, steep, WINDOWS["inner"], None)[0] > gas.window_column_cm2(g, WINDOWS["inner"])
    with pytest.raises(ValueError, match="cr_sea = 'steep' is not allowed"):
        diffuse.sea_from_name("steep")


def test_resolved_emissivity_of_a_sea_equal_to_the_local_one_is_the_local_emissivity():
    """dge_intensity_resolved with g = 1 at every rigidity node (the Sun) must give q N / 4 pi for both production
    models: the resolution by projectile only redistributes the same emissivity."""
    shape = local_cr.SpectrumShape(K=0.045, gamma=2.7, R_h=500.0, dg_h=-0.2, R_s=2e4, dg_s=0.3)
    fluxes = {"H": local_cr.LocalFlux(local_cr.PROTON, shape), "He": local_cr.LocalFlux(local_cr.HELIUM, shape)}
    E = np.logspace(0, 6, 25)
    nodes = np.geomspace(0.5, 1e9, 40)
    column = np.full((E.size, nodes.size), 3.0e21)
    for model, ism in (("aafrag", "H+He"), ("kelner", "H")):
        prod = Production("gamma", model, E, ism=ism)
        q = prod.rate_per_H_atom(fluxes)["total"]
        I = diffuse.dge_intensity_resolved(prod.response_per_H_atom(fluxes), {"H": column, "He": column}, nodes)
        assert I == pytest.approx(q * 3.0e21 / (4 * np.pi), rel=1e-12)


def test_rate_per_H_atom_against_a_direct_integration():
    """q(E) = Int dE_p 4 pi j(E_p) sigma(E_p) F(E/E_p, E_p)/E_p (Kelner 2006 eq. 71) for a pure proton
    power law, by adaptive quadrature, against the Production matrices."""
    shape = local_cr.SpectrumShape(K=0.045, gamma=2.7, R_h=1e9, dg_h=-0.01, R_s=1e10, dg_s=0.01)
    zero_he = local_cr.SpectrumShape(K=0.0, gamma=2.7, R_h=1e9, dg_h=-0.01, R_s=1e10, dg_s=0.01)
    fluxes = {"H": local_cr.LocalFlux(local_cr.PROTON, shape), "He": local_cr.LocalFlux(local_cr.HELIUM, zero_he)}
    E = np.array([300.0, 3e3, 3e4])
    q = Production("gamma", "kelner", E).rate_per_H_atom(fluxes)["total"]
    for Ei, qi in zip(E, q):

        def f(lnEp, Ei=Ei):
            Ep = np.exp(lnEp)
            return fluxes["H"].per_energy(Ep) * kelner.sigma_inel_mb(Ep) * MB_CM2 * kelner.F_gamma(Ei / Ep, Ep)

        ref = integrate.quad(f, np.log(max(Ei, kelner.E_P_MIN_GEV)), np.log(1e9), limit=400, epsrel=1e-8)[0]
        assert qi == pytest.approx(ref, rel=5e-3)


def test_dge_and_cocoon_intensity_units():
    # I_c = Q J / (4 pi Omega) with 1/(yr kpc^2) = 3.3281e-51 /(s cm^2), the number of Methods, methods-intensity
    assert diffuse.cocoon_intensity(4 * np.pi, 1.0, 1.0) == pytest.approx(3.3281e-51, rel=1e-4)


def test_chi2_uses_the_error_on_the_side_of_the_model():
    import pandas as pd

    d = pd.DataFrame({"E_GeV": [1e4], "E2_flux": [1.0], "E2_err_lo": [0.1], "E2_err_hi": [0.5], "upper_limit": [False]})
    E = np.array([1e3, 1e5])
    assert compare.chi2_against(d, E, np.array([2.0, 2.0])) == pytest.approx(4.0)
    assert compare.chi2_against(d, E, np.array([0.5, 0.5])) == pytest.approx(25.0)
    best, t = compare.best_chi2_in_band(d, E, np.full(2, 0.5), np.full(2, 2.0))
    assert best == pytest.approx(0.0, abs=1e-3) and t == pytest.approx(1 / 3, abs=0.01)
    assert diffuse.photon_index(E, E**-2.7, 2e3, 2e4) == pytest.approx(2.7)


@pytest.fixture(scope="module")
def sky(mirror):
    return from_params.gamma_sky(chapters.chapter_parameters("gamma", {}), compare_seas=True)


def test_sky_uniform_sea_identity(sky):
    """Without absorption (below 10 TeV) the DGE of the uniform sea is exactly N_H q / 4 pi, times the mask factor."""
    below = sky.E < 1e4
    for w in sky.windows:
        for v in local_cr.KNEE_VARIANTS:
            expected = sky.mask[w] * sky.E**2 * sky.q["aafrag", v] * sky.columns_unabsorbed["galprop"][w] / (4 * np.pi)
            assert np.allclose(sky.pi0(w, "galprop", v, sea="uniform")[below], expected[below], rtol=1e-12)
            assert np.all(sky.dge(w, "galprop", v, sea="uniform") > sky.pi0(w, "galprop", v, sea="uniform"))  # + IC


def test_sky_transport_sea_at_high_energy_is_the_weighted_column(sky):
    """Above ~10 TV the transport sea no longer depends on rigidity: between 1 and 10 TeV (no absorption) its DGE is
    the uniform one times the ratio of the g-weighted to the plain column at the top rigidity node."""
    band = (sky.E > 1e3) & (sky.E < 1e4)
    for w in sky.windows:
        _, weighted = sky.sea_columns["transport", "galprop", w, "H"]
        ratio = sky.pi0(w, "galprop", "max", sea="transport") / sky.pi0(w, "galprop", "max", sea="uniform")
        assert ratio[band] == pytest.approx(weighted[-1] / sky.columns_unabsorbed["galprop"][w], rel=2e-3)
    assert sky.cr_density_ratio([8.5])[0] == pytest.approx(1.0, abs=1e-12)
    assert sky.cr_density_ratio([4.0])[0] > 1.5 > 0.6 > sky.cr_density_ratio([12.0])[0]


def test_sky_mask_absorption_and_linearity(mirror, sky):
    P = chapters.chapter_parameters("gamma", {})
    other = from_params.gamma_sky({**P, "chi0": 0.8, "cmb_absorption": "off"})
    below = sky.E < 1e4
    # cocoons: linear in chi0 (the letter's mask factor: tests/io/test_regions.py)
    assert np.allclose(other.cocoon("inner")[below], 2 * sky.cocoon("inner")[below], rtol=1e-9)
    # absorption: none below 10 TeV, at 2 PeV a clear loss
    assert np.allclose(other.dge("outer")[below], sky.dge("outer")[below], rtol=1e-12)
    i = np.argmin(abs(sky.E - 2e6))
    assert sky.dge("outer")[i] < 0.9 * other.dge("outer")[i]


def test_cocoon_fraction_is_between_zero_and_one(sky):
    for w in sky.windows:
        f1, f10 = sky.cocoon_fraction(w, 1e3), sky.cocoon_fraction(w, 1e4)
        assert 0 < f10 < f1 < 1  # the cocoons fade above R0 = 20 TV


def test_with_cocoons_equals_a_full_rebuild(mirror, sky):
    """GammaSky.with_cocoons changes only the cocoon emissivity: it must equal a sky built from scratch with
    the same change (a second, independent route), leave the DGE alone, and refuse non-cocoon parameters."""
    P = chapters.chapter_parameters("gamma", {})
    for change in (
        {"R0": 50.0},
        {"grammage_model": "advection_diffusion", "delta": 0.5},
        {"grammage_model": "advection_diffusion_cutoff", "R_cut": 300.0},
    ):
        fast = sky.with_cocoons(**change)
        full = from_params.gamma_sky({**P, **change})
        for w in sky.windows:
            assert fast.cocoon(w) == pytest.approx(full.cocoon(w), rel=1e-12)
            assert np.array_equal(fast.dge(w), sky.dge(w))
    assert sky.with_cocoons(chi0=0.2).cocoon("inner") == pytest.approx(0.5 * sky.cocoon("inner"), rel=1e-12)
    # changes made one after the other add up: the second keeps the form and slope of the first
    form = sky.with_cocoons(grammage_model="advection_diffusion", delta=0.5)
    assert form.with_cocoons(chi0=0.2).cocoon("inner") == pytest.approx(0.5 * form.cocoon("inner"), rel=1e-12)
    with pytest.raises(ParameterError, match="gas_model"):
        sky.with_cocoons(gas_model="galprop")
    with pytest.raises(ParameterError, match="R0"):
        sky.with_cocoons(R0=-1.0)
    assert sky.with_cocoons(R0=0.001).at(sky.with_cocoons(R0=0.001).cocoon("inner"), 1e3) < 1e-20  # no NaN


def test_loglog_interp_rows_equal_numpy_interp_row_by_row():
    """The vectorised (one curve per row) interpolation against np.interp applied to each row."""
    from cocoonlib.core.numerics import loglog_interp

    rng = np.random.default_rng(3)
    xp = np.geomspace(1.0, 1e6, 50)
    fp = np.exp(rng.normal(size=(7, 50))) * xp**-2.0
    fp[2, 40:] = 0.0  # a cut-off: zeros are floored as in the 1-D case
    x = np.concatenate([[0.5, 1.0], rng.uniform(1, 1e6, 20), [1e6, 3e6]])  # inside, on the ends and beyond
    rows = loglog_interp(x, xp, fp)
    assert rows.shape == (7, x.size)
    for k in range(7):
        assert rows[k] == pytest.approx(loglog_interp(x, xp, fp[k]), rel=1e-12, abs=1e-290)


def test_best_chi2_in_band_equals_the_loop_over_curves():
    E = np.geomspace(10, 1e6, 80)
    lo, hi = 1e-8 * (E / 10) ** -0.7, 3e-8 * (E / 10) ** -0.6
    data = pd.DataFrame(
        {
            "E_GeV": [3e4, 1e5, 3e5, 1e6],
            "E2_flux": [1.5e-10, 8e-11, 4e-11, 3e-11],
            "E2_err_lo": [2e-11] * 4,
            "E2_err_hi": [3e-11] * 4,
            "upper_limit": [False] * 3 + [True],
        }
    )
    best, t = compare.best_chi2_in_band(data, E, lo, hi, n=51)
    loop = [compare.chi2_against(data, E, lo + s * (hi - lo)) for s in np.linspace(0, 1, 51)]
    assert best == pytest.approx(min(loop), rel=1e-12) and t == pytest.approx(np.linspace(0, 1, 51)[np.argmin(loop)])


def test_integral_emissivity_of_a_power_law_against_the_closed_form():
    """q = E^-2.7 per GeV per s: q(>E_th)/4 pi = E_th^-1.7 / (1.7 4 pi) (grid ends far above, trapezoids in ln E)."""
    E = np.logspace(-1, 4, 2001)
    got = diffuse.integral_emissivity_per_sr(E, E**-2.7, [0.1, 1.0])
    want = (np.array([0.1, 1.0]) ** -1.7 - 1e4**-1.7) / (1.7 * 4 * np.pi)
    assert got == pytest.approx(want, rel=1e-5)


def test_hardness_counts_only_beyond_the_margin():
    assert diffuse.hardness(2.70, 2.71) == "harder than"
    assert diffuse.hardness(2.71, 2.70) == "softer than"
    assert diffuse.hardness(2.702, 2.705) == "as hard as"


def test_semilog_interp_is_linear_in_log_x_and_exact_at_the_nodes():
    from cocoonlib.core.numerics import semilog_interp

    xp = np.array([1.0, 10.0, 100.0])
    fp = np.array([2.0, 4.0, 1.0])
    assert semilog_interp(xp, xp, fp) == pytest.approx(fp, rel=0, abs=0)
    assert semilog_interp(np.sqrt(10.0), xp, fp) == pytest.approx(3.0, rel=1e-12)  # half way in ln x
    assert semilog_interp([0.1, 1e3], xp, fp) == pytest.approx([2.0, 1.0])  # constant beyond the ends
