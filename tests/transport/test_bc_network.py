"""The B/C network of every nucleus the cross-section tables cover (chapter 2): regression to the C-N-O
network, closed forms, the parts of boron, ghost folding, decays, source abundances, bad input."""

import numpy as np
import pytest

from cocoonlib.book.chapters import get_chapter
from cocoonlib.book.params import ParameterError, from_params, validate
from cocoonlib.core import kinematics
from cocoonlib.io import cosmic_ray_data
from cocoonlib.transport import bc, nuclear
from cocoonlib.transport import slab as transport
from cocoonlib.transport.nuclear import Nucleus

pytestmark = pytest.mark.usefixtures("mirror")
HALO = from_params.halo()


@pytest.fixture(scope="module")
def P():
    return validate({}, get_chapter("bc").parameters)


@pytest.fixture(scope="module")
def model(mirror, P):
    return from_params.bc_model(P)


# --- regression: the C-N-O network of the first edition -------------------------------------------------------
#: B/C of the first edition's code (commit f37375a, before the network was extended) at T = geomspace(1, 5000, 12)
#: GeV/n, chi0 = 0.4, the chapter's defaults with y_N, y_O: (total, cocoon part) at the default transport and at
#: D0 = 3, delta = 0.5
FIRST_EDITION_BC = {
    (): (
        [
            0.308034024656,
            0.28597909333,
            0.246444989525,
            0.204058266111,
            0.162836963377,
            0.127106991182,
            0.099667898482,
            0.080918744487,
            0.067690306727,
            0.056827500375,
            0.046692436847,
            0.036111980397,
        ],
        [
            0.031795960141,
            0.030125382417,
            0.02849478518,
            0.027246618762,
            0.026241753497,
            0.025507477911,
            0.025013026103,
            0.024583669713,
            0.023861630751,
            0.022464117198,
            0.019801182847,
            0.015125971462,
        ],
    ),
    (("D0", 3.0), ("delta", 0.5)): (
        [
            0.30036944059,
            0.280140537859,
            0.244176665887,
            0.206148921807,
            0.169010833783,
            0.136173433512,
            0.11027661442,
            0.092234880256,
            0.079262659704,
            0.068228623606,
            0.057553908419,
            0.046178419587,
        ],
        [
            0.031724156592,
            0.030087752109,
            0.028512272202,
            0.027334195639,
            0.026394299233,
            0.025699127243,
            0.025220368463,
            0.024793766397,
            0.024068300064,
            0.022658286643,
            0.019968402423,
            0.015247717377,
        ],
    ),
}
#: the first edition's fit (notebook 02 at commit f37375a, its recorded key numbers)
FIRST_EDITION_FIT = {
    "chi0": 0.32245679357693524,
    "lo": 0.27480988447582233,
    "hi": 0.36933429948040786,
    "lo2": 0.2263586278622372,
    "hi2": 0.4155095321946728,
    "chi2": 50.428035508665324,
    "D0": 2.6686241278148337,
    "dchi2": 41.40159697865922,
}


@pytest.mark.parametrize("changes", list(FIRST_EDITION_BC))
def test_cno_network_reproduces_the_first_edition(P, changes):
    """Restricted to the C-N-O parents, the network gives the first edition's B/C to 1e-6. The first edition
    already gave the cocoon term to every daughter of every injected parent (carbon made from oxygen in the
    cocoons too), so 'cocoon_daughters = all' is the restriction that reproduces it."""
    model = from_params.cno_bc_model(P)
    assert model.network.order[-2:] == ["10Be", "10B"]  # the decaying parent is solved before its daughter
    total, cocoon = FIRST_EDITION_BC[changes]
    parts = model.bc_parts(np.geomspace(1.0, 5000.0, 12), 0.4, **dict(changes))
    assert parts["total"] == pytest.approx(total, rel=1e-6)
    assert parts["cocoon"] == pytest.approx(cocoon, rel=1e-6)


