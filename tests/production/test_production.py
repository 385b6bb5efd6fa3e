"""Secondary production against independent oracles: naima (Kelner06), direct aafragpy calls, limits."""

import warnings

import astropy.units as u
import numpy as np
import pytest
from astropy.constants import c
from scipy.integrate import quad

from cocoonlib.core.units import M_PROTON_G
from cocoonlib.production import Production, flavours_at_earth, kelner, oscillation_matrix
from cocoonlib.source.grammage import grammage
from cocoonlib.source.injection import injection_spectra

SPECTRA = injection_spectra(eps_p=0.05, gamma_p=4.37, eps_He=0.025, gamma_He=4.31)


def chi(R):
    return grammage(R, "exponential", 0.4, 20.0)


def test_reference_values_of_the_kernels():
    """Reference values of an independent implementation (Methods, methods-kelner) and KAB06 sigma_inel."""
    assert kelner.F_gamma(0.1, 1e3) == pytest.approx(5.2649, rel=1e-4)
    assert kelner.F_gamma(0.01, 1e3) == pytest.approx(176.52, rel=1e-4)
    assert kelner.F_e(0.1, 1e3) == pytest.approx(1.8206, rel=1e-4)
    assert kelner.F_numu1(0.1, 1e3) == pytest.approx(1.2489, rel=1e-4)
    np.testing.assert_allclose(
        kelner.sigma_inel_mb([1e2, 1e3, 1e4, 1e5, 1e6]), [31.30, 34.30, 39.95, 48.26, 59.22], rtol=2e-4
    )
    assert kelner.E_THRESHOLD_GEV == pytest.approx(1.22, abs=0.005)


def test_energy_fractions():
    """Int x F dx at E_p = 1 TeV: ~0.166 for photons (KAB06); 0.061 / 0.050 for F_e / F_numu1 (an independent implementation; Methods, methods-kelner)."""
    frac = lambda f: quad(lambda x: x * f(x, 1e3), kelner.X_MIN, 1, limit=200)[0]  # noqa: E731
    assert frac(kelner.F_gamma) == pytest.approx(0.166, rel=0.015)  # 0.164 above x = 1e-3
    assert frac(kelner.F_e) == pytest.approx(0.0609, rel=0.02)
    assert frac(kelner.F_numu1) == pytest.approx(0.0497, rel=0.03)


def test_flavour_sums():
    x, Ep = np.logspace(-3, -0.01, 50), 1e4
    np.testing.assert_allclose(
        kelner.F_secondary("nu_all", x, Ep), kelner.F_secondary("nu_mu", x, Ep) + kelner.F_secondary("nu_e", x, Ep)
    )
    E = np.logspace(2, 5, 13)
    parts = [Production(s, "aafrag", E).emissivity(SPECTRA, chi)["total"] for s in ("nu_e", "nu_mu", "nu_all")]
    np.testing.assert_allclose(parts[0] + parts[1], parts[2], rtol=0.02)  # 'nu_all' is the sum of the four tables
    single = {
        s: Production(s, "aafrag", E).emissivity(SPECTRA, chi)["total"]
        for s in ("nu_e_only", "anti_nu_e", "nu_mu_only", "anti_nu_mu")
    }
    np.testing.assert_allclose(single["nu_e_only"] + single["anti_nu_e"], parts[0], rtol=1e-12)
    np.testing.assert_allclose(single["nu_mu_only"] + single["anti_nu_mu"], parts[1], rtol=1e-12)
    with pytest.raises(ValueError, match="aafrag"):
        Production("anti_nu_e", "kelner", E)


def test_kelner_against_naima():
    """Power-law protons: cocoonlib Kelner (with its delta approximation) vs naima PionDecayKelner06, 10 GeV-100 TeV."""
    from naima.models import PowerLaw
    from naima.radiative import PionDecayKelner06

    pl = PowerLaw(1e33 / u.eV, 1 * u.TeV, 2.5)
    Eg = np.logspace(1, 5, 9) * u.GeV
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = PionDecayKelner06(pl, nh=1 / u.cm**3)._spectrum(Eg).to(1 / (u.s * u.eV)).value
    prod = Production("gamma", "kelner", Eg.value)
    Q = prod.from_projectile_weights(pl(prod.Ep * u.GeV).to(1 / u.GeV).value)  # cm^2 GeV^-1 per unit density
    ours = (Q * c.cgs.value / (u.s * u.GeV)).to(1 / (u.s * u.eV)).value
    np.testing.assert_allclose(ours, ref, rtol=0.02)


