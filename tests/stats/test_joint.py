"""The joint likelihood of chi0 and R0 (B/C and gamma rays): exact pieces against second methods, chapter 2 recovered
with the gamma-ray terms off, injected parameters recovered from Asimov and pseudo-data, bad input."""

import math

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from cocoonlib.book import chapters
from cocoonlib.book.params import from_params
from cocoonlib.stats import joint

pytestmark = pytest.mark.usefixtures("mirror")


@pytest.fixture(scope="module")
def P():
    return chapters.chapter_parameters("joint", {})


@pytest.fixture(scope="module")
def skies(P):
    return from_params.joint_skies(P)


@pytest.fixture(scope="module")
def model(P):
    return from_params.bc_model(P)


@pytest.fixture(scope="module")
def terms(P, skies):
    return from_params.joint_region_terms(P, skies)


def like(P, skies, model, terms, use=("bc", "gamma"), **kw):
    return from_params.joint_likelihood(P, skies, model, use=use, terms=terms, **kw)


# --- the exact pieces -----------------------------------------------------------------------------
def test_min_over_scale_is_the_minimum_found_by_brent():
    """The closed-form minimum over a norm (convex, piecewise quadratic) equals a numerical 1D minimisation."""
    rng = np.random.default_rng(3)
    for _ in range(20):
        n = rng.integers(1, 8)
        D = rng.uniform(0.5, 2.0, n)
        C = rng.uniform(0.0, 1.0, n)
        y = rng.uniform(0.5, 3.0, n)
        lo, hi = rng.uniform(0.05, 0.5, n), rng.uniform(0.05, 0.5, n)
        centre, width = rng.uniform(0.7, 1.3), rng.uniform(0.02, 0.5)

        def f(a):
            r = a * D + C - y
            return float(np.sum((r / np.where(r > 0, hi, lo)) ** 2) + ((a - centre) / width) ** 2)

        chi, a = joint._min_over_scale(D, C[None, :], y, lo, hi, centre, width)
        ref = minimize_scalar(f, bounds=(-10, 10), method="bounded", options={"xatol": 1e-10})
        assert a[0] == pytest.approx(ref.x, abs=1e-6) and chi[0] == pytest.approx(ref.fun, rel=1e-9, abs=1e-12)
    chi, a = joint._min_over_scale(D, C[None, :], y, lo, hi, 1.0, 0.0)  # width 0 fixes the norm
    assert a[0] == 1.0 and chi[0] == pytest.approx(f(1.0) - ((1.0 - centre) / width) ** 2)


def test_golden_finds_interior_and_boundary_minima():
    x0 = np.array([0.3, -0.5, 1.7, 0.999])
    x = joint._golden(lambda x: (x - x0) ** 2, x0.size, 0.0, 1.0)
    assert np.allclose(x, np.clip(x0, 0, 1), atol=1e-6)


def test_parabola_refinement_is_exact_for_a_parabola():
    x = np.linspace(0.0, 1.0, 6)
    centres = np.array([0.33, 0.71, 1.4])  # the last one beyond the grid: the end value is kept
    values = 2.0 + 3.0 * (x[:, None] - centres[None, :]) ** 2
    out = joint._parabola_min(values, x)
    assert out[:2] == pytest.approx([2.0, 2.0], abs=1e-12) and out[2] == pytest.approx(values[-1, 2])


def test_cocoons_per_chi0_equal_the_skys_cocoons(P, skies, model, terms):
    """The fast path (one production object, emissivity reweighted per R0) gives the sky's cocoon curve."""
    L = like(P, skies, model, terms)
    for region, R0 in (("inner", 50.0), ("tibet_25l100", 7.0), ("hawc_43l73", 300.0)):
        sky = skies[region].with_cocoons(R0=R0, chi0=1.0)
        expected = terms[region].rows @ sky.cocoon(region)
        assert np.allclose(L.cocoon_per_chi0(region, R0, P["delta"]), expected, rtol=1e-12)


def test_observables_select_grid_nodes_and_hawc_reads_one_on_its_own_curve(skies):
    sky = skies["hawc_43l73"]
    with pytest.raises(ValueError, match="not nodes"):
        joint._selection(sky.E, [1.2345e3])
    h = joint.hawc_observable(sky.E)
    from cocoonlib.io import data

    best = data.hawc_band(sky.E).E2_best.to_numpy()
    assert (h.rows @ best)[0] == pytest.approx(1.0) and (h.rows @ (1.3 * best))[0] == pytest.approx(1.3)
    assert h.s_lo[0] > 0 and h.s_hi[0] > 0 and h.y[0] == 1.0


