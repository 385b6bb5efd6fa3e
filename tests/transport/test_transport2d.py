"""The 2D disk-halo model of the cosmic-ray sea (cocoonlib.transport.transport2d), each against something independent:
a finite-volume solution of the same equation written here, chapter 2's 1D model in the limit of an infinite
disk, the pure-diffusion limit, and the consistency of the tables the DGE uses."""

import dataclasses

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse.linalg import spsolve

from cocoonlib.book import chapters, params
from cocoonlib.book.params import ParameterError, from_params
from cocoonlib.core.kinematics import beta_from_T, rigidity_from_T
from cocoonlib.core.units import C_CM_S, KPC_CM, MB_CM2, PER_YR_KPC2_TO_PER_S_CM2
from cocoonlib.sky import diffuse, gamma
from cocoonlib.transport import transport2d
from cocoonlib.transport.slab import (
    adiabatic_loss,
    diffusion_coefficient,
    galactic_grammage,
    ionisation_loss,
    mean_ism_mass_g,
    slab_solution,
)

P = params.validate({})
HALO = from_params.halo(P)
DISK = from_params.cocoon_disk(P)
PROTONS = from_params.injection_spectra(P)["H"]


def finite_volume_disk_halo(q_of_r, D, u, Gamma, R, H, dr, dz):
    """n(r, z) [per kpc^3] of -D lap n + d(u n)/dz = 0 for 0 < z < H, r < R, with n = 0 at r = R and z = H and the
    thin disk at z = 0 where 2 (u n - D dn/dz) + Gamma n = q(r) [per kpc^2 per s]: finite volumes, rings of width
    dr (centres (i + 1/2) dr), z nodes j dz (a half cell at z = 0), central differences (second order).
    D [kpc^2/s], u [kpc/s], Gamma [kpc/s]. Returns (ring centres, n on the disk)."""
    nr, nz = int(round(R / dr)), int(round(H / dz))
    rc = (np.arange(nr) + 0.5) * dr
    k = np.arange(nr * nz).reshape(nr, nz)
    rows, cols, vals = [], [], []

    def add(a, b, v):
        rows.append(a.ravel()), cols.append(b.ravel()), vals.append(np.broadcast_to(v, a.shape).ravel())

    h = np.where(np.arange(nz) > 0, dz, dz / 2)[None, :] * np.ones((nr, 1))
    for shift in (+1, -1):  # radial faces at i + 1/2 and i - 1/2
        face = ((np.arange(nr) + (1 if shift > 0 else 0)) * dr)[:, None]
        c = D * face * h / dr
        nb = np.arange(nr) + shift
        inside = (nb >= 0) & (nb < nr)
        add(k[inside], k[inside], c[inside]), add(k[inside], k[nb[inside]], -c[inside])
        if shift > 0:  # n = 0 at r = R, half a ring away
            add(k[-1], k[-1], 2 * c[-1])
    A = (rc * dr)[:, None] * np.ones((1, nz))
    add(k, k, A * (u / 2 + D / dz))  # top faces: u n_face - D dn/dz (n = 0 above the last node)
    add(k[:, :-1], k[:, 1:], A[:, :-1] * (u / 2 - D / dz))
    add(k[:, 1:], k[:, 1:], -A[:, 1:] * (u / 2 - D / dz))  # bottom faces of the cells above the disk
    add(k[:, 1:], k[:, :-1], -A[:, 1:] * (u / 2 + D / dz))
    add(k[:, 0], k[:, 0], A[:, 0] * Gamma / 2)  # the disk: half of (q - Gamma n) enters each side
    rhs = np.zeros(nr * nz)
    rhs[k[:, 0]] = A[:, 0] * q_of_r(rc) / 2
    M = sparse.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(nr * nz,) * 2)
    return rc, spsolve(M, rhs).reshape(nr, nz)[:, 0]