@pytest.mark.parametrize(
    "secondary, code, channel", [("gamma", "gam", "p-p"), ("nu_all", "nu_all", "He-p"), ("gamma", "gam", "He-He")]
)
def test_aafrag_path_against_direct_aafragpy(secondary, code, channel):
    """Our AAfrag emissivity for one channel vs aafragpy.get_cross_section + get_spectrum on a fine grid (0.1 %)."""
    import aafragpy

    E = np.logspace(1, 4, 7)
    prod = Production(secondary, "aafrag", E, ism="H+He", per_decade=200)
    ours = prod.emissivity(SPECTRA, chi)[channel]
    proj, target = channel.split("-")
    sp = SPECTRA["H" if proj == "p" else "He"]
    lo = 4.0 if proj == "p" else 5.0
    Ep = np.logspace(np.log10(lo), 8, 2000)
    column = {"p": 1 / (M_PROTON_G * 1.4), "He": 0.1 / (M_PROTON_G * 1.4)}[target]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cs, Ep_out, Es = aafragpy.get_cross_section(code, channel, E_primaries=Ep, E_secondaries=E)
        direct = aafragpy.get_spectrum(Ep_out, Es, cs, sp.per_energy(Ep) * chi(sp.rigidity_GV(Ep)))
    direct = direct * 1e-27 * column
    np.testing.assert_allclose(ours, direct, rtol=1e-3)


def test_delta_approximation_joins_at_100_GeV():
    E = np.logspace(np.log10(50), np.log10(200), 61)
    q = Production("gamma", "kelner", E).emissivity(SPECTRA, chi)["total"]
    logq = np.log(q * E**2)
    jumps = np.abs(np.diff(logq))
    i = np.searchsorted(E, 100.0)
    assert jumps[i - 1] < 3 * np.median(jumps)  # no step at the junction


def test_aafrag_over_kelner_ratio():
    """An independent computation (Methods, methods-production-compared): AAfrag/Kelner p-p for the cocoon spectrum 1.07/0.94/0.83/0.62/0.35."""
    E = np.array([10.0, 100.0, 1e3, 1e4, 1e5])
    r = (
        Production("gamma", "aafrag", E).emissivity(SPECTRA, chi)["p-p"]
        / Production("gamma", "kelner", E).emissivity(SPECTRA, chi)["p-p"]
    )
    np.testing.assert_allclose(r, [1.07, 0.94, 0.83, 0.62, 0.35], rtol=0.04)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(secondary="nu_all", model="kelner", E_GeV=[10.0]), "100 GeV"),
        (dict(secondary="gamma", model="kelner", E_GeV=[1e3], ism="H+He"), "H\\+He"),
        (dict(secondary="photon", model="aafrag", E_GeV=[1e3]), "secondary"),
        (dict(secondary="gamma", model="sibyll", E_GeV=[1e3]), "production_model"),
    ],
)
def test_outside_validity_is_an_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Production(**kwargs)


def test_kelner_kernel_refuses_low_energies():
    with pytest.raises(ValueError, match="E >= 100"):
        kelner.kernel_matrix("gamma", [50.0], np.logspace(0, 6, 10), np.ones(10))


def test_helium_in_ism_changes_little():
    """He/H = 0.1 in the target: total within ~5 % of the all-hydrogen convention (Methods, methods-emissivity: ~0.96)."""
    E = np.logspace(1, 4, 7)
    h = Production("gamma", "aafrag", E, ism="H").emissivity(SPECTRA, chi)["total"]
    hhe = Production("gamma", "aafrag", E, ism="H+He").emissivity(SPECTRA, chi)["total"]
    assert np.all(np.abs(hhe / h - 1) < 0.08)


def test_oscillation_conserves_and_equalises():
    """Rows and columns of P sum to 1; pion-decay ratios 1:2:0 arrive within 5 % of 1:1:1."""
    P = oscillation_matrix()
    np.testing.assert_allclose(P.sum(0), 1, atol=1e-12)
    np.testing.assert_allclose(P.sum(1), 1, atol=1e-12)
    at_earth = flavours_at_earth(1.0, 2.0)
    np.testing.assert_allclose([at_earth[f] for f in ("nu_e", "nu_mu", "nu_tau")], 1.0, atol=0.05)


