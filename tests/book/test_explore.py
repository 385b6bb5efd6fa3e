"""The Explore page's data (cocoonlib.book.explore) against cocoonlib itself: what the page computes from its embedded
tables, at a given position of its controls, equals what the chapters' functions give for the same parameters.
The browser's own arithmetic is checked against cocoonlib in tests/end_to_end/test_book.py."""

import re

import numpy as np
import pytest

from cocoonlib.book.explore import data as explore
from cocoonlib.book.explore import page as explore_page
from cocoonlib.book.params import ParameterError, from_params
from cocoonlib.io import data
from cocoonlib.sky import gamma, neutrino
from cocoonlib.stats import compare

SETTINGS = [
    explore.Setting(),
    explore.Setting(
        chi0=0.85,
        R0=5.0,
        form="kolmogorov",
        production_model="aafrag",
        gas_model="nakanishi_sofue",
        cr_sea="uniform",
        dge_production_model="kelner",
    ),
    explore.Setting(chi0=0.15, R0=200.0, form="bohm_cutoff", gas_model="bronf_ferr", cr_sea="sources"),
    explore.Setting(chi0=1.5, R0=1.0, form="kraichnan", production_model="kelner"),
    explore.Setting(chi0=0.3, R0=20.0, source_normalisation="sea"),
    explore.Setting(chi0=0.5, R0=50.0, production_model="aafrag", cr_sea="uniform", source_normalisation="sea"),
]


@pytest.fixture(scope="module")
def page_data(mirror):
    return explore.explore_data()


@pytest.fixture(scope="module")
def bc_transport(mirror):
    P = explore.chapter_defaults()["bc"]
    model, points, fit = from_params.bc_fit(P, n_profile=0, two_sigma=False)
    return model, points, {k: v for k, v in fit.best.items() if k != "chi0"}