def test_cno_network_reproduces_the_first_edition_fit(P):
    _, _, fit = from_params.bc_fit(P, from_params.cno_bc_model(P))
    got = {
        "chi0": fit.chi0,
        "lo": fit.chi0_interval_1sigma[0],
        "hi": fit.chi0_interval_1sigma[1],
        "lo2": fit.chi0_interval_2sigma[0],
        "hi2": fit.chi0_interval_2sigma[1],
        "chi2": fit.chi2,
        "D0": fit.best["D0"],
        "dchi2": fit.delta_chi2_no_cocoon,
    }
    assert got == pytest.approx(FIRST_EDITION_FIT, rel=1e-6)


# --- the network ----------------------------------------------------------------------------------------------
def test_default_network_is_every_nucleus_of_the_tables():
    """evoli2019 + tripathi99: C, N, O isotopes and the five heavy parents of the table (20Ne, 24Mg, 28Si, 32S,
    56Fe), boron, and 10Be before 10B; 14C is folded into 14N. galprop_opt12 covers every isotope up to iron."""
    keys = [n.key for n in nuclear.network_nuclei("evoli2019", "tripathi99")]
    assert keys == [
        "56Fe",
        "32S",
        "28Si",
        "24Mg",
        "20Ne",
        "18O",
        "17O",
        "16O",
        "15N",
        "14N",
        "13C",
        "12C",
        "11B",
        "10Be",
        "10B",
    ]
    full = nuclear.network_nuclei("galprop_opt12", "tripathi99")
    zs = {n.Z for n in full}
    assert zs == set(range(4, 29))  # Be (10Be only) to Ni
    assert {n.key for n in full if n.unstable} == {"10Be", "26Al", "36Cl", "54Mn"}
    # every parent (fragmentation or decay) comes before its daughters
    net = transport.SlabNetwork("galprop_opt12", per_decade=5)
    pos = {k: i for i, k in enumerate(net.order)}
    assert all(pos[p] < pos[d] for p, d in net.xs.partial_mb)
    assert all(pos[n.key] < pos[n.daughter] for n in full if n.unstable)


def test_inelastic_complement_agrees_with_the_crams_table():
    """The USINE tabulation of Tripathi et al. 1999 (used for the nuclei the CRAMS table lacks) against the CRAMS
    one where both have the nucleus: within 3.5 % above 3 GeV/n (USINE is lower by 2-3 %), where the B/C fit is."""
    gc, crams = nuclear._read_crams_inelastic("tripathi99")
    gu, usine = nuclear._read_usine_inelastic("tripathi99")
    T = np.geomspace(3.0, 6.29, 5)
    shared = [k for k in crams if k in usine and nuclear.charge_and_mass(k)[0] >= 5]
    assert len(shared) >= 15
    for k in shared:
        a, b = np.interp(np.log(T), np.log(gc), crams[k]), np.interp(np.log(T), np.log(gu), usine[k])
        assert np.all(np.abs(b / a - 1) < 0.035), k
    xs = nuclear.CrossSections([10.0], "galprop_opt12")
    assert xs.inelastic_table["56Fe"] == nuclear.INELASTIC_TABLES["tripathi99"]
    assert xs.inelastic_table["23Na"] == nuclear.INELASTIC_COMPLEMENT["tripathi99"]


def _two_nucleus_network(losses=False):
    return transport.SlabNetwork(nuclei=(Nucleus(12, 6, "C"), Nucleus(11, 5, "B")), losses=losses, per_decade=20)


