"""The sky as LHAASO measured it (source masks from the 1LHAASO catalog) and the inverse Compton part of the DGE,
each against an independent check: closed forms, a brute-force pixel sum, the Thomson limit of Blumenthal &
Gould (1970) and a direct integration of the Klein-Nishina cross section."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import special
from scipy.constants import c, e, hbar, k, m_e, physical_constants

from cocoonlib.core import geometry
from cocoonlib.core.masks import SourceMask, lagrange_matrix
from cocoonlib.io import data

INNER = geometry.WINDOWS["inner"]


def cap_sr(radius_deg):
    """Solid angle of a circle of angular radius r on the sphere: 2 pi (1 - cos r)."""
    return 2 * np.pi * (1 - np.cos(np.radians(radius_deg)))


@pytest.mark.parametrize("l0, b0, r", [(60.0, 0.5, 1.5), (100.0, -2.0, 0.4), (30.0, 3.0, 1.0)])
def test_one_circle_on_a_uniform_sky_removes_its_cap(l0, b0, r):
    masked = INNER.with_mask(SourceMask("one", ((l0, b0, r),)))
    expected = INNER.box_solid_angle_sr - cap_sr(r)
    assert masked.solid_angle_sr == pytest.approx(expected, rel=2e-5)
    _, _, W = geometry.window_quadrature(masked, 1)
    assert W.sum() == pytest.approx(masked.solid_angle_sr, rel=1e-12)  # the Lagrange polynomials sum to one


def test_two_overlapping_circles_count_their_overlap_once():
    a, b = (60.0, 0.0, 1.0), (61.0, 0.0, 1.0)
    one, two = (INNER.with_mask(SourceMask("m", circles)).solid_angle_sr for circles in ((a,), (a, b)))
    # flat-sky lens where two circles of radius r with centres d apart overlap (small circles near b = 0)
    d, rr = np.radians(1.0), np.radians(1.0)
    lens = 2 * rr**2 * np.arccos(d / (2 * rr)) - 0.5 * d * np.sqrt(4 * rr**2 - d**2)
    assert one - two == pytest.approx(cap_sr(1.0) - lens, rel=2e-3)


def test_the_masked_quadrature_of_a_smooth_sky_matches_a_pixel_sum():
    mask = SourceMask("two", ((60.0, 0.5, 1.5), (90.0, -1.0, 0.8)))
    l, b, W = geometry.window_quadrature(INNER.with_mask(mask), 1)

    def f(l_deg, b_deg):
        return np.exp(-((b_deg / 1.0) ** 2)) * (1 + 0.5 * np.cos(np.radians(l_deg)))

    quad = np.sum(W * f(l[:, None], b[None, :]))
    step = 0.01
    lf, bf = np.arange(15, 125, step) + step / 2, np.arange(-5, 5, step) + step / 2
    L, B = np.meshgrid(lf, bf, indexing="ij")
    brute = np.sum(f(L, B) * ~mask.covers(L, B) * np.cos(np.radians(B))) * np.radians(step) ** 2
    assert quad == pytest.approx(brute, rel=1e-4)


def test_without_a_mask_the_weights_are_the_gauss_legendre_product():
    l, b, W = geometry.window_quadrature(INNER, 1)
    wl = geometry._gauss_segments(geometry._longitude_edges(15, 125), 4)[1]
    wb = geometry._gauss_segments(geometry._latitude_edges(-5, 5), 4)[1]
    assert np.allclose(W, np.outer(np.radians(wl), np.radians(wb) * np.cos(np.radians(b))), rtol=1e-14)
    assert W.sum() == pytest.approx(INNER.solid_angle_sr, rel=1e-12)


def test_lagrange_polynomials_interpolate_their_nodes_and_sum_to_one():
    nodes = np.array([0.1, 0.4, 0.7, 0.95])
    assert np.allclose(lagrange_matrix(nodes, nodes), np.eye(4))
    assert np.allclose(lagrange_matrix(np.linspace(0, 1, 17), nodes).sum(axis=1), 1.0)


def test_a_masked_window_mirrors_with_its_mask():
    masked = INNER.with_mask(SourceMask("one", ((60.0, 0.5, 1.5),)))
    assert masked.mirrored().mask.circles == ((-60.0, 0.5, 1.5),)
    assert masked.mirrored().solid_angle_sr == pytest.approx(masked.solid_angle_sr, rel=1e-9)


def test_a_synthetic_one_source_catalog_gives_the_rule_radius(monkeypatch):
    from cocoonlib.sky import masks

    fake = pd.DataFrame({"l_deg": [300.0 - 240.0], "b_deg": [0.2], "r39_deg": [np.nan], "r39_ul_deg": [0.4]})
    monkeypatch.setattr(masks, "load_lhaaso_catalog", lambda detector=None: fake)
    m = masks.catalog_mask(INNER, "KM2A", 2.5, 0.3)
    ((l0, b0, r),) = m.circles
    assert (l0, b0) == (60.0, 0.2) and r == pytest.approx(2.5 * np.hypot(0.4, 0.3))
    window = INNER.with_mask(m)
    assert window.solid_angle_sr == pytest.approx(INNER.box_solid_angle_sr - cap_sr(r), rel=2e-5)


def test_bad_mask_settings_are_one_line_errors():
    from cocoonlib.book.params import ParameterError, validate
    from cocoonlib.sky import masks

    with pytest.raises(ParameterError, match="window_mask"):
        validate({"window_mask": "fermi"}, ("window_mask",))
    with pytest.raises(ParameterError, match="mask_radius_factor"):
        validate({"mask_radius_factor": -1.0}, ("mask_radius_factor",))
    with pytest.raises(ValueError, match="mask_detector"):
        masks.catalog_mask(INNER, "HAWC", 2.5, 0.3)


def test_the_1lhaaso_catalog_has_its_sources_in_galactic_coordinates(mirror):
    from cocoonlib.io.catalogs import load_lhaaso_catalog

    t = load_lhaaso_catalog()
    assert t.source.nunique() == 90 and set(t.detector) == {"KM2A", "WCDA"}
    crab = t[(t.source == "1LHAASO J0534+2200u") & (t.detector == "KM2A")].iloc[0]
    assert (crab.l_deg, crab.b_deg) == pytest.approx((184.56, -5.78), abs=0.05)  # the Crab in Galactic coordinates
    assert (np.isfinite(t.r39_deg) | np.isfinite(t.r39_ul_deg)).all()


def test_a_catalog_with_one_changed_byte_is_an_error(mirror, tmp_path, monkeypatch):
    from cocoonlib.io import catalogs

    name = catalogs.LHAASO_CATALOG
    raw = bytearray((mirror / name).read_bytes())
    raw[-10] ^= 1
    (tmp_path / name).parent.mkdir(parents=True)
    (tmp_path / name).write_bytes(bytes(raw))
    monkeypatch.setenv(data.MIRROR_ENV, str(tmp_path))
    catalogs._components.cache_clear()
    with pytest.raises(data.DataIntegrityError, match=re.escape(name)):
        catalogs.load_lhaaso_catalog()
    catalogs._components.cache_clear()


def test_the_catalog_masks_of_the_book_remove_more_gas_and_cocoons_than_sky(mirror):
    """The sources sit where the gas and the cocoons are densest: a property of the masks, not a tuning."""
    from cocoonlib.book import params
    from cocoonlib.book.chapters import CHAPTERS
    from cocoonlib.book.params import from_params
    from cocoonlib.sky import gas, masks

    P = params.validate({}, CHAPTERS["gamma"].parameters)
    masked = from_params.sky_windows(P, ("inner",))["inner"]
    f = masks.masked_fractions(
        INNER, masked, disk=from_params.cocoon_disk(P), gas_field=gas.gas_model(P["gas_model"], P["R_sun"])
    )
    assert 0.1 < f["solid_angle"] < f["gas"] < 1 and f["solid_angle"] < f["J"] < 1


# --- inverse Compton ---------------------------------------------------------------------------------------------
R0 = physical_constants["classical electron radius"][0]  # m
SIGMA_T = physical_constants["Thomson cross section"][0]  # m^2
MC2_EV = m_e * c**2 / e


def thomson_power_law_on_blackbody(E_gamma_eV, K_per_m3, p, T_K):
    """Blumenthal & Gould (1970) eq. 2.65: photons per (m^3 s eV) from N(gamma) = K gamma^-p [m^-3] on a
    blackbody of temperature T in the Thomson limit."""
    kT = k * T_K / e
    F = (
        2 ** (p + 3)
        * (p**2 + 4 * p + 11)
        / ((p + 3) ** 2 * (p + 5) * (p + 1))
        * special.gamma((p + 5) / 2)
        * special.zeta((p + 5) / 2)
    )
    return R0**2 / (np.pi * (hbar / e) ** 3 * c**2) * K_per_m3 * kT ** ((p + 5) / 2) * F * E_gamma_eV ** (-(p + 1) / 2)


def test_the_thomson_closed_form_is_the_integral_of_the_thomson_kernel():
    """The closed form above against a direct integration of the Thomson kernel f(x) = 2x ln x + x + 1 - 2x^2
    (which integrates to the Thomson rate sigma_T c n and the power 4/3 sigma_T c gamma^2 U)."""
    p, T = 3.0, 2.7255
    kT = k * T / e
    E1 = 1e8
    eps = np.logspace(np.log10(kT) - 4, np.log10(kT) + 2.5, 500)
    n_bb = eps**2 / (np.pi**2 * (hbar * c / e) ** 3) / np.expm1(eps / kT)
    inner = []
    for x_eps in eps:
        g = np.logspace(0.5 * np.log10(E1 / (4 * x_eps)), 0.5 * np.log10(E1 / (4 * x_eps)) + 6, 3000)
        x = E1 / (4 * g**2 * x_eps)
        f = 2 * x * np.log(x) + x + 1 - 2 * x**2
        inner.append(np.trapezoid(g**-p * 3 * SIGMA_T * c / (4 * g**2 * x_eps) * f * g, np.log(g)))
    direct = np.trapezoid(np.array(inner) * n_bb * eps, np.log(eps))
    assert direct == pytest.approx(thomson_power_law_on_blackbody(E1, 1.0, p, T), rel=1e-3)


def test_our_emissivity_meets_the_thomson_limit_on_the_cmb(mirror):
    """cocoonlib.sky.inverse_compton.ic_emissivity for a pure power law (no break) on the CMB, where 0.1-10 GeV
    photons are Thomson-scattered by electrons far inside the integrated range."""
    from cocoonlib.sky import inverse_compton as ic
    from cocoonlib.sky.leptons import E_REF_GEV, ElectronSpectrum

    p = 3.0
    spectrum = ElectronSpectrum(K=1e-4, g1=p, g2=p, E_break_GeV=1e3)
    cmb = ic.local_isrf()[0]
    E = np.array([0.1, 1.0, 10.0])  # GeV
    q = ic.ic_emissivity(E, spectrum, cmb)  # GeV^-1 s^-1 cm^-3
    # n(E) = 4 pi Phi / c per cm^3 per GeV -> N(gamma) = K_gamma gamma^-p per m^3
    mc2_GeV = MC2_EV / 1e9
    n_ref = spectrum.density_per_cm3_GeV(E_REF_GEV)  # at E_REF
    K_gamma = n_ref * 1e6 * mc2_GeV * (E_REF_GEV / mc2_GeV) ** p
    expected = thomson_power_law_on_blackbody(E * 1e9, K_gamma, p, cmb.T_K) * 1e9 * 1e-6  # per GeV per cm^3
    assert q == pytest.approx(expected, rel=0.01)


def test_naimas_klein_nishina_rate_on_starlight_matches_a_direct_integration():
    """Total photon production rate of power-law electrons (0.1-100 TeV) on a 6150 K blackbody, deep in the
    Klein-Nishina regime: naima's spectrum integrated over photon energy against c n sigma_KN averaged over angles
    and the Planck spectrum; both below the Thomson rate by the Klein-Nishina suppression."""
    import astropy.units as u
    from naima.models import InverseCompton, PowerLaw

    p, T = 3.0, 6150.0
    kT = k * T / e
    electrons = PowerLaw(1 / (MC2_EV * u.eV), MC2_EV * u.eV, p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = InverseCompton(
            electrons,
            seed_photon_fields=[["star", T * u.K, 0 * u.eV / u.cm**3]],
            Eemin=1e11 * u.eV,
            Eemax=1e14 * u.eV,
            nEed=400,
        )
        Eg = np.logspace(7, 15, 400) * u.eV
        rate_naima = np.trapezoid(
            model.flux(Eg, distance=0 * u.cm).to(1 / (u.s * u.eV)).value * Eg.value, np.log(Eg.value)
        )

    def sigma_kn(x):
        """The total Klein-Nishina cross section (its series 1 - 2x + 26x^2/5 below x = 1e-3, where the closed
        form loses its digits)."""
        big = np.maximum(x, 1e-3)
        closed = (
            0.75
            * SIGMA_T
            * (
                (1 + big) / big**3 * (2 * big * (1 + big) / (1 + 2 * big) - np.log1p(2 * big))
                + np.log1p(2 * big) / (2 * big)
                - (1 + 3 * big) / (1 + 2 * big) ** 2
            )
        )
        return np.where(x < 1e-3, SIGMA_T * (1 - 2 * x + 5.2 * x**2), closed)

    g = np.logspace(np.log10(1e11 / MC2_EV), np.log10(1e14 / MC2_EV), 150)
    eps = np.logspace(np.log10(kT) - 3, np.log10(kT) + 2, 150)
    mu = np.linspace(-1, 1, 201)
    G, EPS, MU = np.meshgrid(g, eps, mu, indexing="ij")
    beta = np.sqrt(1 - 1 / G**2)
    n_bb = EPS**2 / (np.pi**2 * (hbar * c / e) ** 3) / np.expm1(EPS / kT)
    rate = (1 - beta * MU) * sigma_kn(G * EPS * (1 - beta * MU) / MC2_EV) * c * n_bb * G**-p
    r = np.trapezoid(np.trapezoid(np.trapezoid(rate, mu, axis=2) / 2 * eps, np.log(eps), axis=1) * g, np.log(g))
    thomson = SIGMA_T * c * np.trapezoid(n_bb[0, :, 0] * eps, np.log(eps)) * np.trapezoid(g ** (1 - p), np.log(g))
    assert rate_naima == pytest.approx(r, rel=0.01)
    assert 0.3 < r / thomson < 0.7  # the Klein-Nishina suppression of these electrons on starlight


def test_the_local_electron_fit_finds_the_dampe_break(mirror):
    from cocoonlib.sky.leptons import fit_electrons

    fit = fit_electrons()
    s = fit.spectrum
    assert fit.success and 500 < s.E_break_GeV < 2000 and 2.9 < s.g1 < 3.3 and s.g2 > s.g1 + 0.4
    assert 100 < (100.0**3 * s.flux(100.0)) < 200  # E^3 Phi at 100 GeV [GeV^2 m^-2 s^-1 sr^-1]


def test_the_ic_field_is_one_at_the_sun_and_the_cmb_does_not_follow_the_stars(mirror):
    from cocoonlib.book import params
    from cocoonlib.book.chapters import CHAPTERS
    from cocoonlib.book.params import from_params
    from cocoonlib.sky import inverse_compton as ic

    P = params.validate({}, CHAPTERS["gamma"].parameters)
    isrf = ic.local_isrf()
    field = ic.ICField(from_params.cocoon_disk(P), tuple(c.follows_stars for c in isrf), 1.0, 1.5)
    assert np.allclose(field.density(P["R_sun"], 0.0), 1.0)
    above = field.density(P["R_sun"], 1.5)
    assert above[0] == pytest.approx(np.exp(-1.5)) and np.allclose(above[1:], np.exp(-1.5) * np.exp(-1.0))
    assert sum(c.u_eV_cm3 for c in isrf) == pytest.approx(1.29, abs=0.03)  # eV cm^-3 at the Sun