def test_aafragpy_leaves_global_state_alone():
    import subprocess
    import sys

    code = (
        "import warnings, sys; from cocoonlib.production import aafrag;"
        "n = len(warnings.filters); p = list(sys.path); aafrag.table_range_GeV('p-p');"
        "import numpy as np; aafrag.cross_section_matrix('gamma', 'p-p', [10.0], np.logspace(0.2, 3, 30));"
        "assert len(warnings.filters) == n and sys.path == p, 'global state changed'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("E", [0.1, 0.3, 3.0])
def test_delta_approximation_near_threshold_against_quadrature(E):
    """The delta-approximation matrix (KAB06 eqs. 77-78) on its 40-per-decade grid against adaptive quadrature
    of 2 sigma(E_p) E_p w(E_p) / sqrt(E_pi^2 - m_pi^2) in ln E_p, for w = E_p^-2.7; near the pion threshold a
    grid node below it must not enter (it did, with a singular weight, before this test)."""
    from scipy import integrate

    from cocoonlib.core.units import M_PI0_GEV, M_PROTON_GEV, MB_CM2
    from cocoonlib.production import kelner
    from cocoonlib.production.emissivity import _log_grid

    Ep, _ = _log_grid(kelner.E_THRESHOLD_GEV * 1.0001, 1e9, 40)
    w = Ep**-2.7
    got = kelner.delta_matrix([E], Ep)[0] @ w
    Epi_min = E + M_PI0_GEV**2 / (4 * E)
    u0 = np.log(M_PROTON_GEV + Epi_min / kelner.K_PI)

    def g(u):
        p = np.exp(u)
        Epi = kelner.K_PI * (p - M_PROTON_GEV)
        return 2 * kelner.sigma_inel_mb(p) * MB_CM2 * p * p**-2.7 / np.sqrt(Epi**2 - M_PI0_GEV**2)

    ref = integrate.quad(g, u0, np.log(1e9), limit=400, epsrel=1e-9)[0]
    assert np.isfinite(got) and got == pytest.approx(ref, rel=0.02)


@pytest.mark.parametrize(
    "model, secondary, ism",
    [
        ("kelner", "gamma", "H"),
        ("aafrag", "gamma", "H"),
        ("aafrag", "gamma", "H+He"),
        ("kelner", "nu_all", "H"),
        ("aafrag", "nu_all", "H"),
    ],
)
def test_grammage_operator_rebuilds_the_emissivity(model, secondary, ism):
    """Q = sum_ch M_ch (w_ch chi(R_ch)), n-tilde times the delta rows for Kelner: the emissivity for any grammage,
    including one so steep (R0 = 1 GV) that no projectile reaches 100 GeV photons (n-tilde = 1 there)."""
    E = np.logspace(0 if secondary == "gamma" else 2, 5, 25)
    prod = Production(secondary, model, E, ism=ism)
    op = prod.grammage_operator(SPECTRA)
    assert set(op["matrix"]) == set(prod.channels)
    for g in (
        chi,
        lambda R: grammage(R, "advection_diffusion", 0.7, 3.0, 1 / 3),
        lambda R: grammage(R, "exponential", 0.4, 1e-3),
    ):
        Q = 0.0
        for ch, M in op["matrix"].items():
            v = op["weights"][ch] * g(op["rigidity_GV"][ch])
            q = M @ v
            d = op["delta"]
            if d is not None:
                den = d["delta_100"] @ v
                q[d["rows"]] = (d["full_100"] @ v / den if den > 0 else 1.0) * (d["matrix"] @ v)
            Q = Q + q
        np.testing.assert_allclose(Q, prod.emissivity(SPECTRA, g)["total"], rtol=1e-12, atol=0.0)
    assert (op["delta"] is None) == (model == "aafrag" or secondary != "gamma")


class _MutableSpectrum:
    """A spectrum that is not a frozen dataclass (it could change between calls): never kept by a production."""

    def __init__(self, spectrum):
        self.spectrum = spectrum

    def __getattr__(self, name):
        return getattr(self.spectrum, name)


@pytest.mark.parametrize("model", ["kelner", "aafrag"])
def test_a_production_keeps_the_spectra_on_its_grid_and_gives_the_same_emissivities(model):
    """Emissivities at several R0 from one production (the spectra on its projectile grid kept after the first) equal
    those of a new production each time, exactly; a spectrum that is not a frozen dataclass is not kept."""
    E = np.geomspace(200.0, 1e5, 7)
    kept = Production("gamma", model, E)
    for R0 in (5.0, 20.0, 300.0):
        g = lambda R, R0=R0: grammage(R, "exponential", 0.4, R0)  # noqa: E731
        fresh = Production("gamma", model, E).emissivity(SPECTRA, g)["total"]
        assert np.array_equal(kept.emissivity(SPECTRA, g)["total"], fresh)
    n_kept = len(kept._grid_values)
    mutable = {k: _MutableSpectrum(s) for k, s in SPECTRA.items()}
    assert np.array_equal(kept.emissivity(mutable, chi)["total"], kept.emissivity(SPECTRA, chi)["total"])
    assert n_kept > 0 and len(kept._grid_values) == n_kept