@pytest.mark.parametrize("model_name, chi0", [("exponential", 0.4), ("constant", 0.8)])
def test_single_parent_single_channel_equals_the_closed_form(model_name, chi0):
    """12C -> 11B alone, no losses: I_C = Q X_C/(1 + X_C s_C), I_B = s_CB (I_C + chi_c Q) X_B/(1 + X_B s_B)
    (the weighted slab of chapter 2, Galactic and cocoon rows separately)."""
    net = _two_nucleus_network()
    assert net.order == ["12C", "11B"] and list(net.frag) == [("12C", "11B")]
    T = net.T
    lis = net.solve(HALO, {"12C": 1.0}, chi0, 20.0, model_name)
    Q = net.injection({"12C": 1.0})["12C"]
    X_C = transport.galactic_grammage(T, 12, 6, HALO)
    X_B = transport.galactic_grammage(T, 11, 5, HALO)
    s_C, s_B, s_CB = net.spall["12C"], net.spall["11B"], net.frag[("12C", "11B")]
    chi = chi0 * (np.exp(-kinematics.rigidity_from_T(T, 12, 6) / 2e4) if model_name == "exponential" else 1.0)
    I_C = Q * X_C / (1 + X_C * s_C)
    assert lis["12C"][0] == pytest.approx(I_C, rel=1e-12)
    assert lis["11B"][0] == pytest.approx(s_CB * I_C * X_B / (1 + X_B * s_B), rel=1e-12)
    assert lis["11B"][1] == pytest.approx(s_CB * chi * Q * X_B / (1 + X_B * s_B), rel=1e-12)


def test_single_channel_with_losses_is_the_slab_solution():
    """With losses the daughter is the slab solution of its source, the parent's intensity times s_CB."""
    net = _two_nucleus_network(losses=True)
    lis = net.solve(HALO, {"12C": 1.0}, 0.4)
    a_B = 1 / transport.galactic_grammage(net.T, 11, 5, HALO) + net.spall["11B"]
    b_B = net.b_ion["11B"] + transport.adiabatic_loss(net.T, HALO)
    src = net.frag[("12C", "11B")] * lis["12C"]
    src[1] += net.frag[("12C", "11B")] * 0.4 * np.exp(-net.rigidity["12C"] / 2e4) * net.injection({"12C": 1.0})["12C"]
    assert lis["11B"] == pytest.approx(transport.slab_solution(net.T, src, a_B, b_B), rel=1e-12)


def test_boron_is_the_sum_of_its_parents_parts(model):
    """The network is linear in its sources: the boron of each parent group adds up to the boron of the whole
    network, exactly without losses or modulation and to 1e-5 with them (the fine-grid step of the losses and
    the force field interpolate log-log, which is not exactly linear)."""
    T = np.geomspace(10.0, 1000.0, 5)
    parts = bc.boron_by_parent_group(model, T)
    assert set(parts.columns) == {"C", "N", "O", "Ne-S", "Fe group", "sum"}
    assert parts["sum"].to_numpy() == pytest.approx(1.0, abs=1e-5)
    no_losses = transport.SlabNetwork(per_decade=20, losses=False)
    m = bc.BCModel(no_losses, model.halo, 0.0, model.abundances)  # no modulation: its log-log interpolation
    exact = bc.boron_by_parent_group(m, no_losses.T[40:101:20], chi0=0.4)  # is not linear between nodes either
    assert exact["sum"].to_numpy() == pytest.approx(1.0, rel=1e-12)
    assert np.all(parts.drop(columns="sum").to_numpy() > 0)


