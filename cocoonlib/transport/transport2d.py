"""Galactic protons and helium in two dimensions: the disk-halo model of chapter 2 in a cylinder, solved
with a Bessel series in radius.

The model is the one chapter 2 fits to B/C, given a radial dimension (the classic two-zone diffusion model of
Maurin, Donato, Taillet & Salati 2001, ApJ 555, 585, Sec. 2-3; the form USINE solves). Cosmic rays live in a
cylinder of radius ``R_gal`` and half-height ``H``, and their density vanishes on its surface. Sources and
gas sit in a thin disk at z = 0: the sources are the cocoons of chapter 1 (the Green 2015 birth rate
integrated over height, times the injection spectrum of one cocoon), the gas a uniform surface density
``mu``. Particles diffuse with chapter 2's D(R) (:func:`cocoonlib.transport.slab.diffusion_coefficient`), are
advected away from the disk at ``v_A``, and, in the disk, are lost to inelastic collisions and lose energy
(ionisation and the adiabatic loss at the jump of the advection speed), as in chapter 2.

For one Bessel mode, n(r, z) = n_i(z) J0(zeta_i r / R_gal) with zeta_i the i-th zero of J0, the halo equation
-D n'' + u n' + D k_i^2 n = 0 (k_i = zeta_i / R_gal, u = v_A, z > 0) with n(H) = 0 gives

    n_i(z) = n_i(0) exp(u |z| / 2D) sinh[S_i (H - |z|)/2] / sinh[S_i H/2],    S_i = sqrt(u^2/D^2 + 4 k_i^2),

and what leaves the disk per unit area (diffusion and advection on both sides) is n_i(0) [u + D S_i coth(S_i H/2)].
The disk balance of mode i therefore has the form of chapter 2's weighted slab for the intensity
I = v n / 4 pi per kinetic energy per nucleon T,

    I_i / X_i(T) + (sigma_inel / m) I_i - d/dT [b(T) I_i] = sigma_i Q(T) / (4 pi mu),
    X_i = mu v / [u + D S_i coth(S_i H/2)],

with sigma_i the Bessel coefficient of the source surface rate, Q(T) the particles one source injects per unit
T, b the energy loss per unit grammage and m the mean mass of an ISM atom. For k_i -> 0 the mode grammage is
chapter 2's X = (mu v / 2u)(1 - exp(-u H / D)); for u -> 0 and no losses it is the pure-diffusion result. The
slab equation is solved per mode by :func:`cocoonlib.transport.slab.slab_solution` (second order, exact without
losses), and the modes are summed.

Units: r, z, R_gal, H in kpc; T in GeV per nucleon; rigidity R in GV; intensities in
GeV^-1 cm^-2 s^-1 sr^-1 per unit T (per nucleon); the source rate in supernovae per year.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import special

from cocoonlib.core.kinematics import T_from_rigidity, beta_from_T, momentum_per_nucleon, rigidity_from_T
from cocoonlib.core.numerics import gauss_legendre, loglog_interp
from cocoonlib.core.units import C_CM_S, KPC_CM, M_PROTON_GEV, MB_CM2, PER_YR_KPC2_TO_PER_S_CM2
from cocoonlib.production.kelner import sigma_inel_mb as _sigma_pp_mb
from cocoonlib.source.cocoon_disk import CocoonDisk
from cocoonlib.source.injection import InjectionSpectrum
from cocoonlib.transport.slab import (
    Halo,
    adiabatic_loss,
    diffusion_coefficient,
    galactic_grammage,
    ionisation_loss,
    mean_ism_mass_g,
    slab_solution,
)

__all__ = [
    "N_MODES",
    "NUCLEUS",
    "bessel_zeros",
    "source_coefficients",
    "disk_coefficients",
    "mode_grammage",
    "GalacticSea",
    "solve_sea",
    "inelastic_cross_section_mb",
    "T_GRID",
    "uniform_disk_flux_R",
]

#: Bessel modes summed (assumed: with R_gal = 20 kpc and the Green profile cut at R_disk = 15 kpc, 120 modes
#: give the density at 4, 8.5 and 12 kpc within 1e-4 of 480 modes at every energy; the chapter repeats the check)
N_MODES = 120


def T_GRID(grid_scale: int = 1) -> np.ndarray:
    """Kinetic energies per nucleon [GeV/n] of the solution: 0.1 GeV/n to 10^9 GeV/n, 20 per decade (times
    ``grid_scale``): below the pion threshold of the DGE's lowest photons, above its highest projectiles."""
    n = 200 * grid_scale + 1
    return np.logspace(-1.0, 9.0, n)


