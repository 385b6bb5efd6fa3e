"""Galactic transport (weighted slab): closed forms, limits and the force field."""

import dataclasses

import numpy as np
import pytest

from cocoonlib.book.params import from_params
from cocoonlib.core import kinematics
from cocoonlib.core.kinematics import T_from_rigidity, rigidity_from_T
from cocoonlib.core.units import C_CM_S, KPC_CM, M_PROTON_G, M_PROTON_GEV, MB_CM2
from cocoonlib.transport import slab as transport

HALO = from_params.halo()


# --- grammage, diffusion, losses (no data needed) ---------------------------------------------
@pytest.mark.parametrize("R, X_expected", [(10.0, 6.47), (100.0, 2.09), (1e3, 0.78), (1e4, 0.35)])
def test_galactic_grammage_matches_specification(R, X_expected):
    """X_gal of carbon at the CRAMS defaults from an independent computation, to 2-3 digits (Methods, methods-diffusion)."""
    T = T_from_rigidity(R, 12, 6)
    assert transport.galactic_grammage(T, 12, 6, HALO) == pytest.approx(X_expected, rel=0.015)


def test_grammage_normalisation_and_plateau():
    """X / [1 - exp(-v_A H/D)] = mu v / 2 v_A (78.2 g/cm^2 for v = c); D >= 2 v_A H bounds X."""
    T = np.geomspace(1, 1e5, 7)
    beta = kinematics.beta_from_T(T)
    D = transport.diffusion_coefficient(rigidity_from_T(T, 12, 6), beta, HALO)
    xi = HALO.v_A * 1e5 * HALO.H * KPC_CM / D
    X = transport.galactic_grammage(T, 12, 6, HALO)
    norm = X / (1 - np.exp(-xi)) / beta
    assert norm == pytest.approx(HALO.mu * 1e-3 * C_CM_S / (2 * HALO.v_A * 1e5), rel=1e-12)
    assert norm[0] == pytest.approx(78.2, rel=1e-3)
    assert np.all(xi <= 0.5 + 1e-12)


def test_unstable_grammage_limits():
    """A decay time much longer than the escape time gives the stable grammage; a short one a smaller X."""
    T = np.geomspace(1, 1e4, 9)
    stable = transport.galactic_grammage(T, 10, 4, HALO)
    assert transport.galactic_grammage(T, 10, 4, HALO, tau_Myr=1e12) == pytest.approx(stable, rel=1e-6)
    short = transport.galactic_grammage(T, 10, 4, HALO, tau_Myr=2.178)
    assert np.all(short < stable)
    assert np.all(np.diff(short / stable) > 0)  # time dilation: decay matters less at high energy


def test_ionisation_loss_of_a_minimum_ionising_proton():
    """Bethe stopping power of hydrogen gas at beta*gamma = 3.5: 4.10 MeV cm^2/g (PDG atomic and nuclear
    properties, H2 gas minimum ionisation); the Z^2/A scaling at equal T/n."""
    T = M_PROTON_GEV * (np.sqrt(1 + 3.5**2) - 1)
    b = transport.ionisation_loss(T, 1, 1, f_He=0.0)
    assert b * 1e3 == pytest.approx(4.10, rel=0.03)
    assert transport.ionisation_loss(T, 12, 6, 0.0) == pytest.approx(3.0 * b, rel=1e-3)


# --- the slab solver ---------------------------------------------------------------------------
def test_slab_solver_power_law_with_linear_losses():
    """-d(b0 T I)/dT + a I = Q0 T^-s has the particular solution I = Q0 T^-s / (a + b0 (s - 1))."""
    a, b0, s = 1.0, 0.5, 2.7
    errors = []
    for per_decade in (40, 160):
        T = np.geomspace(1.0, 1e6, int(6 * per_decade) + 1)
        I = transport.slab_solution(T, T**-s, a, b0 * T)
        exact = T**-s / (a + b0 * (s - 1))
        far = T < 1e4  # away from the truncated top of the grid
        errors.append(np.max(np.abs(I[far] / exact[far] - 1)))
    assert errors[1] < 0.01
    assert errors[1] < errors[0] / 3  # first order: the error falls with the step


