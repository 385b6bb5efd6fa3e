"""Diffuse gamma-ray intensity of a sky window: the gas lit by the cosmic-ray sea (DGE) and the cocoons.

Both are line-of-sight integrals of an emissivity; both lose photons on the CMB on the way.

* DGE ([AESB25] Sec. 2 took it from DRAGON2+HERMES maps, which this book replaces by a documented
  substitute, PHYSICS.md section 8, tag I):

      I_DGE(E) = q(E) / (4 pi) x (1/Omega) Int dOmega Int ds n_H(s) g(r) exp(-s/lambda(E)),

  q the emissivity per H atom of the local cosmic-ray flux (:meth:`Production.rate_per_H_atom`), n_H a
  3-D gas model (:mod:`cocoonlib.gas`), g(r) the cosmic-ray density relative to the Sun
  (:data:`CR_GRADIENTS`), lambda the mean free path on the CMB (:mod:`cocoonlib.absorption`).
* Cocoons ([AESB25] eq. 8 = [ICRC25] eq. 3): I_c(E) = Q(E) J(E) / (4 pi Omega), Q per cocoon, J the
  line-of-sight integral of the cocoon birth rate (with the same absorption weight).

Intensities are in GeV^-1 cm^-2 s^-1 sr^-1, averaged over the window.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from . import paths
from .array_cache import cached_array, source_digest
from .galaxy import CocoonDisk, SkyWindow, SunCentredRays, line_of_sight_integral
from .gas import GAS_MODELS, GasModel
from .numerics import loglog_interp
from .units import KPC_CM, PER_YR_KPC2_TO_PER_S_CM2

__all__ = ["CR_GRADIENTS", "CRWeightedGas", "effective_column_cm2", "effective_J", "dge_intensity",
           "cocoon_intensity", "chi2_against", "photon_index", "best_chi2_in_band"]

CR_GRADIENTS = ("uniform", "sources")
"""``uniform``: the local cosmic-ray flux everywhere (default, as a local-sea baseline); ``sources``: the
cosmic-ray density follows the radial profile of the sources (Green 2015, normalised at the Sun, not
truncated), the steepest gradient one can argue for (no diffusive smoothing)."""


@dataclass(frozen=True)
class CRWeightedGas(SunCentredRays):
    """A gas model whose density is weighted by the cosmic-ray density relative to the Sun, g(r) n_H(r, z)."""

    gas: GasModel
    gradient: str = "uniform"
    disk: CocoonDisk | None = None

    def __post_init__(self):
        if self.gradient not in CR_GRADIENTS:
            raise ValueError(f"cr_gradient = {self.gradient!r} is not allowed: expected one of {', '.join(CR_GRADIENTS)}")
        if self.gradient == "sources" and self.disk is None:
            raise ValueError("cr_gradient = 'sources' needs the cocoon disk for its radial profile")

    @property
    def R_sun(self) -> float:
        return self.gas.R_sun

    def cr_density(self, r_kpc):
        """g(r), the cosmic-ray density relative to the Sun."""
        if self.gradient == "uniform":
            return np.ones_like(np.asarray(r_kpc, dtype=float))
        return self.disk.radial_shape(r_kpc)

    def density(self, r_kpc, z_kpc):
        return self.gas.density(r_kpc, z_kpc) * self.cr_density(r_kpc)

    def ray_bounds_kpc(self) -> tuple[float, float]:
        return self.gas.ray_bounds_kpc()

    def radial_breaks_kpc(self) -> np.ndarray:
        """Those of the gas model (the cosmic-ray profile g(r) is smooth)."""
        return self.gas.radial_breaks_kpc()


def effective_column_cm2(field: SunCentredRays, window: SkyWindow, absorption_length_kpc, grid_scale: int = 1):
    """Mean over the window of Int ds n_H g exp(-s/lambda) [cm^-2], one value per absorption length."""
    return _line_of_sight(field, window, grid_scale, absorption_length_kpc) * KPC_CM / window.solid_angle_sr


def effective_J(disk: CocoonDisk, window: SkyWindow, absorption_length_kpc, grid_scale: int = 1):
    """J with each cocoon weighted by the survival probability of its photons [yr^-1 kpc^-2], per length."""
    return _line_of_sight(disk, window, grid_scale, absorption_length_kpc)


def _line_of_sight(field, window, grid_scale, absorption_length_kpc):
    """:func:`~cocoonlib.galaxy.line_of_sight_integral`, kept on disk (:mod:`cocoonlib.array_cache`) for the
    book's own fields: a column depends only on the field's parameters (its repr), the window, the grid, the
    absorption lengths, the code of the modules that compute it and the gas tables in ``data/``, all of
    which name the file. A field of any other class (e.g. a gas model written in a notebook) is computed."""
    if not _cacheable(field) or type(window) is not SkyWindow:
        return line_of_sight_integral(field, window, grid_scale, absorption_length_kpc)
    lam = None if absorption_length_kpc is None else np.atleast_1d(np.asarray(absorption_length_kpc, dtype=float))
    out = cached_array("los", (repr(field), repr(window), int(grid_scale), "unabsorbed" if lam is None else lam,
                               _los_code_and_tables()),
                       lambda: np.asarray(line_of_sight_integral(field, window, grid_scale, absorption_length_kpc)))
    return float(out) if lam is None else out


def _cacheable(field) -> bool:
    gas_classes = tuple(GAS_MODELS.values())
    if type(field) is CRWeightedGas:
        return type(field.gas) in gas_classes and (field.disk is None or type(field.disk) is CocoonDisk)
    return type(field) is CocoonDisk or type(field) in gas_classes


@lru_cache(maxsize=1)
def _los_code_and_tables() -> str:
    """Digest of the modules a line-of-sight integral runs through and of every table under ``data/``."""
    from . import galaxy, gas, numerics, units

    modules = [m.__file__ for m in (galaxy, gas, numerics, units)] + [__file__]
    return source_digest(*modules, *sorted(p for p in paths.DATA.rglob("*") if p.is_file()))


def dge_intensity(q_per_H, column_cm2):
    """I = q N_H / (4 pi) [GeV^-1 cm^-2 s^-1 sr^-1] from q [GeV^-1 s^-1 per H atom] and N_H [cm^-2]."""
    return np.asarray(q_per_H) * np.asarray(column_cm2) / (4.0 * np.pi)


def cocoon_intensity(Q_per_cocoon, J_per_yr_kpc2, solid_angle_sr: float):
    """I = Q J / (4 pi Omega) [GeV^-1 cm^-2 s^-1 sr^-1] ([AESB25] eq. 8 averaged over the window), from Q
    [GeV^-1 per cocoon] and J [yr^-1 kpc^-2]."""
    return np.asarray(Q_per_cocoon) * np.asarray(J_per_yr_kpc2) * PER_YR_KPC2_TO_PER_S_CM2 / (4.0 * np.pi * solid_angle_sr)


# --- comparison with data ----------------------------------------------------------------------
def chi2_against(data: pd.DataFrame, E_model, E2I_model):
    """chi^2 of a model E^2 I(E) against measured points (columns E_GeV, E2_flux, E2_err_lo, E2_err_hi;
    upper limits skipped): the upper error where the model lies above a point, the lower one below.
    ``E2I_model`` may hold one model per row: then one chi^2 per row (an array)."""
    d = data[~data.upper_limit.astype(bool)]
    m = loglog_interp(d.E_GeV.to_numpy(), E_model, E2I_model)
    r = m - d.E2_flux.to_numpy()
    err = np.where(r > 0, d.E2_err_hi.to_numpy(), d.E2_err_lo.to_numpy())
    chi2 = np.sum((r / err) ** 2, axis=-1)
    return float(chi2) if np.ndim(chi2) == 0 else chi2


def best_chi2_in_band(data: pd.DataFrame, E_model, E2I_low, E2I_high, E2I_add=0.0, n: int = 101) -> tuple[float, float]:
    """Smallest chi^2 of the curves low + t (high - low) + add on ``n`` values 0 <= t <= 1, and its t: how
    well the best curve inside a band describes the data."""
    lo, hi, add = (np.asarray(v, dtype=float) for v in (E2I_low, E2I_high, E2I_add))
    ts = np.linspace(0.0, 1.0, n)
    chi = chi2_against(data, E_model, lo + ts[:, None] * (hi - lo) + add)
    i = int(np.argmin(chi))
    return float(chi[i]), float(ts[i])


def photon_index(E_model, I_model, E1: float, E2: float) -> float:
    """Mean photon index between E1 and E2, Gamma = -ln[I(E2)/I(E1)] / ln(E2/E1), for I = dN/dE."""
    return float(-np.log(loglog_interp(E2, E_model, I_model) / loglog_interp(E1, E_model, I_model)) / np.log(E2 / E1))