@pytest.mark.parametrize("T", [10.0, 1000.0])
def test_bessel_series_against_a_finite_volume_solution(mirror, T):
    """Without continuous losses each energy is a 2D elliptic problem: the Bessel series and a finite-volume solution
    (written here) must give the same disk intensity at the Sun and at 4 and 12 kpc, to 1e-3."""
    sea = transport2d.solve_sea("H", PROTONS, DISK, HALO, 20.0, T_GeV_n=np.array([T]), losses=False)
    bessel = sea.intensity([8.5, 4.0, 12.0], [0.0, 0.0, 0.0])[:, 0]
    beta = beta_from_T(T)
    D = diffusion_coefficient(rigidity_from_T(T, 1, 1), beta, HALO) / KPC_CM**2
    u = HALO.v_A * 1e5 / KPC_CM
    sigma = transport2d.inelastic_cross_section_mb("H", T, HALO.f_He) * MB_CM2 / mean_ism_mass_g(HALO.f_He)
    Gamma = HALO.mu * 1e-3 * beta * C_CM_S * sigma / KPC_CM
    Q = transport2d._injection_per_T(PROTONS, np.array([T]), 1, 1)[0]

    def q(r):  # sources per kpc^2 per s per GeV
        rate = np.where(r <= DISK.R_disk, DISK.rho0 * DISK.radial_shape(r) * DISK.vertical_integral_kpc(), 0.0)
        return rate * PER_YR_KPC2_TO_PER_S_CM2 * KPC_CM**2 * Q

    rc, n = finite_volume_disk_halo(q, D, u, Gamma, 20.0, HALO.H, 0.1, 0.1)
    fv = beta * C_CM_S * np.interp([8.5, 4.0, 12.0], rc, n) / KPC_CM**3 / (4 * np.pi)
    assert fv == pytest.approx(bessel, rel=1e-3)


def test_infinite_uniform_disk_is_chapter_2s_one_dimensional_model(mirror):
    """With radially uniform sources in a very wide cylinder, the disk intensity at the Sun equals chapter 2's
    weighted slab (grammage X = mu v (1 - e^-xi)/2u, same losses and spallation) at every energy."""
    R = 400.0
    flat = from_params.cocoon_disk(alpha=0.0, beta=0.0, R_disk=R - 1e-6, R_sun=8.5)
    T = transport2d.T_GRID()
    sea = transport2d.solve_sea("H", PROTONS, flat, HALO, R, n_modes=1000)
    Sigma = flat.rho0 * flat.vertical_integral_kpc() * PER_YR_KPC2_TO_PER_S_CM2
    Q = Sigma * transport2d._injection_per_T(PROTONS, T, 1, 1) / (4 * np.pi * HALO.mu * 1e-3)
    spall = transport2d.inelastic_cross_section_mb("H", T, HALO.f_He) * MB_CM2 / mean_ism_mass_g(HALO.f_He)
    one_d = slab_solution(
        T,
        Q,
        1.0 / galactic_grammage(T, 1, 1, HALO) + spall,
        ionisation_loss(T, 1, 1, HALO.f_He) + adiabatic_loss(T, HALO),
    )
    assert sea.at_sun() == pytest.approx(one_d, rel=5e-4)


def test_pure_diffusion_ratio_does_not_depend_on_energy(mirror):
    """With advection, losses and spallation off the equation is D times a fixed operator: D factors out and the
    density relative to the Sun is the same at every energy."""
    sea = transport2d.solve_sea(
        "He", from_params.injection_spectra(P)["He"], DISK, HALO, 20.0, losses=False, advection=False, spallation=False
    )
    below_cutoff = sea.rigidity_GV[sea.rigidity_GV < 1e6][::10]  # beyond, the injected spectrum underflows to 0
    g = sea.ratio_to_sun([2.0, 4.0, 12.0, 18.0], [0.0, 0.0, 0.3, 0.0], below_cutoff)
    assert np.ptp(g, axis=1) == pytest.approx(0.0, abs=1e-10)
    full = transport2d.solve_sea("He", from_params.injection_spectra(P)["He"], DISK, HALO, 20.0)
    g_full = full.ratio_to_sun([4.0], [0.0], [10.0, 1e5])[0]
    assert g_full[0] != pytest.approx(g_full[1], rel=1e-3)  # with them, it does (advection at low rigidity)