def test_prior_widths_are_the_gas_spread(skies):
    sky = skies["outer"]
    w = joint.prior_widths(sky, ["outer"], 1e4)
    v = [sky.at(0.5 * sum(sky.dge_band("outer", g)), 1e4) for g in sky.gas_models]
    centre = sky.at(0.5 * sum(sky.dge_band("outer")), 1e4)
    assert w.loc["outer", "width"] == pytest.approx((max(v) - min(v)) / (2 * centre))
    assert 0 < w.loc["outer", "width"] < 1


def test_gamma_profile_equals_migrad_with_chi0_and_R0_fixed(P, skies, model, terms):
    """Second method: the exact norm profile with golden sections in the knee against Migrad over all nuisances."""
    L = like(P, skies, model, terms, use=("gamma",))
    chi, knee, _ = L.profile_gamma(np.array([0.2, 0.6]), 80.0)
    for c, value in zip((0.2, 0.6), chi):
        f = joint.fit_joint(L, fixed={"chi0": c, "log10_R0_TV": math.log10(80.0)}, intervals=(), tol=0.001)
        assert value == pytest.approx(f.chi2, abs=1e-5)


def test_bc_profile_equals_migrad_with_chi0_and_R0_fixed(P, skies, model, terms):
    L = like(P, skies, model, terms, use=("bc",))
    c = np.array([0.0, 0.3, 0.9])
    chi, D0 = L.profile_bc(c, 40.0)
    for x, value, d in zip(c, chi, D0):
        exact, best = L._bc_min_exact(float(x), 40.0, P["delta"])
        assert value == pytest.approx(exact, abs=1e-4) and d == pytest.approx(best["D0"], rel=1e-3)


def test_profile_grid_minimum_agrees_with_the_joint_fit(P, skies, model, terms):
    L = like(P, skies, model, terms)
    fit = joint.fit_joint(L, intervals=())
    c = fit.chi0 + np.array([-0.01, 0.0, 0.01])
    grid = joint.profile_grid(L, c, fit.R0_TV * np.array([0.97, 1.0, 1.03]))
    assert grid.joint[1, 1] == pytest.approx(fit.chi2, abs=2e-3)
    assert grid.joint.min() >= fit.chi2 - 2e-3
    assert np.allclose(grid.joint, grid.bc + grid.gamma, rtol=1e-14)


# --- fits -----------------------------------------------------------------------------------------
def test_with_the_gamma_terms_off_the_joint_fit_is_chapter_2s(P, skies, model, terms):
    """B/C alone at the chapter's R0 is chapter 2's fit: the same best chi0, D0, chi^2 and profile intervals."""
    L = like(P, skies, model, terms, use=("bc",))
    f = joint.fit_joint(L, fixed={"log10_R0_TV": math.log10(P["R0"])}, intervals=("chi0",))
    _, _, ref = from_params.bc_fit({**P, "chi0_scan_max": 1.5}, model, n_profile=0)
    assert f.chi0 == pytest.approx(ref.chi0, rel=2e-4) and f.best["D0"] == pytest.approx(ref.best["D0"], rel=2e-4)
    assert f.chi2 == pytest.approx(ref.chi2, abs=1e-4) and f.ndof == ref.ndof
    assert f.interval("chi0", 1) == pytest.approx(ref.chi0_interval_1sigma, rel=1e-3)
    assert f.interval("chi0", 2) == pytest.approx(ref.chi0_interval_2sigma, rel=1e-3)


def test_asimov_data_give_back_the_injected_chi0_and_R0(P, skies, model, terms):
    """Data equal to the model at injected values: the fit returns them within 1 % of their 1 sigma interval."""
    L = like(P, skies, model, terms)
    injected = {"chi0": 0.45, "log10_R0_TV": math.log10(60.0), "D0": 3.2, "knee": 0.3, "norm_outer": 0.9}
    f = joint.fit_joint(L.asimov(injected))
    assert f.chi2 < 1e-3
    lo, hi = f.interval("chi0")
    assert abs(f.chi0 - 0.45) <= 0.01 * (hi - lo)
    lo, hi = f.interval("R0")
    assert abs(f.R0_TV - 60.0) <= 0.01 * (hi - lo)