@lru_cache(maxsize=8)
def bessel_zeros(n_modes: int) -> np.ndarray:
    """The first ``n_modes`` zeros of J0 (read-only)."""
    z = special.jn_zeros(0, n_modes)
    z.setflags(write=False)
    return z


def source_coefficients(surface_rate, R_gal_kpc: float, R_source_kpc: float, n_modes: int):
    """Bessel coefficients sigma_i of a source surface rate Sigma(r) [any unit per kpc^2] that vanishes beyond
    ``R_source_kpc``: Sigma(r) = sum_i sigma_i J0(zeta_i r / R_gal) on r < R_gal, with

        sigma_i = 2 / [R_gal^2 J1(zeta_i)^2] Int_0^R_gal r Sigma(r) J0(zeta_i r / R_gal) dr

    (orthogonality of J0(zeta_i r/R) on [0, R] with weight r). Gauss-Legendre on segments short enough to
    follow the fastest mode (eight nodes per half period)."""
    zeta = bessel_zeros(n_modes)
    edge = min(R_source_kpc, R_gal_kpc)
    n_seg = max(64, int(np.ceil(zeta[-1] / np.pi * edge / R_gal_kpc)) * 2)
    t, w = gauss_legendre(8)
    a = np.linspace(0.0, edge, n_seg + 1)
    half = 0.5 * np.diff(a)
    r = ((a[:-1] + half)[:, None] + half[:, None] * t).ravel()
    wr = (half[:, None] * w).ravel()
    integral = special.j0(np.outer(zeta, r / R_gal_kpc)) @ (wr * r * surface_rate(r))
    return 2.0 * integral / (R_gal_kpc**2 * special.j1(zeta) ** 2)


def mode_grammage(T_GeV_n, A: int, Z: int, halo: Halo, k_per_kpc):
    """X_i(T) = mu v / [u + D S_i coth(S_i H / 2)] [g cm^-2], S_i = sqrt(u^2/D^2 + 4 k_i^2): shape (modes, T).

    u = ``halo.v_A``; with u = 0, X_i = mu v / [2 D k_i coth(k_i H)] (pure diffusion)."""
    T = np.asarray(T_GeV_n, dtype=float)
    v = beta_from_T(T) * C_CM_S
    D = diffusion_coefficient(rigidity_from_T(T, A, Z), beta_from_T(T), halo)[None, :]
    u = halo.v_A * 1e5
    k = np.asarray(k_per_kpc, dtype=float)[:, None] / KPC_CM
    S = np.sqrt((u / D) ** 2 + 4.0 * k**2)
    x = 0.5 * S * halo.H * KPC_CM
    return halo.mu * 1e-3 * v[None, :] / (u + D * S / np.tanh(x))


def inelastic_cross_section_mb(species: str, T_GeV_n, f_He: float):
    """Inelastic cross section of H or He on one ISM atom [mb]: on hydrogen, KAB06 eq. 79 for protons (the
    cross section of the production module) and the Tripathi et al. 1999 table of chapter 2 for 4He (constant
    beyond its ends, 0.1 GeV/n and 1.25 TeV/n); on the He of the gas, the hydrogen value times 4^(2/3), as chapter 2."""
    T = np.asarray(T_GeV_n, dtype=float)
    if species == "H":
        sigma_H = _sigma_pp_mb(T + M_PROTON_GEV)
    elif species == "He":
        grid, sigma = _helium_inelastic_table()
        sigma_H = np.interp(np.log(T), np.log(grid), sigma)  # constant beyond the table's ends
    else:
        raise ValueError(f"species = {species!r} is not allowed: expected 'H' or 'He'")
    return sigma_H * (1.0 + 4.0 ** (2.0 / 3.0) * f_He) / (1.0 + f_He)


#: (A, Z) of the two species of the sea
NUCLEUS = {"H": (1, 1), "He": (4, 2)}