def test_cocoon_term_on_every_daughter_or_on_secondaries_only(model):
    """'all': every daughter of an injected parent gets chi_c sigma Q (CRAMS); 'secondaries': only nuclei that
    are not injected, so the injected nuclei have no cocoon row and boron's cocoon part is smaller."""
    all_ = model.lis(0.4)
    sec = bc.BCModel(model.network, model.halo, model.phi, model.abundances, cocoon_daughters="secondaries").lis(0.4)
    injected = model.network.injection(model.abundances)
    for k in injected:
        assert np.all(sec[k][1] == 0.0), k
        assert sec[k][0] == pytest.approx(all_[k][0], rel=1e-14), k
    assert np.any(all_["12C"][1] > 0)  # carbon made from oxygen (and heavier) in the cocoons
    assert np.all(sec["11B"][1] <= all_["11B"][1] * (1 + 1e-12))
    assert np.all(sec["11B"][1] > 0.5 * all_["11B"][1])
    with pytest.raises(ValueError, match="cocoon_daughters = 'some'"):
        model.network.solve(HALO, {"C": 1.0}, 0.4, cocoon_daughters="some")
    for bad in ([1.0], -1.0, "1"):  # checked on every solve, also after a good one was kept
        with pytest.raises(ValueError, match="source abundance C = .* is not allowed"):
            model.network.solve(HALO, {"C": bad}, 0.4)


# --- ghosts and decays ----------------------------------------------------------------------------------------
def test_ghost_folding_conserves_the_produced_flux():
    """A fragment that decays at once passes its production on: 11C -> 11B adds to 11B, chains are followed,
    and wherever the branching ratios of a chain add up to one the number of nuclei produced is kept."""
    ghosts = nuclear.ghost_decays()
    kept, lost = nuclear.fold_production({"11C": 2.0, "11B": 1.0}, {"11B"}, ghosts)
    assert kept == {"11B": 3.0} and lost == {}
    kept, lost = nuclear.fold_production({"12B": 1.0}, {"12C"}, ghosts)  # 12B -> 12C 99.4 %, -> 8Be -> 2 4He
    assert kept["12C"] == pytest.approx(0.994) and lost["4He"] == pytest.approx(2 * 0.006)

    def closed(g):  # every step of every chain from g has branching ratios adding up to one
        return g not in ghosts or (
            abs(sum(n for _, n in ghosts[g]) - 1) < 1e-9 and all(closed(c) for c, _ in ghosts[g])
        )

    checked = [g for g in ghosts if closed(g)]
    assert len(checked) > 150
    for g in checked:
        kept, lost = nuclear.fold_production({g: 1.0}, set(), ghosts)
        assert sum(lost.values()) == pytest.approx(1.0, rel=1e-12), g


def test_cross_sections_fold_into_the_network_and_report_what_is_left_out():
    """With galprop_opt12 and CROSEC (no inelastic cross section for Na, Al, ...) the fragments outside the
    network are reported; with tripathi99 nothing of Z >= 5 is lost; 14C always goes to 14N."""
    lost = nuclear.CrossSections([10.0], "galprop_opt12", "crosec").left_out
    assert {"23Na", "27Al", "52Cr"} <= set(lost)
    assert nuclear.CrossSections([10.0], "galprop_opt12", "tripathi99").left_out == {}
    grid, raw = nuclear._read_usine()
    xs = nuclear.CrossSections([5.0], "galprop_opt12")
    direct = np.interp(np.log(5.0), np.log(grid), raw[("16O", "14N")] + raw[("16O", "14C")])
    assert xs.partial_mb[("16O", "14N")][0] / xs.he_factor == pytest.approx(direct, rel=1e-12)


def test_beryllium10_decays_into_boron10_in_the_full_network(model):
    """10Be -> 10B as in the first edition: the decay adds 10B at low energy, nothing at the highest."""
    net = model.network
    lis = net.solve(model.halo, model.abundances)
    stable = transport.SlabNetwork(per_decade=20)
    stable.nuclei["10Be"] = Nucleus(10, 4, "Be")  # this instance only: stable, no daughter
    ref = stable.solve(model.halo, model.abundances)
    gain = lis["10B"][0] / ref["10B"][0] - 1
    assert gain[np.searchsorted(net.T, 1.0)] > 0.02
    assert gain[-1] < 1e-3
    assert np.all(lis["10Be"][0] < ref["10Be"][0])  # decay in the halo removes 10Be