def test_ratio_is_one_at_the_sun_and_the_modes_are_converged(mirror):
    sea = transport2d.solve_sea("H", PROTONS, DISK, HALO, 20.0)
    assert sea.ratio_to_sun([8.5], [0.0], sea.rigidity_GV)[0] == pytest.approx(1.0, rel=1e-12)
    fine = transport2d.solve_sea("H", PROTONS, DISK, HALO, 20.0, n_modes=4 * transport2d.N_MODES)
    places = ([2.0, 4.0, 8.5, 12.0, 16.0], [0.0, 0.0, 0.0, 0.0, 0.5])
    assert sea.intensity(*places) == pytest.approx(fine.intensity(*places), rel=1e-4)
    # the source coefficients: the Bessel series of the surface rate gives the rate back inside the disk (slowly
    # near its edge at R_disk, where the rate jumps to zero; the intensity, smoothed by diffusion, converges fast)
    zeta = transport2d.bessel_zeros(transport2d.N_MODES)
    rate = lambda r: DISK.radial_shape(r)  # noqa: E731
    c = transport2d.source_coefficients(rate, 20.0, DISK.R_disk, transport2d.N_MODES)
    from scipy.special import j0

    r = np.array([3.0, 6.0, 8.5])
    assert j0(np.outer(r, zeta) / 20.0) @ c == pytest.approx(rate(r), rel=2e-3)


def test_tables_of_the_sea_match_the_bessel_sum(mirror):
    """The DGE reads g from tables factorised by an SVD: at random places inside the cylinder they must equal the
    Bessel sum, and g = 1 at the Sun at every rigidity node."""
    solutions = from_params.transport_solutions(P | {"R_gal": 20.0, "grid_scale": 1}, DISK)
    sea = diffuse.TransportSea("test", solutions)
    rng = np.random.default_rng(1)
    r, z = rng.uniform(0.5, 19.0, 30), rng.uniform(-1.5, 1.5, 30)
    for sp in ("H", "He"):
        tab = sea.ratio(sp, r, z)  # (nodes, points)
        exact = solutions[sp].ratio_to_sun(r, z, sea.rigidity_nodes_GV).T
        assert tab == pytest.approx(exact, rel=2e-3, abs=1e-4)
        assert sea.ratio(sp, np.array([8.5]), np.array([0.0]))[:, 0] == pytest.approx(1.0, rel=1e-6)
    assert sea.ratio("H", np.array([20.5, 5.0]), np.array([0.0, 4.5]))[:, :] == pytest.approx(0.0)


def test_sky_transport_sea_flux_at_the_sun_is_the_local_fit(mirror):
    """The absolute proton flux the model predicts at the Sun is linear in eps_p: the implied efficiency, put back,
    reproduces the local fit at 100 GV."""
    Pg = chapters.chapter_parameters("gamma", {})
    sky = from_params.gamma_sky(Pg)
    eps = gamma.implied_injection_efficiency(sky)
    again = from_params.transport_solutions(Pg | {"eps_p": eps})["H"].flux_R_at_sun(100.0)
    assert again == pytest.approx(float(sky.local.direct["H"].shape.flux_R(100.0)), rel=1e-6)


def test_bad_transport_input_is_one_line_before_any_work(tmp_path, monkeypatch):
    with pytest.raises(ParameterError, match=r"R_gal = 12.0 is not allowed.*R_disk") as err:
        chapters.chapter_parameters("gamma", {"R_gal": 12.0})
    assert "\n" not in str(err.value)
    with pytest.raises(ParameterError, match="cr_sea = 'flat' is not allowed"):
        chapters.chapter_parameters("gamma", {"cr_sea": "flat"})
    monkeypatch.setenv("COCOON_OUTPUT_DIR", str(tmp_path))
    with pytest.raises(ParameterError, match="transport_source = 'fit' is not allowed here: no B/C fit") as err:
        chapters.chapter_parameters("gamma", {"transport_source": "fit"})
    assert "\n" not in str(err.value)
    with pytest.raises(ValueError, match="R_gal"):
        transport2d.solve_sea("H", PROTONS, DISK, HALO, 10.0)


def test_batched_slab_solver_equals_one_solution_per_row():
    """slab_solution with one operator per row (the Bessel modes) against the 1-D LAPACK path row by row."""
    T = np.logspace(-1, 4, 101)
    a = np.vstack([1 / (k * T**-0.5) + 0.01 for k in (2.0, 5.0, 9.0)])
    Q, b = T**-2.4, 0.01 * T + 0.02
    rows = slab_solution(T, np.broadcast_to(Q, a.shape), a, b)
    for k in range(3):
        assert rows[k] == pytest.approx(slab_solution(T, Q, a[k], b), rel=1e-13)


