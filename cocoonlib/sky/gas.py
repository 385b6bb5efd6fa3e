"""Three-dimensional analytic models of the interstellar gas, and their column densities in a sky window.

Every model gives the density of hydrogen nuclei n_H = n_HI + 2 n_H2 [cm^-3] as a function of
Galactocentric radius r and height z [kpc] (axisymmetric; ionised gas left out unless a model
includes it). The numbers are those of ``data/transcribed/gasmodel_*.csv`` (transcribed from the
public codes named there); each class cites its file.

``nakanishi_sofue``
    Analytic fit to the HI (Nakanishi & Sofue 2003) and H2 (Nakanishi & Sofue 2006) models, as in
    CRPropa and DRAGON2 (gasmodel_NakanishiSofue_analytic.csv).
``bronf_ferr``
    DRAGON2's "BronfFerr" model: H2 after Bronfman et al. 1988, HI after Ferriere 2001
    (gasmodel_BronfFerr_and_GalpropHII_DRAGON2.csv).
``galprop``
    The GALPROP model as coded in DRAGON2: HI from the Gordon & Burton 1976 table with the
    Dickey & Lockman 1990 / Cox et al. 1986 vertical profiles, H2 from the Bronfman et al. 1988 CO
    table with X_CO of Strong et al. 2004 (gasmodel_Galprop_*_DRAGON2.csv, xco_DRAGON2.csv).

Vertical profiles exp(-ln2 (z/h)^2) have h = half width at half maximum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from cocoonlib.core.geometry import SkyWindow, SunCentredRays, line_of_sight_integral
from cocoonlib.core.units import KPC_CM
from cocoonlib.io.data import read_transcribed

__all__ = ["GasModel", "GAS_MODELS", "gas_model", "window_column_cm2"]

_LN2 = math.log(2.0)


@dataclass(frozen=True)
class GasModel(SunCentredRays):
    """Base class: a density field n_H(r, z) [cm^-3] seen from the Sun at (R_sun, 0, 0)."""

    R_sun: float = 8.5
    r_max: float = 30.0  # kpc: rays stop here (every model is < 1e-3 of its local value there)
    z_max: float = 4.0  # kpc

    name = "base"
    title = ""

    def nH_HI(self, r, z):
        raise NotImplementedError

    def nH_H2(self, r, z):
        """Hydrogen nuclei in molecules, 2 n_H2 [cm^-3]."""
        raise NotImplementedError

    def density(self, r_kpc, z_kpc):
        """n_H = n_HI + 2 n_H2 [cm^-3]."""
        r = np.asarray(r_kpc, dtype=float)
        z = np.asarray(z_kpc, dtype=float)
        return self.nH_HI(r, z) + self.nH_H2(r, z)

    def ray_bounds_kpc(self) -> tuple[float, float]:
        return self.r_max, self.z_max


@dataclass(frozen=True)
class NakanishiSofue(GasModel):
    name = "nakanishi_sofue"
    title = "Nakanishi & Sofue 2003/2006 (analytic fit)"

    def nH_HI(self, r, z):
        n0 = 0.94 * (0.6 * np.exp(-r / 2.4) + 0.24 * np.exp(-(((r - 9.5) / 4.8) ** 2)))
        h = 1.06 * (116.3 + 19.3 * r + 4.1 * r**2 - 0.05 * r**3) * 1e-3
        return n0 * np.exp(-_LN2 * (z / h) ** 2)

    def nH_H2(self, r, z):
        n0 = 0.94 * (11.2 * np.exp(-(r**2) / 0.874) + 0.83 * np.exp(-(((r - 4.0) / 3.2) ** 2)))
        h = 1.06 * (10.8 * np.exp(0.28 * r) + 42.78) * 1e-3
        return 2.0 * n0 * np.exp(-_LN2 * (z / h) ** 2)


@dataclass(frozen=True)
class BronfFerr(GasModel):
    name = "bronf_ferr"
    title = "Bronfman+1988 H2 and Ferriere 2001 HI (DRAGON2 BronfFerr)"

    def radial_breaks_kpc(self) -> np.ndarray:
        """Where the piecewise HI formulas switch (2.5, 3, 8.5, 13 kpc)."""
        return np.array([2.5, 3.0, 8.5, 13.0])

    def nH_HI(self, r, z):
        n0 = np.where(
            r < 3.0,
            0.57 * np.exp((np.minimum(r, 3.0) - 3.0) / 0.4) + 8.0 * np.exp(-((r / 0.2) ** 2)),
            np.where(r < 13.0, 0.57, 0.57 * np.exp(-(np.maximum(r, 13.0) - 13.0) / 4.0)),
        )
        h = np.where(r < 2.5, 0.045, np.where(r < 8.5, 0.115, 0.115 * np.exp((np.maximum(r, 8.5) - 8.5) / 6.7)))
        return n0 * np.exp(-_LN2 * (z / h) ** 2)

    def nH_H2(self, r, z):
        n0 = (
            150.0 * np.exp(-(((r - 0.05) / 0.2) ** 2))
            + 0.49 * np.exp(-(((r - 5.3) / 2.2) ** 2))
            + 0.24 * np.exp(-(((r - 8.1) / 1.5) ** 2))
        )
        h = np.where(r > 2.5, 0.059, 0.015)
        return 2.0 * n0 * np.exp(-_LN2 * (z / h) ** 2)


@cache
def _galprop_tables(xco_mode: str) -> dict[str, np.ndarray]:
    """The GALPROP gas tables as arrays (read once): HI ring centres and densities, CO table, X_CO bins."""
    hi = read_transcribed("gasmodel_Galprop_HI_GordonBurton1976_table_DRAGON2.csv")
    co = read_transcribed("gasmodel_Galprop_H2_Bronfman1988_table_DRAGON2.csv")
    xco = read_transcribed("xco_DRAGON2.csv")
    x = xco[xco["mode"] == xco_mode]
    if x.empty:
        raise ValueError(f"xco_mode = {xco_mode!r} is not allowed: expected one of {', '.join(xco['mode'].unique())}")
    edges = hi.R_kpc.to_numpy()
    return {
        "hi_R": 0.5 * (edges[:-1] + edges[1:]),  # value i applies at the ring centre
        "hi_n": hi.nHI_cm3.to_numpy()[:-1],
        "co_R": co.R_kpc.to_numpy(),
        "co_W": co.W_CO_K_km_s.to_numpy(),
        "co_z0": co.z0_kpc.to_numpy(),
        "co_zh": co.zh_kpc.to_numpy(),
        "xco_Rmin": x.R_min_kpc.to_numpy(dtype=float),
        "xco": x.X_CO_1e20.to_numpy(dtype=float) * 1e20,
    }


@dataclass(frozen=True)
class Galprop(GasModel):
    """GALPROP gas (as DRAGON2 codes it). ``xco_mode``: ``galprop_2004`` (default), ``galprop_2010`` or ``SM96``."""

    xco_mode: str = "galprop_2004"
    name = "galprop"
    title = "GALPROP: Gordon & Burton 1976 HI, Bronfman+1988 CO, X_CO of Strong+2004"

    def __post_init__(self):
        _galprop_tables(self.xco_mode)  # an unknown mode fails here, before any integration

    def radial_breaks_kpc(self) -> np.ndarray:
        """The table nodes (HI rings, CO radii), the X_CO bin edges and the radii where the HI vertical
        profile changes form (8 and 10 kpc): the density's slope or value jumps there."""
        t = _galprop_tables(self.xco_mode)
        R = np.concatenate([t["hi_R"], t["co_R"], t["xco_Rmin"], [8.0, 10.0]])
        return np.unique(R[(R > 0) & (R < self.r_max)])

    def nH_HI(self, r, z):
        t = _galprop_tables(self.xco_mode)
        nGB = 0.33  # cm^-3, GB76 disk density at 4-8 kpc (normalisation of the vertical profiles)
        R_last = t["hi_R"][-1]
        fR = np.where(r > R_last, 0.06 * np.exp(-(r - R_last) / 3.0), np.interp(r, t["hi_R"], t["hi_n"]))
        fz_dl = (
            0.395 * np.exp(-_LN2 * (z / 0.106) ** 2)
            + 0.107 * np.exp(-_LN2 * (z / 0.265) ** 2)
            + 0.064 * np.exp(-np.abs(z) / 0.403)
        )
        fz_c = 0.57 * np.exp(-((z / (0.0523 * np.exp(0.11 * r))) ** 2))
        fz = np.where(r <= 8.0, fz_dl, np.where(r >= 10.0, fz_c, fz_dl + (fz_c - fz_dl) / 2.0 * (r - 8.0)))
        return fR * fz / nGB

    def nH_H2(self, r, z):
        t = _galprop_tables(self.xco_mode)
        W = np.interp(r, t["co_R"], t["co_W"], right=0.0)
        z0 = np.interp(r, t["co_R"], t["co_z0"])
        zh = np.interp(r, t["co_R"], t["co_zh"])
        idx = np.clip(np.searchsorted(t["xco_Rmin"], r, side="right") - 1, 0, t["xco"].size - 1)
        return 2.0 * W * t["xco"][idx] * np.exp(-_LN2 * ((z - z0) / zh) ** 2) / KPC_CM


GAS_MODELS = {m.name: m for m in (NakanishiSofue, BronfFerr, Galprop)}


def gas_model(name: str, R_sun: float = 8.5) -> GasModel:
    """The gas model called ``name`` (``nakanishi_sofue``, ``bronf_ferr``, ``galprop``)."""
    if name not in GAS_MODELS:
        raise ValueError(f"gas_model = {name!r} is not allowed: expected one of {', '.join(GAS_MODELS)}")
    return GAS_MODELS[name](R_sun=R_sun)


def window_column_cm2(gas: GasModel, window: SkyWindow, grid_scale: int = 1) -> float:
    """Mean column density of H nuclei over ``window``, N_H = (1/Omega) Int dOmega Int ds n_H [cm^-2]."""
    return line_of_sight_integral(gas, window, grid_scale) * KPC_CM / window.solid_angle_sr
