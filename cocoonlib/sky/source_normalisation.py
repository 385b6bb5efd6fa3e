"""Cocoons as the Galaxy's cosmic-ray sources: the injection efficiencies that make the local cosmic rays.

[AESB25] Sec. 2 takes the efficiencies eps_p, eps_He of its cocoons from the fit of Evoli et al. 2019, whose 1D
disk-halo model spreads the supernova rate R_SN uniformly over a disk of radius 10 kpc. In this book the same
cocoons (Green's profile, chapter 1) are the sources of the 2D transport model of the cosmic-ray sea
(:mod:`cocoonlib.transport.transport2d`), which puts fewer sources per unit area under the Sun. If the cocoons are
the Galaxy's sources, one efficiency must make both the local cosmic rays and the cocoons' gamma rays (book,
Methods: the sources' normalisation (methods-source-normalisation)).

The model's flux at the Sun, j_model(R), is linear in each species' efficiency (the transport equation is linear
in its source), so the efficiency for which it matches the local interstellar fit j_local(R) over a rigidity range
is one number per species, fitted by least squares in ln j with equal weights on n log-spaced rigidities:

    ln s = < ln j_local(R_i) - ln j_model(R_i) >,     eps_sea = s eps,

where eps is the efficiency the transport model was solved with. The residual ln j_local - ln j_model - ln s
measures how far the model's spectral shape is from the local one over the range (the injection slopes stay
those of chapter 1); it is reported with the efficiency.

Units: rigidity R [GV], fluxes j [m^-2 s^-1 sr^-1 GV^-1].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

__all__ = [
    "SeaEfficiency",
    "log_flux_ratio",
    "sea_efficiency",
    "sea_efficiencies",
    "N_RIGIDITIES",
    "LETTER_DISK_RADIUS_KPC",
    "SourceDensityFactors",
    "source_density_factors",
    "momentum_unit_factor",
    "fit_injection_slope",
]

#: log-spaced rigidities of the fit (assumed: 5 per decade over 30-300 GV; the efficiency changes by < 1e-4 with 4x)
N_RIGIDITIES = 21


@dataclass(frozen=True)
class SeaEfficiency:
    """The efficiency of one species for which the transport model's flux at the Sun equals the local fit.

    ``eps``: that efficiency; ``eps_solved``: the one the transport model was solved with (``scale`` = their ratio);
    ``rms_log_residual`` and ``max_log_residual``: the root mean square and the largest |ln j_local - ln(s j_model)|
    over ``R_min_GV``-``R_max_GV`` (0.01 means a 1 % difference of shape)."""

    species: str
    eps: float
    eps_solved: float
    R_min_GV: float
    R_max_GV: float
    rms_log_residual: float
    max_log_residual: float

    @property
    def scale(self) -> float:
        return self.eps / self.eps_solved


def log_flux_ratio(sea, local_shape, R_GV) -> np.ndarray:
    """ln[j_local(R) / j_model(R)] at the rigidities ``R_GV``: ``sea`` a solved
    :class:`~cocoonlib.transport.transport2d.GalacticSea` (its flux at the Sun), ``local_shape`` a
    :class:`~cocoonlib.sky.local_cr.SpectrumShape` (the local interstellar fit)."""
    R = np.asarray(R_GV, dtype=float)
    return np.log(local_shape.flux_R(R)) - np.log(sea.flux_R_at_sun(R))


def sea_efficiency(
    sea, local_shape, eps_solved: float, R_min_GV: float, R_max_GV: float, n: int = N_RIGIDITIES
) -> SeaEfficiency:
    """The efficiency for which ``sea`` (solved with efficiency ``eps_solved``) gives ``local_shape`` at the Sun over
    ``R_min_GV``-``R_max_GV``: least squares in ln j on ``n`` log-spaced rigidities (module docstring)."""
    if not 0 < R_min_GV < R_max_GV:
        raise ValueError(f"the rigidity range {R_min_GV!r}-{R_max_GV!r} GV is not allowed: expected 0 < R_min < R_max")
    lr = log_flux_ratio(sea, local_shape, np.geomspace(R_min_GV, R_max_GV, n))
    ln_s = float(lr.mean())
    resid = lr - ln_s
    return SeaEfficiency(
        sea.species,
        float(eps_solved * np.exp(ln_s)),
        float(eps_solved),
        float(R_min_GV),
        float(R_max_GV),
        float(np.sqrt(np.mean(resid**2))),
        float(np.abs(resid).max()),
    )


def sea_efficiencies(
    solutions: Mapping, spectra: Mapping, local_shapes: Mapping, R_min_GV: float, R_max_GV: float
) -> dict[str, SeaEfficiency]:
    """{species: :class:`SeaEfficiency`} for H and He: ``solutions`` the transport model of each species, solved with
    the injection ``spectra`` (their ``eps``), ``local_shapes`` the local interstellar fits."""
    return {
        sp: sea_efficiency(solutions[sp], local_shapes[sp], spectra[sp].eps, R_min_GV, R_max_GV) for sp in ("H", "He")
    }


#: the source disk of the letter's efficiencies: Evoli et al. 2019 (their code CRAMS) spread R_SN uniformly over a
#: disk of this radius [kpc]
LETTER_DISK_RADIUS_KPC = 10.0


@dataclass(frozen=True)
class SourceDensityFactors:
    """Why the sea's efficiency differs from the letter's, for one species (Methods, methods-source-normalisation):

        eps_sea = eps_1d x (surface_rate_letter / surface_rate_sun) / ratio_2d_1d,

    exact when each ratio is the geometric mean over the same rigidities. ``surface_rate_letter``: R_SN over the
    letter's uniform disk of radius :data:`LETTER_DISK_RADIUS_KPC` [yr^-1 kpc^-2]; ``surface_rate_sun``: the cocoons'
    (Green's profile integrated over height) at the Sun; ``ratio_2d_1d``: the 2D model's flux at the Sun over the 1D
    model's for an infinite disk with the Sun's surface rate (what the radial gradient and edge of the Galaxy do);
    ``eps_1d``: the efficiency the 1D model with the letter's disk needs to make the local fit (what the letter's
    source, Evoli et al. 2019, fitted to its data with its transport: 0.0507 for protons in CRAMS)."""

    species: str
    surface_rate_letter: float
    surface_rate_sun: float
    ratio_2d_1d: float
    eps_1d: float

    @property
    def eps_sea(self) -> float:
        return self.eps_1d * self.surface_rate_letter / self.surface_rate_sun / self.ratio_2d_1d


def source_density_factors(
    sea, spectrum, local_shape, disk, halo, R_min_GV: float, R_max_GV: float, n: int = N_RIGIDITIES
) -> SourceDensityFactors:
    """:class:`SourceDensityFactors` of one species: ``sea`` its 2D solution (solved with ``spectrum`` for the cocoons of
    ``disk`` at the transport ``halo``), ``local_shape`` its local fit, over ``R_min_GV``-``R_max_GV``."""
    from cocoonlib.transport.transport2d import uniform_disk_flux_R

    R = np.geomspace(R_min_GV, R_max_GV, n)
    rate_sun = disk.rho0 * float(disk.radial_shape(disk.R_sun)) * disk.vertical_integral_kpc()
    rate_letter = disk.R_SN / (np.pi * LETTER_DISK_RADIUS_KPC**2)
    j_1d_sun = uniform_disk_flux_R(sea.species, spectrum, rate_sun, halo, R)
    j_1d_letter = j_1d_sun * rate_letter / rate_sun  # linear in the source
    return SourceDensityFactors(
        sea.species,
        float(rate_letter),
        float(rate_sun),
        float(np.exp(np.mean(np.log(sea.flux_R_at_sun(R) / j_1d_sun)))),
        float(spectrum.eps * np.exp(np.mean(np.log(local_shape.flux_R(R) / j_1d_letter)))),
    )


def momentum_unit_factor(spectrum) -> float:
    """(m / m_p)^(gamma - 4): how much more flux per source, at high energy and equal efficiency, an injection
    spectrum Q ~ (p / m c)^-gamma normalised to eps E_SN (chapter 1, m the mass of the nucleus) has than the same
    spectrum written with the momentum in units of the proton mass, m_p c (K ~ m^(gamma - 4) at equal energy, the
    momentum integral being the same function of p / m c). 1 for protons."""
    from cocoonlib.core.units import M_PROTON_GEV

    return float((spectrum.species.mass_GeV / M_PROTON_GEV) ** (spectrum.gamma - 4.0))


def fit_injection_slope(
    sea_of_slope,
    local_shape,
    gamma_start: float,
    R_min_GV: float,
    R_max_GV: float,
    n: int = N_RIGIDITIES,
    bounds: tuple[float, float] = (3.9, 4.9),
) -> tuple[float, float]:
    """(injection slope, rms of the residual) for which the transport model's flux at the Sun has the local fit's
    shape over ``R_min_GV``-``R_max_GV``: the slope minimising the root mean square of ln(j_local / j_model) about its
    mean (the efficiency is then :func:`sea_efficiency`'s). ``sea_of_slope(gamma)`` solves the model for a slope
    (a :class:`~cocoonlib.transport.transport2d.GalacticSea`); Brent's method within ``bounds``, from
    ``gamma_start``."""
    from scipy.optimize import minimize_scalar

    R = np.geomspace(R_min_GV, R_max_GV, n)

    def rms(gamma: float) -> float:
        lr = log_flux_ratio(sea_of_slope(gamma), local_shape, R)
        return float(np.sqrt(np.mean((lr - lr.mean()) ** 2)))

    r = minimize_scalar(rms, bounds=bounds, method="bounded", options={"xatol": 1e-4})
    return float(r.x), float(r.fun)