@lru_cache(maxsize=1)
def _helium_inelastic_table() -> tuple[np.ndarray, np.ndarray]:
    """(T [GeV/n], sigma [mb]) of 4He on hydrogen from chapter 2's Tripathi et al. 1999 table (CRAMS v1.1: rows
    'Z A sigma...' on T = 0.1 x 1.1^i GeV/n)."""
    from cocoonlib.io.data import fetch
    from cocoonlib.transport.nuclear import INELASTIC_TABLES

    for line in fetch(INELASTIC_TABLES["tripathi99"]).read_text().splitlines():
        parts = line.split()
        if len(parts) > 2 and (int(parts[0]), int(parts[1])) == (2, 4):
            sigma = np.array(parts[2:], dtype=float)
            return 0.1 * 1.1 ** np.arange(sigma.size), sigma
    raise ValueError(f"{INELASTIC_TABLES['tripathi99']} has no inelastic cross section for 4He")


def _injection_per_T(spectrum: InjectionSpectrum, T_GeV_n, A: int, Z: int):
    """Particles one source injects per unit kinetic energy per nucleon [GeV^-1], at T (rigidity R = (A/Z) p_n)."""
    R = rigidity_from_T(T_GeV_n, A, Z)
    E = spectrum.species.total_energy_GeV(R)
    dE_dR = spectrum.species.Z**2 * R / E
    dR_dT = (A / Z) * (np.asarray(T_GeV_n) + M_PROTON_GEV) / momentum_per_nucleon(T_GeV_n)
    return spectrum.per_energy(E) * dE_dR * dR_dT


#: every column (rigidity) of a solution
ALL_COLUMNS = slice(None)