# --- source abundances ----------------------------------------------------------------------------------------
def test_calibration_recovers_injected_abundances_from_asimov_data(model):
    """Ratios X/O made by the network from known abundances, with the AMS-02 errors, give those abundances back
    (S follows Si in CRAMS proportion, as in the calibration)."""
    net = model.network
    truth = {"C": 1.0, "N": 0.09, "O": 1.1, "Ne": 0.18, "Mg": 0.25, "Si": 0.21, "Fe": 0.17}
    ties = bc.tied_elements(net, list(truth))
    assert set(ties) == {"S"} and ties["S"][0] == "Si"
    truth_all = {**truth, **{x: r * truth[ref] for x, (ref, r) in ties.items()}}
    data = cosmic_ray_data.abundance_data(elements=list(truth))
    assert set(data.element) == {"C", "N", "Ne", "Mg", "Si", "Fe"}
    m = model.with_abundances(truth_all)
    lis = m.lis(0.0)
    O = m.element_flux_rigidity(lis, "O", data.R_GV)
    data["value"] = [m.element_flux_rigidity(lis, x, [R])[0] / o for x, R, o in zip(data.element, data.R_GV, O)]
    got = bc.calibrate_abundances(model, data)
    # the calibration adds one solution per element, which is exact up to the log-log interpolations of the
    # loss step and of the force field (~1e-5 in the ratios)
    assert got == pytest.approx(truth_all, rel=1e-4)


def test_crams_abundances_follow_the_crams_code(model):
    """CRAMS injects A q_Z f_iso beta^-1 (A p_n)^(2 - gamma): per nucleus q_Z f_iso A^(3 - gamma) in this book's
    units; the transcribed q_Z are those of CRAMS v1.1 (C 3.98879e-3, O 7.15129e-3, Fe 6.8e-3)."""
    q = bc.crams_injection()
    assert (q["C"], q["O"], q["Fe"], q["B"]) == (3.98879e-3, 7.15129e-3, 6.8e-3, 0.0)
    ab = bc.crams_abundances(model.network)
    g = model.network.gamma_nuclei
    assert ab["16O"] / ab["12C"] == pytest.approx(
        q["O"] * 99.7628 / (q["C"] * 98.8922) * (16 / 12) ** (3 - g), rel=1e-12
    )
    assert ab["56Fe"] / ab["12C"] == pytest.approx(
        q["Fe"] * 100.0 / (q["C"] * 98.8922) * (56 / 12) ** (3 - g), rel=1e-12
    )
    assert "11B" not in ab and "10B" not in ab
    assert bc.crams_left_out(model.network) == ["Na", "Al", "P", "Ar", "Ca", "Cr", "Ni"]


def test_source_abundances_reject_unknown_choices_and_parents(model):
    with pytest.raises(ValueError, match="source_abundances = 'solar' is not allowed"):
        bc.source_abundances("solar", model)
    with pytest.raises(ParameterError, match="source_abundances"):
        validate({"source_abundances": "solar"}, get_chapter("bc").parameters)
    with pytest.raises(ValueError, match="no fragmentation cross section for 60Ni"):
        transport.SlabNetwork(nuclei=(Nucleus(60, 28, "Ni"), Nucleus(11, 5, "B")))
    with pytest.raises(ValueError, match="no inelastic cross section for 23Na"):
        transport.SlabNetwork("galprop_opt12", "crosec", nuclei=(Nucleus(23, 11, "Na"), Nucleus(11, 5, "B")))
    with pytest.raises(ValueError, match="'Ni'"):
        model.network.injection({"Ni": 0.1})


def test_heavy_parents_raise_boron_and_carbon(P, model):
    """Against the C-N-O network at the same transport, heavy parents add boron (10-12 % of it at 100 GeV/n) and
    B/C rises by several per cent at every energy (less than the boron share: they make carbon too)."""
    T = np.array([10.0, 100.0, 1000.0])
    shares = bc.boron_by_parent_group(model, T)
    heavy = shares[["Ne-S", "Fe group"]].sum(axis=1).to_numpy()
    assert np.all((heavy > 0.08) & (heavy < 0.15))
    ratio = model.bc(T, 0.4) / from_params.cno_bc_model(P).bc(T, 0.4)
    assert np.all((ratio > 1.02) & (ratio < heavy.max() + 1))


