"""Cross-section tables, the B/C data, the fit and its saved file."""

import json

import numpy as np
import pytest

from cocoonlib.book.chapters import get_chapter
from cocoonlib.book.params import ParameterError, from_params, saved_fit, validate
from cocoonlib.core import kinematics
from cocoonlib.io import cosmic_ray_data
from cocoonlib.stats import bc_fit
from cocoonlib.transport import bc, nuclear

pytestmark = pytest.mark.usefixtures("mirror")


@pytest.fixture(scope="module")
def P():
    return validate({}, get_chapter("bc").parameters)


@pytest.fixture(scope="module")
def model(mirror, P):
    return from_params.bc_model(P)


# --- cross sections ------------------------------------------------------------------------------
@pytest.mark.parametrize("table, expected", [("evoli2019", 52.4), ("galprop_opt12", 56.9)])
def test_partial_cross_section_of_carbon_to_boron11(table, expected):
    """High-energy 12C -> 11B on H, read by hand from the last energy of each table."""
    xs = nuclear.CrossSections([1e3], table)
    assert xs.partial_mb[("12C", "11B")][0] / xs.he_factor == pytest.approx(expected, abs=0.05)


def test_cross_sections_are_cumulative_and_fold_14C():
    """Ghosts are in the tables (no 11C/10C fragment); 16O -> 14N includes 16O -> 14C."""
    T = [100.0]
    xs = nuclear.CrossSections(T, "evoli2019")
    grid, raw = nuclear._read_evoli2019()
    direct = np.interp(np.log(100.0), np.log(grid), raw[("16O", "14N")])
    via_14C = np.interp(np.log(100.0), np.log(grid), raw[("16O", "14C")])
    assert xs.partial_mb[("16O", "14N")][0] / xs.he_factor == pytest.approx(direct + via_14C, rel=1e-12)
    assert not any(d in ("11C", "10C") for _, d in raw)


def test_cross_sections_reject_energies_below_the_tables():
    with pytest.raises(ValueError, match="below the tripathi99 inelastic table"):
        nuclear.CrossSections([0.05, 1.0])


def test_cross_sections_reject_unknown_tables():
    with pytest.raises(ValueError, match="xsec_fragmentation = 'webber'"):
        nuclear.CrossSections([1.0], "webber")
    with pytest.raises(ValueError, match="xsec_inelastic"):
        nuclear.CrossSections([1.0], "evoli2019", "glauber")


def test_rigidity_round_trip():
    T = np.geomspace(0.1, 1e4, 9)
    assert kinematics.T_from_rigidity(kinematics.rigidity_from_T(T, 11, 5), 11, 5) == pytest.approx(T, rel=1e-12)


# --- data ----------------------------------------------------------------------------------------
def test_fit_data(P):
    d = cosmic_ray_data.bc_fit_data(P["ams02_table"], P["T_min_fit"])
    assert set(d.experiment) == {"AMS-02", "CALET", "DAMPE"}
    assert (d.sigma > 0).all() and (d.BC > 0).all()
    assert (d.T_GeV_n[d.used] >= P["T_min_fit"]).all()
    assert d.groupby("experiment").used.sum().to_dict() == {"AMS-02": 32, "CALET": 16, "DAMPE": 11}
    assert d.doi[d.experiment == "AMS-02"].iloc[0] == "10.1103/PhysRevLett.120.021101"
    with pytest.raises(ValueError, match="ams02_table"):
        cosmic_ray_data.bc_fit_data("PRL2011")


# --- model and fit -------------------------------------------------------------------------------
def test_cocoon_and_galactic_parts_add_up(model):
    T = np.geomspace(1, 1e4, 20)
    parts = model.bc_parts(T, 0.4)
    assert parts["total"] == pytest.approx(parts["galactic"] + parts["cocoon"], rel=1e-12)
    assert model.bc_parts(T, 0.0)["cocoon"] == pytest.approx(np.zeros_like(T), abs=1e-15)
    # the cocoon share grows with energy
    assert np.all(np.diff(parts["cocoon"] / parts["total"])[T[1:] < 3e3] > 0)