@dataclass(frozen=True)
class GalacticSea:
    """The solved model for one species: disk intensities of every Bessel mode, and the density anywhere.

    ``I_modes`` [GeV^-1 cm^-2 s^-1 sr^-1 per (GeV/n)] has shape (modes, T); the intensity at (r, z) is
    sum_i I_modes[i] J0(k_i r) Z_i(z) with the vertical profile of the module docstring.
    """

    species: str
    T: np.ndarray
    rigidity_GV: np.ndarray
    k_per_kpc: np.ndarray
    I_modes: np.ndarray
    u_over_D_per_kpc: np.ndarray  # (T,)
    S_per_kpc: np.ndarray  # (modes, T)
    R_gal: float
    H: float
    R_sun: float

    def _vertical(self, z_kpc, cols=ALL_COLUMNS):
        """Z_i(z) for every mode, shape (modes, T[cols], z): exp(u|z|/2D) sinh(S(H-|z|)/2)/sinh(SH/2), written
        with decaying exponentials only."""
        az = np.minimum(np.abs(np.asarray(z_kpc, dtype=float)), self.H)
        S = self.S_per_kpc[:, cols, None]
        uD = self.u_over_D_per_kpc[None, cols, None]
        grow = np.exp(0.5 * (uD - S) * az)
        return grow * -np.expm1(-S * (self.H - az)) / -np.expm1(-S * self.H)

    def intensity(self, r_kpc, z_kpc, cols=ALL_COLUMNS):
        """I(r, z, T) on ``self.T[cols]`` for points r, z (1-D arrays of equal length): shape (points, T[cols])."""
        r = np.atleast_1d(np.asarray(r_kpc, dtype=float))
        z = np.atleast_1d(np.asarray(z_kpc, dtype=float))
        radial = np.where(r[None, :] < self.R_gal, special.j0(np.outer(self.k_per_kpc, r)), 0.0)  # (modes, points)
        vertical = self._vertical(z, cols)  # (modes, T, points)
        return np.einsum("mt,mp,mtp->pt", self.I_modes[:, cols], radial, vertical)

    def at_sun(self, cols=ALL_COLUMNS):
        """I(R_sun, 0, T) on ``self.T[cols]``."""
        return self.intensity([self.R_sun], [0.0], cols)[0]

    def flux_R_at_sun(self, R_GV):
        """Absolute flux per rigidity at the Sun, j_R = I dT/dR [m^-2 s^-1 sr^-1 GV^-1], at rigidity ``R_GV`` (a
        number, or an array of them) (dT/dR = (Z/A)^2 R / (T + m_p) per nucleon)."""
        A, Z = NUCLEUS[self.species]
        R = np.asarray(R_GV, dtype=float)
        T = T_from_rigidity(R, A, Z)
        j = loglog_interp(T, self.T, self.at_sun()) * (Z / A) ** 2 * R / (T + M_PROTON_GEV) * 1.0e4
        return float(j) if np.ndim(R_GV) == 0 else np.asarray(j)

    def ratio_to_sun(self, r_kpc, z_kpc, rigidity_GV):
        """g = n(r, z) / n(R_sun, 0) at points (r, z) and rigidities [GV], linear in ln R between the solution's
        nodes (only the nodes that bracket the rigidities are evaluated): shape (points, rigidities)."""
        lnR = np.log(self.rigidity_GV)
        x = np.clip(np.log(np.atleast_1d(np.asarray(rigidity_GV, dtype=float))), lnR[0], lnR[-1])
        j = np.clip(np.searchsorted(lnR, x, side="right") - 1, 0, lnR.size - 2)
        w = (x - lnR[j]) / (lnR[j + 1] - lnR[j])
        cols, where = np.unique(np.concatenate([j, j + 1]), return_inverse=True)
        g = self.intensity(r_kpc, z_kpc, cols) / self.at_sun(cols)[None, :]
        lo, hi = where[: j.size], where[j.size :]
        return (1.0 - w) * g[:, lo] + w * g[:, hi]

    def table(self, r_kpc, z_kpc, rigidity_GV):
        """g on the grid r x z (1-D arrays) at the given rigidities [GV]: shape (rigidities, r, z). Built as one
        matrix product per rigidity, sum over modes of J0(k_i r) x I_i Z_i(z) (no interpolation in space)."""
        R = np.atleast_1d(np.asarray(rigidity_GV, dtype=float))
        r = np.asarray(r_kpc, dtype=float)
        radial = np.where(r[None, :] < self.R_gal, special.j0(np.outer(self.k_per_kpc, r)), 0.0).T  # (r, modes)
        lnR = np.log(self.rigidity_GV)
        x = np.log(np.clip(R, self.rigidity_GV[0], self.rigidity_GV[-1]))
        j = np.clip(np.searchsorted(lnR, x, side="right") - 1, 0, lnR.size - 2)
        wgt = (x - lnR[j]) / (lnR[j + 1] - lnR[j])
        out = np.empty((R.size, r.size, np.size(z_kpc)))
        sun = np.where(self.R_sun < self.R_gal, special.j0(self.k_per_kpc * self.R_sun), 0.0)
        for m, (jm, wm) in enumerate(zip(j, wgt)):
            both = []
            for col in (jm, jm + 1):
                vert = self._vertical(z_kpc, slice(col, col + 1))[:, 0, :]  # (modes, z)
                amp = self.I_modes[:, col]
                both.append((radial * amp[None, :]) @ vert / (sun @ amp))
            out[m] = (1.0 - wm) * both[0] + wm * both[1]
        return out


@lru_cache(maxsize=16)
def disk_coefficients(disk: CocoonDisk, R_gal_kpc: float, n_modes: int) -> np.ndarray:
    """:func:`source_coefficients` of the cocoon disk's surface rate [s^-1 cm^-2], kept per (frozen) disk, cylinder
    and number of modes: every sea solved for one disk (species, transport, spectra) has the same sources."""
    surface = lambda r: disk.rho0 * disk.radial_shape(r) * disk.vertical_integral_kpc()  # noqa: E731  [yr^-1 kpc^-2]
    sigma_i = source_coefficients(surface, R_gal_kpc, disk.R_disk, n_modes) * PER_YR_KPC2_TO_PER_S_CM2
    sigma_i.setflags(write=False)
    return sigma_i