def test_the_joint_chi2_is_at_least_the_sum_of_the_separate_ones(P, skies, model, terms):
    fits = {u: joint.fit_joint(like(P, skies, model, terms, use=u)) for u in (("bc",), ("gamma",), ("bc", "gamma"))}
    t = joint.tension(fits["bc",], fits["gamma",], fits["bc", "gamma"])
    assert t["delta_chi2"] >= -1e-3 and t["dof"] == 2
    assert fits["bc", "gamma"].chi2 == pytest.approx(sum(fits["bc", "gamma"].chi2_by_term.values()))


def test_tension_formulas():
    def fake(best, lo, hi, chi2, free):
        return joint.JointFit(("bc",), free, {}, {"chi0": best}, {}, {}, chi2, 10, {}, {"chi0": {1: [lo, hi]}})

    a, b = fake(0.3, 0.25, 0.36, 40.0, ["chi0", "R0", "D0"]), fake(0.8, 0.72, 0.9, 50.0, ["chi0", "R0", "knee"])
    j = fake(0.4, 0.35, 0.45, 94.0, ["chi0", "R0", "D0", "knee"])
    t = joint.tension(a, b, j)
    assert t["difference_sigma"] == pytest.approx(0.5 / math.hypot(0.06, 0.08))
    assert t["dof"] == 2 and t["delta_chi2"] == pytest.approx(4.0)
    assert t["p"] == pytest.approx(math.exp(-2.0)) and t["delta_chi2_sigma"] == pytest.approx(1.4934, abs=1e-4)


def test_icecube_enters_as_one_pull_on_the_allsky_neutrinos(P, model, terms):
    skies_nu = from_params.joint_skies(P, neutrinos=True)
    all_terms = {**terms, **from_params.joint_region_terms(P, {"allsky": skies_nu["allsky"]})}
    L = from_params.joint_likelihood(P, skies_nu, model, use=("bc", "gamma", "icecube"), terms=all_terms)
    assert "norm_allsky" in L.names and L.regions["allsky"].y.size == 1
    from cocoonlib.sky import neutrino

    curves = L.curves(L.start(), "allsky")
    sky = skies_nu["allsky"]
    assert np.allclose(curves["dge"], neutrino.allsky_flux_per_flavour(0.5 * sum(sky.dge_band("allsky"))))


def test_profile_intervals_are_minos_intervals(P, skies, model, terms, monkeypatch):
    """Second method for the intervals: root-finding on the chi^2 profiled by Migrad (what a fit reports where Minos
    fails) gives Minos's own intervals, at 1 and 2 sigma, for the gamma rays alone and the joint fit."""
    for use in (("gamma",), ("bc", "gamma")):
        L = like(P, skies, model, terms, use=use)
        ref = joint.fit_joint(L, intervals=("chi0", "R0"))
        with monkeypatch.context() as m:
            m.setattr(joint.fits, "minos_ends", lambda *a, **k: (None, None))
            f = joint.fit_joint(L, intervals=("chi0", "R0"))
        for name in ("chi0", "R0"):
            for n in (1, 2):
                assert f.interval(name, n) == pytest.approx(ref.interval(name, n), rel=3e-3), (use, name, n)


def test_a_fit_without_a_valid_minimum_is_a_result_not_an_error(P, skies, model, terms, monkeypatch):
    """Migrad never reporting a valid minimum (forced here): fit_joint returns the fit with valid False, a status
    naming it, and intervals from the profile; the chapter's table of variants says so in its row."""
    import iminuit

    from cocoonlib.book.chapters import keys

    L = like(P, skies, model, terms, use=("gamma",))
    ref = joint.fit_joint(L, intervals=("chi0",), two_sigma=False)
    monkeypatch.setattr(iminuit.Minuit, "valid", property(lambda self: False))
    with pytest.warns(RuntimeWarning, match="valid minimum"):
        f = joint.fit_joint(L, intervals=("chi0",), two_sigma=False)
    assert not f.valid and f.status.startswith("Migrad's minimum not valid")
    assert f.interval("chi0") == pytest.approx(ref.interval("chi0"), rel=3e-3)
    assert keys.fit_status(joint=ref, gamma=f) == f"gamma: {f.status}"
    assert keys.fit_status(joint=ref) == "all valid"