def test_cocoon_part_of_the_network_is_linear_in_chi0(model):
    """The premise of bc_basis: row 0 (Galactic) does not depend on chi0, row 1 (cocoon) is proportional to it."""
    a, b = model.lis(0.3), model.lis(0.9)
    for key in model.network.order:
        assert b[key][0] == pytest.approx(a[key][0], rel=1e-13, abs=0)
        assert b[key][1] == pytest.approx(3.0 * a[key][1], rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("chi0", [0.0, 0.4, 2.0])
def test_bc_from_basis_equals_the_solution_at_that_chi0(model, chi0):
    """B/C from the chi0 = 1 basis against the network solved at chi0 and modulated as a whole (the
    log-log interpolation of the force field is applied to the sum instead of each part: < 5e-5)."""
    T = np.geomspace(0.5, 5e3, 40)
    lis = model.lis(chi0)
    direct = model._toa(lis, bc.isotopes("B"), T) / model._toa(lis, bc.isotopes("C"), T)
    assert model.bc(T, chi0) == pytest.approx(direct, rel=5e-5)


def test_minos_interval_equals_the_profile_crossing(model, P):
    """The Minos interval against Brent root-finding on the profile (an independent search)."""
    data = cosmic_ray_data.bc_fit_data(P["ams02_table"], P["T_min_fit"])
    fit = bc_fit.fit_bc(model, data, ("D0",), n_profile=0)
    d = data[data.used]
    T, y, s = d.T_GeV_n.to_numpy(), d.BC.to_numpy(), d.sigma.to_numpy()
    from scipy.optimize import minimize_scalar

    def profile(c):
        r = minimize_scalar(
            lambda D0: np.sum(((model.bc(T, c, D0=D0) - y) / s) ** 2),
            bounds=(1.0, 5.0),
            method="bounded",
            options={"xatol": 1e-7},
        )
        return r.fun - fit.chi2

    for n_sigma, interval in ((1, fit.chi0_interval_1sigma), (2, fit.chi0_interval_2sigma)):
        assert interval == pytest.approx(bc_fit.profile_interval(profile, fit.chi0, n_sigma**2), abs=1e-4)


def test_calibration_reproduces_the_declared_abundances(P):
    """y_N and y_O are the calibration of the C-N-O network (the comparison of chapter 2), rounded."""
    cal = bc.calibrate_abundances(from_params.cno_bc_model(P))
    assert set(cal) == {"C", "N", "O"}
    assert cal["N"] == pytest.approx(P["y_N"], rel=0.02)
    assert cal["O"] == pytest.approx(P["y_O"], rel=0.02)


def _pseudo_data(model, data, chi0, D0, rng=None):
    d = data.copy()
    truth = model.bc(d.T_GeV_n.to_numpy(), chi0, D0=D0)
    d["BC"] = truth if rng is None else truth + rng.normal(0, d.sigma)
    return d


def test_fit_recovers_chi0_from_asimov_data(model, P):
    data = cosmic_ray_data.bc_fit_data(P["ams02_table"], P["T_min_fit"])
    fake = _pseudo_data(model, data, chi0=0.5, D0=2.2)
    fit = bc_fit.fit_bc(model, fake, ("D0",), n_profile=0)
    assert fit.chi0 == pytest.approx(0.5, abs=2e-3)
    assert fit.best["D0"] == pytest.approx(2.2, rel=2e-3)
    assert fit.chi2 < 1e-3
    lo, hi = fit.chi0_interval_1sigma
    assert lo < 0.5 < hi
    # with realistic errors the 1 sigma half-width equals the Hesse error (parabolic chi^2 here)
    assert 0.5 * (hi - lo) == pytest.approx(fit.errors["chi0"], rel=0.1)
    assert fit.delta_chi2_no_cocoon > 4


def test_fit_recovers_chi0_from_noisy_data(model, P):
    data = cosmic_ray_data.bc_fit_data(P["ams02_table"], P["T_min_fit"])
    fake = _pseudo_data(model, data, chi0=0.4, D0=2.5, rng=np.random.default_rng(7))
    fit = bc_fit.fit_bc(model, fake, ("D0",), n_profile=0)
    assert abs(fit.chi0 - 0.4) < 3 * fit.errors["chi0"]
    assert fit.chi2 / fit.ndof < 2


def test_profile_has_its_minimum_at_the_best_fit(model, P):
    data = cosmic_ray_data.bc_fit_data(P["ams02_table"], P["T_min_fit"])
    fit = bc_fit.fit_bc(model, data, ("D0",), chi0_max=1.0, n_profile=11)
    i = int(np.argmin(fit.profile_dchi2))
    assert abs(fit.profile_chi0[i] - fit.chi0) <= 0.05 + 1e-9
    assert min(fit.profile_dchi2) >= -2e-4  # Migrad stops within an estimated 2e-4 of the minimum (tol 0.1)
    lo2, hi2 = fit.chi0_interval_2sigma
    lo1, hi1 = fit.chi0_interval_1sigma
    assert lo2 < lo1 < fit.chi0 < hi1 < hi2


def test_fit_rejects_unknown_free_parameter(model, P):
    data = cosmic_ray_data.bc_fit_data(P["ams02_table"], P["T_min_fit"])
    with pytest.raises(ValueError, match="free transport parameter 'H'"):
        bc_fit.fit_bc(model, data, ("H",))


def test_fit_file_round_trip_and_resolve(tmp_path, model, P, monkeypatch):
    data = cosmic_ray_data.bc_fit_data(P["ams02_table"], P["T_min_fit"])
    fit = bc_fit.fit_bc(model, _pseudo_data(model, data, 0.45, 2.4), ("D0",), n_profile=3)
    path = saved_fit.save_fit(fit, tmp_path / "bc_fit.json")
    assert json.loads(path.read_text())["best"]["chi0"] == pytest.approx(fit.chi0)
    back = saved_fit.load_fit(path)
    assert back.chi0 == fit.chi0 and back.covariance == fit.covariance
    monkeypatch.setenv("COCOON_OUTPUT_DIR", str(tmp_path))
    assert saved_fit.resolve_chi0(0.4, "fit") == pytest.approx(fit.chi0)
    assert saved_fit.resolve_chi0(0.4, "parameter") == 0.4
    with pytest.raises(ValueError, match="chi0_source"):
        saved_fit.resolve_chi0(0.4, "paper")
    monkeypatch.setenv("COCOON_OUTPUT_DIR", str(tmp_path / "empty"))
    with pytest.raises(FileNotFoundError, match="run chapter 2 first"):
        saved_fit.load_fit()


def test_outputs_in_sets_the_folder_for_this_thread_only(tmp_path, monkeypatch):
    """outputs_in: the folder a chapter run in the process reads and writes, in this thread only, and the
    environment's again after the block."""
    import threading

    monkeypatch.setenv("COCOON_OUTPUT_DIR", str(tmp_path / "env"))
    from cocoonlib.io import paths

    seen = {}
    with paths.outputs_in(tmp_path / "here"):
        assert paths.outputs_dir() == tmp_path / "here"
        t = threading.Thread(target=lambda: seen.setdefault("other", paths.outputs_dir()))
        t.start()
        t.join()
    assert seen["other"] == tmp_path / "env"
    assert paths.outputs_dir() == tmp_path / "env"
    assert paths.outputs_dir is paths.outputs_dir  # the name chapters and readers of README know


def test_cocoon_share_of_bc_is_the_cocoon_part_and_linear_at_small_chi0(model):
    """The cocoons' share of B/C: none without cocoons, between 0 and 1, equal to the cocoon part over the total,
    and (boron made in the cocoons being linear in chi0 while the Galactic part is not touched) growing as
    chi0 / (chi0 + b) with b = B_gal / B_coc per unit chi0."""
    T = np.array([10.0, 1e3])
    assert np.all(bc.cocoon_share_of_bc(model, T, 0.0) == 0.0)
    share = bc.cocoon_share_of_bc(model, T, 0.4)
    assert np.all((share > 0) & (share < 1))
    basis = model.bc_basis(T)
    assert share == pytest.approx(0.4 * basis["B_coc"] / (basis["B_gal"] + 0.4 * basis["B_coc"]), rel=1e-12)


def test_heavy_parent_share_is_all_boron_but_that_of_carbon_nitrogen_oxygen(model):
    """The share of the parents heavier than oxygen: the sum over the groups less C, N and O (the groups add up to
    the column ``sum``, 1 to a few 1e-6)."""
    shares = bc.boron_by_parent_group(model, np.array([10.0, 100.0]), 0.0)
    light = float(shares.loc[100.0, list(bc.LIGHT_PARENT_GROUPS)].sum())
    assert bc.heavy_parent_share(shares, 100.0) == pytest.approx(shares.loc[100.0, "sum"] - light, abs=1e-12)
    assert 0 < bc.heavy_parent_share(shares, 100.0) < 0.5


@pytest.mark.parametrize(
    "name, value",
    [
        ("T_min_fit", 0.0),
        ("free_transport", "H"),
        ("xsec_fragmentation", "webber"),
        ("phi", -0.1),
        ("y_O", "1.2"),
        ("ams02_table", "PRL2011"),
        ("delta_gal", 2.0),
        ("source_abundances", "solar"),
    ],
)
def test_bc_parameters_are_validated(name, value):
    with pytest.raises(ParameterError, match=name):
        validate({name: value}, get_chapter("bc").parameters)


def test_grammage_crossing_against_root_finding():
    """The crossing rigidity of chapter 2's figure: the grid interpolation against Brent's method on the continuous
    functions; and a cocoon grammage that never reaches the Galactic one gives nan with its peak."""
    from scipy.optimize import brentq

    from cocoonlib.source.grammage import Grammage
    from cocoonlib.transport.slab import galactic_grammage

    halo = from_params.halo()
    cocoon = Grammage("constant", 0.4, 20.0)
    X = lambda R: galactic_grammage(kinematics.T_from_rigidity(R, 12, 6), 12, 6, halo)  # noqa: E731
    root = brentq(lambda lnR: np.log(cocoon(np.exp(lnR)) / X(np.exp(lnR))), np.log(10.0), np.log(1e5))
    got = bc.grammage_crossing(halo, cocoon)
    assert got.R_GV == pytest.approx(np.exp(root), rel=2e-3)
    never = bc.grammage_crossing(halo, Grammage("exponential", 0.4, 1.0))  # R0 = 1 TV: gone before it could
    assert np.isnan(never.R_GV) and 0 < never.peak_ratio < 1