def test_slab_solver_without_losses_is_exact_and_continuous():
    T = np.geomspace(0.1, 1e5, 241)
    Q = T**-2.3
    a = 1.0 / (10 * T**-0.4) + 0.02
    assert transport.slab_solution(T, Q, a) == pytest.approx(Q / a, rel=1e-14)
    tiny = transport.slab_solution(T, Q, a, 1e-9 * T)
    assert tiny[:-1] == pytest.approx((Q / a)[:-1], rel=1e-6)


def test_upwind_step_equals_the_recursion_written_out():
    """The LAPACK back substitution against the upwind recursion as a plain loop; inputs are not changed."""
    T = np.geomspace(0.3, 3e3, 81)
    Q, a, b = T**-2.4, 0.05 + 0.3 * T**-0.5, 0.02 * T + 0.5
    kept = Q.copy()
    got = transport._upwind(T, Q, a, b)
    loop = np.zeros_like(T)
    loop[-1] = Q[-1] / a[-1]
    for i in range(T.size - 2, -1, -1):
        h = T[i + 1] - T[i]
        loop[i] = (Q[i] + b[i + 1] * loop[i + 1] / h) / (a[i] + b[i] / h)
    assert got == pytest.approx(loop, rel=1e-13)
    assert np.array_equal(Q, kept)
    transport.slab_solution(T, Q, a, b)
    assert np.array_equal(Q, kept)


def test_slab_solver_vectorised_rows_are_independent():
    T = np.geomspace(1, 1e3, 61)
    Q = np.vstack([T**-2.0, 3 * T**-2.5])
    rows = transport.slab_solution(T, Q, 0.7, 0.01 * T)
    for i in range(2):
        assert rows[i] == pytest.approx(transport.slab_solution(T, Q[i], 0.7, 0.01 * T), rel=1e-12)


# --- force field -------------------------------------------------------------------------------
def test_force_field_phi_zero_is_identity():
    T = np.geomspace(0.1, 1e4, 200)
    I = T**-2.7 * (1 + 0.3 * np.sin(np.log(T)))
    assert transport.force_field(T[3:-3], T, I, 12, 6, 0.0) == pytest.approx(I[3:-3], rel=1e-12)


def test_force_field_conserves_phase_space_density_along_the_shift():
    """Gleeson & Axford: I/p^2 is the same at T (Earth) and T + Phi (outside), Phi = (Z/A) phi per nucleon."""
    T_grid = np.geomspace(0.01, 1e5, 400)
    I_lis = T_grid**-2.7  # exact under log-log interpolation
    T = np.geomspace(0.1, 1e3, 30)
    for A, Z in ((12, 6), (11, 5), (1, 1)):
        Phi = Z / A * 0.6
        toa = transport.force_field(T, T_grid, I_lis, A, Z, 0.6)
        p2 = kinematics.momentum_per_nucleon(T) ** 2
        p2_out = kinematics.momentum_per_nucleon(T + Phi) ** 2
        assert toa / p2 == pytest.approx((T + Phi) ** -2.7 / p2_out, rel=1e-10)
        assert np.all(toa < T**-2.7)  # modulation only removes particles at fixed T


# --- the network (needs the cross-section tables) ---------------------------------------------
@pytest.fixture(scope="module")
def network(mirror):
    return transport.SlabNetwork(losses=False)