def test_the_gas_variant_with_the_seas_efficiencies_gives_its_row(P):
    """The variant that stopped the chapter (issue 28: eps_p 0.1108, eps_He 0.0554, a gas model with its norms fixed
    at 1, where Hesse found the minimum invalid): every gas model gives a row with finite numbers."""
    from cocoonlib.book.chapters import keys

    Q = chapters.chapter_parameters("joint", {"eps_p": 0.1108, "eps_He": 0.0554})
    ctx = keys.Context("joint", Q)
    terms = ctx["terms"]
    for g in ctx["skies"]["inner"].gas_models:
        gas_terms = {
            r: joint.RegionTerm(t.region, t.sky, t.production, t.observables, t.prior_width, t.factor, g)
            for r, t in terms.items()
        }
        row = keys.joint_variant(ctx, terms=gas_terms, fixed={f"norm_{r}": 1.0 for r in terms})
        assert all(math.isfinite(row[k]) for k in ("chi0 joint", "chi0 gamma alone", "difference [sigma]")), (g, row)
        assert isinstance(row["fits"], str)


# --- bad input ------------------------------------------------------------------------------------
def test_bad_input_is_a_one_line_error(P, skies, model, terms):
    with pytest.raises(ValueError, match="use"):
        like(P, skies, model, terms, use=("radio",))
    with pytest.raises(ValueError, match="fit_delta_c"):
        like(P, skies, model, terms, fit_delta_c=True)
    with pytest.raises(ValueError, match="icecube"):
        like(P, skies, model, terms, use=("icecube",))
    L = like(P, skies, model, terms)
    with pytest.raises(ValueError, match="not allowed"):
        joint.fit_joint(L, fixed={"R_0": 20})
    with pytest.raises(ValueError, match="interval"):
        joint.fit_joint(L, intervals=("knees",))
    with pytest.raises(ValueError, match="chi0_values"):
        joint.profile_grid(L, [-0.1, 0.2], [10, 20])
    with pytest.raises(ValueError, match="prior_scale"):
        from_params.joint_region_terms(P, skies, prior_scale=0.0)
    with pytest.raises(ValueError, match="region"):
        from_params.joint_region_terms(P, {"galactic_centre": skies["inner"]})
    with pytest.raises(ValueError, match="unknown parameter"):
        L.chi2({"R_0": 3})


@pytest.mark.slow  # 50 fits, ~30 s: CI runs it (pytest --slow)
def test_pseudo_data_cover_the_injected_values(P, skies, model, terms):
    """50 noisy pseudo-data sets: the injected chi0 and R0 lie within 3 Hesse sigma of the fit in >= 90 % of them."""
    L = like(P, skies, model, terms)
    injected = {"chi0": 0.4, "log10_R0_TV": 2.0, "D0": 3.1}
    hits = 0
    for seed in range(50):
        f = joint.fit_joint(L.pseudo_data(injected, np.random.default_rng(seed)), intervals=())
        hits += all(abs(f.best[n] - injected[n]) <= 3 * f.errors[n] for n in ("chi0", "log10_R0_TV"))
    assert hits >= 45


def test_results_of_the_chapter_are_declared():
    keys = chapters.get_chapter("joint").results
    for k in (
        "chi0_joint_best_g_cm2",
        "chi0_joint_lo_g_cm2",
        "chi0_joint_hi_g_cm2",
        "R0_joint_best_TV",
        "chi0_gamma_only_best_g_cm2",
        "tension_bc_gamma_sigma",
    ):
        assert k in keys


def test_a_fit_read_back_from_json_is_the_same_fit(P, skies, model, terms):
    """fit_to_json / fit_from_json (the form the chapter's fits are kept in): through JSON text and back the fit is
    equal, field by field (intervals keyed by n sigma again, an open end still inf)."""
    import json

    fit = joint.fit_joint(like(P, skies, model, terms), fixed={"log10_R0_TV": 4.9}, two_sigma=True)
    back = joint.fit_from_json(json.loads(json.dumps(joint.fit_to_json(fit))))
    assert back == fit and isinstance(back.use, tuple) and 1 in back.intervals["chi0"]
    assert back.interval("chi0", 2) == fit.interval("chi0", 2)