def solve_sea(
    species: str,
    spectrum: InjectionSpectrum,
    disk: CocoonDisk,
    halo: Halo,
    R_gal_kpc: float,
    n_modes: int = N_MODES,
    T_GeV_n=None,
    losses: bool = True,
    advection: bool = True,
    spallation: bool = True,
) -> GalacticSea:
    """Solve the 2D model for ``species`` ("H" or "He") injected by every cocoon of ``disk`` with ``spectrum``.

    ``halo`` carries chapter 2's transport parameters (D(R), H, v_A, mu, f_He); ``losses``, ``advection`` and
    ``spallation`` switch those terms off for the checks (with all three off, D factors out and the ratio to the
    Sun no longer depends on energy). Raises ValueError if ``R_gal_kpc`` does not exceed the disk radius.
    """
    if species not in NUCLEUS:
        raise ValueError(f"species = {species!r} is not allowed: expected 'H' or 'He'")
    if not R_gal_kpc > disk.R_disk:
        raise ValueError(
            f"R_gal = {R_gal_kpc!r} is not allowed: the cosmic-ray cylinder must be larger than the "
            f"cocoon disk, R_gal > R_disk = {disk.R_disk!r} kpc"
        )
    A, Z = NUCLEUS[species]
    T = T_GRID() if T_GeV_n is None else np.asarray(T_GeV_n, dtype=float)
    k = bessel_zeros(n_modes) / R_gal_kpc
    sigma_i = disk_coefficients(disk, R_gal_kpc, n_modes)
    if not advection:
        halo = halo.with_(v_A=0.0)  # no advection, no adiabatic loss, no 2 v_A H plateau in D
    X = mode_grammage(T, A, Z, halo, k)
    spall = (
        inelastic_cross_section_mb(species, T, halo.f_He) * MB_CM2 / mean_ism_mass_g(halo.f_He) if spallation else 0.0
    )
    Q = _injection_per_T(spectrum, T, A, Z) / (4.0 * np.pi * halo.mu * 1e-3)
    b = ionisation_loss(T, A, Z, halo.f_He) + adiabatic_loss(T, halo) if losses else None
    # each mode solved for the (positive) spectrum, then scaled by its coefficient: the slab solver's log-log
    # midpoints are meant for positive sources, and some sigma_i are negative
    I_modes = sigma_i[:, None] * slab_solution(T, np.broadcast_to(Q, X.shape), 1.0 / X + spall, b)
    D = diffusion_coefficient(rigidity_from_T(T, A, Z), beta_from_T(T), halo)
    uD = halo.v_A * 1e5 / D * KPC_CM
    S = np.sqrt(uD[None, :] ** 2 + 4.0 * k[:, None] ** 2)
    return GalacticSea(
        species, T, rigidity_from_T(T, A, Z), k, I_modes, uD, S, float(R_gal_kpc), float(halo.H), float(disk.R_sun)
    )


def uniform_disk_flux_R(
    species: str, spectrum: InjectionSpectrum, surface_rate_per_yr_kpc2: float, halo: Halo, R_GV, T_GeV_n=None
):
    """Flux per rigidity in the disk [m^-2 s^-1 sr^-1 GV^-1] at rigidities ``R_GV`` for sources spread uniformly over
    an infinite disk at ``surface_rate_per_yr_kpc2`` (supernovae per year per kpc^2), each injecting ``spectrum``: the
    1D disk-halo model of chapter 2 (Evoli et al. 2019; the weighted slab with X(T) of
    :func:`cocoonlib.transport.slab.galactic_grammage`, spallation and losses as :func:`solve_sea`). It is the
    k -> 0 mode of the 2D model, computed here without the Bessel series, so it checks it and gives the 1D model's
    answer for a source density."""
    if species not in NUCLEUS:
        raise ValueError(f"species = {species!r} is not allowed: expected 'H' or 'He'")
    A, Z = NUCLEUS[species]
    T = T_GRID() if T_GeV_n is None else np.asarray(T_GeV_n, dtype=float)
    X = galactic_grammage(T, A, Z, halo)
    spall = inelastic_cross_section_mb(species, T, halo.f_He) * MB_CM2 / mean_ism_mass_g(halo.f_He)
    Q = _injection_per_T(spectrum, T, A, Z) / (4.0 * np.pi * halo.mu * 1e-3)
    b = ionisation_loss(T, A, Z, halo.f_He) + adiabatic_loss(T, halo)
    I = surface_rate_per_yr_kpc2 * PER_YR_KPC2_TO_PER_S_CM2 * slab_solution(T, Q, 1.0 / X + spall, b)
    R = np.asarray(R_GV, dtype=float)
    Tq = T_from_rigidity(R, A, Z)
    j = loglog_interp(Tq, T, I) * (Z / A) ** 2 * R / (Tq + M_PROTON_GEV) * 1.0e4
    return float(j) if np.ndim(R_GV) == 0 else np.asarray(j)
