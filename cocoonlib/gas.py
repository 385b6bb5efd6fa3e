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
from functools import lru_cache

import numpy as np
import pandas as pd

from .data import read_transcribed
from .galaxy import SkyWindow, line_of_sight_integral
from .units import KPC_CM

__all__ = ["GasModel", "GAS_MODELS", "gas_model", "window_column_cm2"]

_LN2 = math.log(2.0)


@dataclass(frozen=True)
class GasModel:
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

    def _exit_distance(self, l_rad, b_rad):
        cb = np.cos(b_rad)
        sl, cl = np.sin(l_rad), np.cos(l_rad)
        s_r = (self.R_sun * cl + np.sqrt(self.r_max**2 - (self.R_sun * sl) ** 2)) / np.maximum(cb, 1e-300)
        sinb = np.abs(np.sin(b_rad))
        s_z = np.where(sinb > 0, self.z_max / np.maximum(sinb, 1e-300), np.inf)
        return np.minimum(s_r, s_z)

    def ray_density(self, s_kpc, l_rad, b_rad):
        cb = np.cos(b_rad)
        x = self.R_sun - s_kpc * cb * np.cos(l_rad)
        y = s_kpc * cb * np.sin(l_rad)
        return self.density(np.hypot(x, y), s_kpc * np.sin(b_rad))


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

    def nH_HI(self, r, z):
        n0 = np.where(r < 3.0, 0.57 * np.exp((np.minimum(r, 3.0) - 3.0) / 0.4) + 8.0 * np.exp(-((r / 0.2) ** 2)),
                      np.where(r < 13.0, 0.57, 0.57 * np.exp(-(np.maximum(r, 13.0) - 13.0) / 4.0)))
        h = np.where(r < 2.5, 0.045, np.where(r < 8.5, 0.115, 0.115 * np.exp((np.maximum(r, 8.5) - 8.5) / 6.7)))
        return n0 * np.exp(-_LN2 * (z / h) ** 2)

    def nH_H2(self, r, z):
        n0 = (150.0 * np.exp(-(((r - 0.05) / 0.2) ** 2)) + 0.49 * np.exp(-(((r - 5.3) / 2.2) ** 2))
              + 0.24 * np.exp(-(((r - 8.1) / 1.5) ** 2)))
        h = np.where(r > 2.5, 0.059, 0.015)
        return 2.0 * n0 * np.exp(-_LN2 * (z / h) ** 2)


@lru_cache(maxsize=None)
def _galprop_tables():
    hi = read_transcribed("gasmodel_Galprop_HI_GordonBurton1976_table_DRAGON2.csv")
    co = read_transcribed("gasmodel_Galprop_H2_Bronfman1988_table_DRAGON2.csv")
    xco = read_transcribed("xco_DRAGON2.csv")
    return hi, co, xco


@dataclass(frozen=True)
class Galprop(GasModel):
    """GALPROP gas (as DRAGON2 codes it). ``xco_mode``: ``galprop_2004`` (default), ``galprop_2010`` or ``SM96``."""

    xco_mode: str = "galprop_2004"
    name = "galprop"
    title = "GALPROP: Gordon & Burton 1976 HI, Bronfman+1988 CO, X_CO of Strong+2004"

    def nH_HI(self, r, z):
        hi, _, _ = _galprop_tables()
        edges = hi.R_kpc.to_numpy()
        centres = 0.5 * (edges[:-1] + edges[1:])
        vals = hi.nHI_cm3.to_numpy()[:-1]
        nGB = 0.33
        fR = np.where(r > centres[-1], 0.06 * np.exp(-(r - centres[-1]) / 3.0), np.interp(r, centres, vals))
        az = np.abs(z)
        fz_dl = (0.395 * np.exp(-_LN2 * (z / 0.106) ** 2) + 0.107 * np.exp(-_LN2 * (z / 0.265) ** 2)
                 + 0.064 * np.exp(-az / 0.403))
        fz_c = 0.57 * np.exp(-((z / (0.0523 * np.exp(0.11 * r))) ** 2))
        fz = np.where(r <= 8.0, fz_dl, np.where(r >= 10.0, fz_c, fz_dl + (fz_c - fz_dl) / 2.0 * (r - 8.0)))
        return fR * fz / nGB

    def nH_H2(self, r, z):
        _, co, xco = _galprop_tables()
        R = co.R_kpc.to_numpy()
        W = np.interp(r, R, co.W_CO_K_km_s.to_numpy(), right=0.0)
        z0 = np.interp(r, R, co.z0_kpc.to_numpy())
        zh = np.interp(r, R, co.zh_kpc.to_numpy())
        x = xco[xco["mode"] == self.xco_mode]
        if x.empty:
            raise ValueError(f"xco_mode = {self.xco_mode!r} is not allowed: expected one of galprop_2004, galprop_2010, SM96")
        idx = np.searchsorted(x.R_min_kpc.to_numpy(), r, side="right") - 1
        X = x.X_CO_1e20.to_numpy()[np.clip(idx, 0, len(x) - 1)] * 1e20
        return 2.0 * W * X * np.exp(-_LN2 * ((z - z0) / zh) ** 2) / KPC_CM


GAS_MODELS = {m.name: m for m in (NakanishiSofue, BronfFerr, Galprop)}


def gas_model(name: str, R_sun: float = 8.5) -> GasModel:
    """The gas model called ``name`` (``nakanishi_sofue``, ``bronf_ferr``, ``galprop``)."""
    if name not in GAS_MODELS:
        raise ValueError(f"gas_model = {name!r} is not allowed: expected one of {', '.join(GAS_MODELS)}")
    return GAS_MODELS[name](R_sun=R_sun)


def window_column_cm2(gas: GasModel, window: SkyWindow, grid_scale: int = 1) -> float:
    """Mean column density of H nuclei over ``window``, N_H = (1/Omega) Int dOmega Int ds n_H [cm^-2]."""
    return line_of_sight_integral(gas, window, grid_scale) * KPC_CM / window.solid_angle_sr