def _close(a, b, rtol=1e-6):
    """Equal to rtol where cocoonlib's value is not negligible (1e-12 of its largest value): the page stores its
    matrices and tables in float32."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    big = np.abs(b) > 1e-12 * np.abs(b).max()
    np.testing.assert_allclose(a[big], b[big], rtol=rtol, atol=0.0)
    assert np.all(np.abs(a[~big]) <= 1e-9 * np.abs(b).max())


@pytest.mark.parametrize("s", SETTINGS, ids=range(len(SETTINGS)))
def test_gamma_rays_equal_the_chapter_functions(page_data, s):
    P = s.resolved_parameters("gamma")  # 'sea': the efficiencies and transport it sets
    sky = from_params.gamma_sky(P)
    got = explore.evaluate(page_data, s)["gamma"]
    np.testing.assert_array_equal(page_data["gamma"]["E"], sky.E)
    for w in gamma.GAMMA_WINDOWS:
        lo, hi = sky.dge_band(w)
        c = sky.cocoon(w)
        _close(got[w]["cocoon"], c)
        _close(got[w]["dge_lo"], lo)
        _close(got[w]["dge_hi"], hi)
        for k, E in enumerate(explore.E_SHARE_GEV):
            assert got[w]["share"][k] == pytest.approx(sky.cocoon_fraction(w, E), rel=1e-6)
        km2a = data.load_lhaaso_km2a(w)
        assert got[w]["chi2_km2a"] == pytest.approx(compare.best_chi2_in_band(km2a, sky.E, lo, hi, c)[0], rel=1e-5)
        assert got[w]["chi2_km2a_dge"] == pytest.approx(compare.best_chi2_in_band(km2a, sky.E, lo, hi)[0], rel=1e-5)


def test_the_default_setting_gives_chapter_3s_numbers(page_data):
    """At the chapters' defaults the page shows chapter 3's cocoon share and chi^2 (its committed key numbers)."""
    from cocoonlib.book.chapters import CHAPTERS
    from cocoonlib.book.chapters.results import extract

    committed = extract(CHAPTERS["gamma"].path)
    got = explore.evaluate(page_data, explore.Setting())["gamma"]
    for w in gamma.GAMMA_WINDOWS:
        assert got[w]["share"][0] == pytest.approx(committed[f"cocoon_fraction_{w}_1TeV"], rel=1e-5)
        assert got[w]["chi2_km2a"] == pytest.approx(committed[f"chi2_km2a_{w}"], rel=1e-5)


@pytest.mark.parametrize("s", [*SETTINGS[:2], SETTINGS[4]], ids=range(3))
def test_neutrinos_equal_chapter_4s_functions(page_data, s):
    P = s.resolved_parameters("neutrino")
    E = gamma.energy_grid(P["grid_scale"], 2, 6)
    sky = from_params.gamma_sky(P, E, secondary="nu_all", window_names=("allsky",))
    got = explore.evaluate(page_data, s)["neutrino"]
    lo, hi = (neutrino.allsky_flux_per_flavour(x) for x in sky.dge_band("allsky"))
    _close(got["cocoon"], neutrino.allsky_flux_per_flavour(sky.cocoon("allsky")))
    _close(got["dge_lo"], lo)
    _close(got["dge_hi"], hi)


@pytest.mark.parametrize("s", SETTINGS, ids=range(len(SETTINGS)))
def test_bc_equals_the_network_at_chapter_2s_fitted_transport(page_data, bc_transport, s):
    model, points, transport = bc_transport
    m = from_params.bc_model(s.parameters("bc"), model.abundances, model.network)
    T = page_data["bc"]["T"]
    got = explore.evaluate(page_data, s)["bc"]
    _close(got["total"], m.bc(T, s.chi0, **transport))
    _close(got["cocoon"], m.bc_parts(T, s.chi0, **transport)["cocoon"])
    used = points[points.used]
    chi2 = np.sum(((m.bc(used.T_GeV_n.to_numpy(), s.chi0, **transport) - used.BC) / used.sigma) ** 2)
    assert got["chi2"] == pytest.approx(chi2, rel=1e-5)
    assert got["n"] == len(used)


def test_bc_at_chapter_2s_best_fit_gives_its_chi2(page_data):
    """The page's B/C chi^2 at the fitted chi0 (exponential, R0 = 20 TV, the fitted transport) is chapter 2's."""
    _, _, fit = from_params.bc_fit(explore.chapter_defaults()["bc"], n_profile=0, two_sigma=False)
    assert page_data["bc"]["chi0_fit"] == pytest.approx(fit.chi0)
    got = explore.evaluate(page_data, explore.Setting(chi0=fit.chi0))["bc"]
    assert got["chi2"] == pytest.approx(fit.chi2, rel=1e-5)


def test_cocoon_emissivity_from_the_embedded_operator(page_data):
    """The banded float32 matrices of the page give Production.emissivity to 1e-6, both models, both secondaries."""
    P = explore.chapter_defaults()["gamma"]
    spectra = from_params.injection_spectra(P)
    form = explore.GRAMMAGE_FORMS["kraichnan"]
    chi = lambda R: form.chi(R, 0.5, 7.0)  # noqa: E731
    for part, secondary in (("gamma", "gamma"), ("neutrino", "nu_all")):
        E = page_data[part]["E"]
        for m, prod in from_params.cocoon_productions(P, E, secondary).items():
            _close(
                explore.cocoon_emissivity(page_data[part]["operator"][m], chi), prod.emissivity(spectra, chi)["total"]
            )


def test_band_storage_keeps_every_non_zero_element():
    rng = np.random.default_rng(1)
    M = rng.random((6, 9)) * (rng.random((6, 9)) > 0.5)
    M[2] = 0.0  # an empty row
    v = rng.random(9)
    np.testing.assert_allclose(explore.band_matvec(explore._band(M), v), M @ v, rtol=1e-6)


def test_settings_off_the_page_are_refused_in_one_line():
    for bad, match in (
        ({"R0": 25.0}, "R0 = 25.0 is not allowed"),
        ({"chi0": 2.0}, "chi0 = 2.0 is not allowed"),
        ({"form": "constant"}, "form = 'constant' is not allowed"),
        ({"cr_sea": "flat"}, "cr_sea = 'flat' is not allowed"),
        ({"chi0": "0.4"}, "chi0 = '0.4' is not allowed"),
    ):
        with pytest.raises(ParameterError, match=match) as e:
            explore.Setting(**bad)
        assert "\n" not in str(e.value)


def test_every_default_is_a_node_of_the_page():
    P = explore.chapter_defaults()["gamma"]
    assert P["R0"] in explore.R0_NODES_TV
    lo, hi, _ = explore.CHI0_SLIDER
    assert lo <= P["chi0"] <= hi


def test_packing_for_the_cache_keeps_the_tree():
    tree = {
        "a": np.arange(3.0),
        "b": {"c": np.ones(2, dtype=np.float32), "d": [1, 2.5, "x", None]},
        "e": "text",
        "f": [np.zeros(2, dtype=np.int32), {"g": np.float64(0.5)}],
    }
    back = explore_page._unpack(explore_page._pack(tree))
    np.testing.assert_array_equal(back["a"], tree["a"])
    assert back["b"]["c"].dtype == np.float32 and back["b"]["d"] == [1, 2.5, "x", None]
    assert back["e"] == "text" and back["f"][1] == {"g": 0.5}
    assert back["f"][0].dtype == np.int32


def test_cache_key_names_every_source_and_data_file():
    files = explore_page.cache_inputs()[1]
    assert "cocoonlib/book/explore/data.py" in files and "cocoonlib/production/kelner.py" in files
    assert "data/registry.csv" in files and "cocoonlib/book/explore/explore.js" not in files


def test_page_html_loads_nothing_from_the_network(page_data):
    html = explore_page.page_html(page_data)
    assert not re.search(r"<script[^>]+src=", html), "a script loaded from elsewhere"
    outside_scripts = re.sub(r"<script>.*?</script>", "", html, flags=re.S)
    assert not re.search(r"(?:src|href)=", outside_scripts)
    assert "Bokeh" in html
    for name in (
        "chi0",
        "R0",
        "form",
        "production_model",
        "gas_model",
        "cr_sea",
        "dge_production_model",
        "gamma_inner",
        "gamma_outer",
        "neutrino",
        "bc",
        "numbers",
    ):
        assert f'"name":"{name}"' in html, name