def _network_by_slab_solution(net, halo, abundances, chi0, R0):
    """The network solved nucleus by nucleus with :func:`slab.slab_solution` (NumPy and LAPACK), heaviest first: the
    second implementation the compiled sweep (cocoonlib.transport.network_sweep) is checked against."""
    T, Q = net.T, net.injection(abundances)
    b_ad = transport.adiabatic_loss(T, halo)
    I = {}
    for k in net.order:
        n = net.nuclei[k]
        X = transport.galactic_grammage(T, n.A, n.Z, halo, n.tau_Myr if n.unstable else -1.0)
        a, b = 1.0 / X + net.spall[k], net.b_ion[k] + b_ad
        src = np.zeros((2, T.size))
        src[0] = Q.get(k, 0.0)
        for p in net.parents.get(k, ()):
            src += net.frag[(p, k)] * I[p]
            if p in Q:
                src[1] += net.frag[(p, k)] * chi0 * np.exp(-net.rigidity[p] / (R0 * 1e3)) * Q[p]
        I[k] = transport.slab_solution(T, src, a, b)
        for u, parent in net.nuclei.items():
            if parent.unstable and parent.daughter == k:
                X_u = transport.galactic_grammage(T, parent.A, parent.Z, halo, parent.tau_Myr)
                rate = 1.0 / X_u - 1.0 / transport.galactic_grammage(T, parent.A, parent.Z, halo)
                I[k] = I[k] + transport.slab_solution(T, I[u] * rate, a, b)
    return I


def test_compiled_network_is_the_slab_solution_nucleus_by_nucleus(model):
    """Every nucleus of the chapter's network (energy losses, the 10Be decay into 10B, the cocoon term of all daughters),
    from the compiled sweep, equals the network solved by a loop over :func:`slab.slab_solution` to 1e-10."""
    net, halo = model.network, model.halo.with_(D0=3.1)
    abundances = {"C": 1.0, "N": 0.06, "O": 1.2, "Ne": 0.2, "Mg": 0.25, "Si": 0.2, "S": 0.04, "Fe": 0.2}
    abundances = {el: y for el, y in abundances.items() if el in net.injectable}
    assert any(n.unstable for n in net.nuclei.values()) and net.losses
    lis = net.solve(halo, abundances, 0.4, 30.0)
    reference = _network_by_slab_solution(net, halo, abundances, 0.4, 30.0)
    for k in net.order:
        assert lis[k] == pytest.approx(reference[k], rel=1e-10, abs=1e-300), k


def test_network_grammages_are_galactic_grammage_of_each_nucleus_as_the_transport_changes(model):
    """The network keeps the rigidity dependence of D while only D0 changes; each row is still exactly
    galactic_grammage of its nucleus (stable and with decay), also after delta and the break change."""
    net = model.network
    for changes in ({}, {"D0": 3.3}, {"D0": 1.7}, {"delta": 0.45}, {"delta": 0.45, "R_b": 250.0}, {"D0": 2.2}):
        halo = HALO.with_(**changes)
        X_stable, X = net._grammages(halo)
        for k, n in net.nuclei.items():
            i = net._index[k]
            assert np.array_equal(X_stable[i], transport.galactic_grammage(net.T, n.A, n.Z, halo)), (changes, k)
            tau = n.tau_Myr if n.unstable else -1.0
            assert np.array_equal(X[i], transport.galactic_grammage(net.T, n.A, n.Z, halo, tau)), (changes, k)
    assert any(n.unstable for n in net.nuclei.values())