def test_transport_source_fit_reads_chapter_2s_saved_transport(tmp_path, monkeypatch):
    """transport_source = 'fit' takes the halo saved with chapter 2's fit, best-fit values in place."""
    from cocoonlib.book.params import saved_fit
    from cocoonlib.stats import bc_fit

    monkeypatch.setenv("COCOON_OUTPUT_DIR", str(tmp_path))
    fit = bc_fit.BCFit(
        free=["chi0", "D0"],
        best={"chi0": 0.3, "D0": 3.1},
        errors={},
        covariance={},
        chi2=1.0,
        ndof=1,
        chi2_by_experiment={},
        n_by_experiment={},
        chi0_interval_1sigma=[0.2, 0.4],
        chi0_interval_2sigma=[0.1, 0.5],
        profile_chi0=[],
        profile_dchi2=[],
        chi2_no_cocoon=5.0,
        best_no_cocoon={},
        settings={"halo": {"D0": 3.1, "H_halo": 5.0, "v_A": 3.0}},
    )
    saved_fit.save_fit(fit)
    Pg = chapters.chapter_parameters("gamma", {"transport_source": "fit"})
    halo = from_params.transport_halo(Pg)
    assert (halo.D0, halo.H, halo.v_A, halo.delta) == (3.1, 5.0, 3.0, Pg["delta_gal"])
    assert from_params.transport_halo(Pg | {"transport_source": "parameter"}).D0 == Pg["D0"]


def test_the_dge_sees_the_local_sea_at_the_sun(mirror):
    """End to end through the DGE's own machinery (the sea's SVD tables, the rays of a window, the columns of g n_H per
    rigidity node): gas only in a thin ring around the Sun's radius sees the transport sea as the local spectrum, g = 1,
    at every node, for H and He; the same gas one kpc further in sees the sea's gradient (g > 1)."""
    from dataclasses import dataclass

    from cocoonlib.io import regions
    from cocoonlib.sky.gas import GasModel

    @dataclass(frozen=True)
    class Ring(GasModel):
        radius: float = 8.5
        width: float = 0.01  # kpc, half-width in r and |z|

        def nH_HI(self, r, z):
            return np.where((np.abs(r - self.radius) < self.width) & (np.abs(z) < self.width), 1.0, 0.0)

        def nH_H2(self, r, z):
            return np.zeros_like(np.asarray(r, dtype=float))

        def radial_breaks_kpc(self):
            return np.array([self.radius - self.width, self.radius + self.width])

    solutions = from_params.transport_solutions(P | {"R_gal": 20.0, "grid_scale": 1}, DISK)
    sea = diffuse.TransportSea("test", solutions)
    window = regions.sky_window("inner")
    for radius, expect in ((8.5, "one"), (7.5, "above one")):
        gas = Ring(radius=radius)
        plain = diffuse.sea_columns(gas, diffuse.UniformSea(), window, None)
        assert plain.item() > 0
        for sp, columns in diffuse.sea_columns_by_species(gas, sea, window, None).items():
            g = columns / plain.item()
            if expect == "one":
                assert g == pytest.approx(1.0, abs=1e-3), sp  # 2e-4 found: the ring's 10 pc against the gradient
            else:
                assert np.all(g > 1.05), (sp, g.min())


def test_disk_coefficients_are_kept_by_value():
    """The disk's Bessel coefficients, kept per disk: the same as source_coefficients of its surface rate, read-only,
    and another disk (a different profile) gets its own."""
    surface = lambda r: DISK.rho0 * DISK.radial_shape(r) * DISK.vertical_integral_kpc()  # noqa: E731
    direct = transport2d.source_coefficients(surface, 20.0, DISK.R_disk, 40) * PER_YR_KPC2_TO_PER_S_CM2
    kept = transport2d.disk_coefficients(DISK, 20.0, 40)
    assert np.array_equal(kept, direct) and not kept.flags.writeable
    assert transport2d.disk_coefficients(DISK, 20.0, 40) is kept
    other = transport2d.disk_coefficients(dataclasses.replace(DISK, R_disk=12.0), 20.0, 40)
    assert not np.allclose(other, kept, rtol=1e-3, atol=0.0)