def test_network_single_parent_equals_closed_form(network):
    """No losses, 12C the only primary: 11B/12C equals the weighted-slab expression of Methods, methods-secondary-ratio,
    written out here from the grammages and cross sections (Galactic and cocoon parts separately)."""
    T = network.T
    chi0, R0 = 0.4, 20.0
    lis = network.solve(HALO, {"12C": 1.0}, chi0, R0, "exponential")
    X_C = transport.galactic_grammage(T, 12, 6, HALO)
    X_B = transport.galactic_grammage(T, 11, 5, HALO)
    m = transport.mean_ism_mass_g(HALO.f_He)
    he = (1 + 4 ** (2 / 3) * HALO.f_He) / (1 + HALO.f_He)
    s_C = network.xs.inelastic_mb["12C"] * MB_CM2 / m
    s_B = network.xs.inelastic_mb["11B"] * MB_CM2 / m
    s_CB = network.xs.partial_mb[("12C", "11B")] * MB_CM2 / m
    chi = chi0 * np.exp(-rigidity_from_T(T, 12, 6) / (R0 * 1e3))
    Q = T * 0 + 1  # any spectrum: the ratio does not depend on it without losses
    I_C = Q * X_C / (1 + X_C * s_C)
    gal = s_CB * I_C * X_B / (1 + X_B * s_B) / I_C
    coc = s_CB * chi * Q * X_B / (1 + X_B * s_B) / I_C
    assert lis["11B"][0] / lis["12C"][0] == pytest.approx(gal, rel=1e-10)
    assert lis["11B"][1] / lis["12C"].sum(0) == pytest.approx(coc, rel=1e-10)
    assert he == pytest.approx(network.xs.he_factor)
    assert M_PROTON_G < m < 2 * M_PROTON_G


def test_network_high_energy_plateau(network):
    """With a negligible Galactic grammage B/C -> sigma_CB chi0 / m (times X_B/X_C, both ~ 1/D)."""
    far = HALO.with_(D0=HALO.D0 * 1e6)
    chi0 = 0.4
    lis = network.solve(far, {"12C": 1.0}, chi0, 1e9, "constant")
    ratio = lis["11B"].sum(0) / lis["12C"].sum(0)
    X_ratio = transport.galactic_grammage(network.T, 11, 5, far) / transport.galactic_grammage(network.T, 12, 6, far)
    floor = network.frag[("12C", "11B")] * chi0
    assert ratio[-1] == pytest.approx(floor[-1] * X_ratio[-1], rel=1e-3)
    assert X_ratio[-1] == pytest.approx(1.1 ** -(HALO.delta - HALO.ddelta), rel=5e-3)


def test_network_is_linear_in_the_sources(network):
    a = network.solve(HALO, {"C": 1.0}, 0.3)
    b = network.solve(HALO, {"O": 1.0}, 0.3)
    ab = network.solve(HALO, {"C": 1.0, "O": 1.0}, 0.3)
    assert ab["11B"] == pytest.approx(a["11B"] + b["11B"], rel=1e-12)


def test_network_rejects_bad_abundances(network):
    """A parent the cross-section tables do not cover is named (the evoli2019 table stops at 56Fe)."""
    with pytest.raises(ValueError, match="'Ni'.*evoli2019 and tripathi99 tables have no isotope of Ni"):
        network.injection({"Ni": 1.0})
    with pytest.raises(ValueError, match="'58Ni'"):
        network.injection({"58Ni": 1.0})
    with pytest.raises(ValueError, match="number >= 0"):
        network.injection({"C": -1.0})


def test_radioactive_beryllium_feeds_boron(mirror):
    """10Be decays to 10B: more 10B at low energy (where it decays), no change at the highest energies."""
    net = transport.SlabNetwork(losses=False)
    with_decay = net.solve(HALO, {"C": 1.0})
    net.nuclei["10Be"] = dataclasses.replace(net.nuclei["10Be"], tau_Myr=-1.0)  # this instance only: stable
    no_decay = net.solve(HALO, {"C": 1.0})
    gain = with_decay["10B"][0] / no_decay["10B"][0] - 1
    assert gain[np.searchsorted(net.T, 1.0)] > 0.02
    assert gain[-1] < 1e-3


def test_losses_matter_at_low_energy_only(mirror):
    """Ionisation and adiabatic losses shift B/C by several per cent near 1 GeV/n and by < 1 % at a
    few hundred GeV/n, where escape (grammage ~ 1 g/cm^2) beats both loss lengths by far."""
    ratio = {}
    for losses in (True, False):
        net = transport.SlabNetwork(losses=losses)
        I = net.solve(HALO, {"C": 1.0, "O": 1.2})
        ratio[losses] = (I["10B"] + I["11B"]).sum(0) / (I["12C"] + I["13C"]).sum(0)
    change = np.abs(ratio[True] / ratio[False] - 1)
    T = net.T
    assert change[np.searchsorted(T, 1.0)] > 0.03
    assert change[np.searchsorted(T, 300.0)] < 0.01
