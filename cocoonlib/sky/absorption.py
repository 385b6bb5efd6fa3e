"""Absorption of gamma rays by pair production on the cosmic microwave background.

The mean free path of a photon of energy E in an isotropic photon gas of number density n(eps) is

    1/lambda(E) = Int d eps n(eps) Int_{-1}^{1} d mu (1 - mu)/2 sigma_gg(s),   s = 2 E eps (1 - mu),

with the Breit-Wheeler cross section (Gould & Schreder 1967)

    sigma_gg = (3/16) sigma_T (1 - b^2) [(3 - b^4) ln((1 + b)/(1 - b)) - 2 b (2 - b^2)],
    b = sqrt(1 - 4 m_e^2 c^4 / s),

and n(eps) the Planck spectrum at the CMB temperature (astropy's Planck18 T_CMB0). Only the CMB is
included: the interstellar radiation field is left out (documented in the gamma-ray chapter).
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np

from cocoonlib.core.numerics import gauss_legendre
from cocoonlib.core.units import HBARC_GEV_CM, K_BOLTZMANN_GEV_K, KPC_CM, M_ELECTRON_GEV, SIGMA_THOMSON_CM2

__all__ = ["T_CMB_K", "breit_wheeler_cm2", "cmb_absorption_length_kpc"]


def _planck18_tcmb0_k() -> float:
    """astropy's Planck18 T_CMB0 [K], read from the table astropy builds ``astropy.cosmology.Planck18`` from.

    Importing :mod:`astropy.cosmology` takes about half a second (it pulls in astropy.table and
    astropy.modeling), paid by every chapter that makes a gamma-ray sky; the value is the same (the tests
    compare it with ``Planck18.Tcmb0``). If the table is not where astropy keeps it, the import is made.
    """
    astropy_dir = Path(importlib.util.find_spec("astropy").origin).parent  # found, not imported
    table = astropy_dir / "cosmology" / "data" / "Planck18.ecsv"
    if table.is_file():
        rows = [line.split() for line in table.read_text().splitlines() if line.strip() and not line.startswith("#")]
        if len(rows) == 2 and "Tcmb0" in rows[0]:
            return float(rows[1][rows[0].index("Tcmb0")])
    from astropy.cosmology import Planck18

    return float(Planck18.Tcmb0.to_value("K"))


T_CMB_K: float = _planck18_tcmb0_k()
# this module works in eV
_ME_EV = M_ELECTRON_GEV * 1e9
_KT_EV = K_BOLTZMANN_GEV_K * 1e9 * T_CMB_K
_HBARC_EV_CM = HBARC_GEV_CM * 1e9


def breit_wheeler_cm2(s_eV2):
    """Pair-production cross section [cm^2] at squared centre-of-mass energy s [eV^2] (zero below 4 m_e^2)."""
    s = np.asarray(s_eV2, dtype=float)
    b2 = np.clip(1.0 - 4.0 * _ME_EV**2 / np.maximum(s, 1e-300), 0.0, 1.0)
    b = np.sqrt(b2)
    with np.errstate(divide="ignore", invalid="ignore"):
        val = (3.0 / 16.0) * SIGMA_THOMSON_CM2 * (1 - b2) * ((3 - b2**2) * np.log((1 + b) / (1 - b)) - 2 * b * (2 - b2))
    return np.where((b > 0) & (b < 1), val, 0.0)


@lru_cache(maxsize=16)
def _inverse_length_per_cm(E_tuple: tuple, n_eps: int, n_mu: int) -> np.ndarray:
    E = np.asarray(E_tuple)[:, None, None]  # eV
    x, wx = gauss_legendre(n_eps)
    # photon energies: log grid from 1e-3 kT to 40 kT (Gauss-Legendre in ln eps)
    lo, hi = np.log(1e-3 * _KT_EV), np.log(40.0 * _KT_EV)
    ln_eps = 0.5 * (hi - lo) * x + 0.5 * (hi + lo)
    eps = np.exp(ln_eps)[None, :, None]
    w_eps = (0.5 * (hi - lo) * wx)[None, :, None] * eps  # d eps = eps d ln eps
    n = eps**2 / (np.pi**2 * _HBARC_EV_CM**3) / np.expm1(eps / _KT_EV)  # cm^-3 eV^-1
    # y = 1 - mu in (y_th, 2], y_th = 2 m_e^2 / (E eps); Gauss-Legendre in ln y
    y_th = np.minimum(2.0 * _ME_EV**2 / (E * eps), 2.0)
    t, wt = gauss_legendre(n_mu)
    ly0, ly1 = np.log(y_th), np.log(2.0)
    ly = 0.5 * (ly1 - ly0) * t[None, None, :] + 0.5 * (ly1 + ly0)
    y = np.exp(ly)
    wy = 0.5 * (ly1 - ly0) * wt[None, None, :] * y
    inner = np.sum(wy * 0.5 * y * breit_wheeler_cm2(2.0 * E * eps * y), axis=-1, keepdims=True)
    return np.sum(w_eps * n * inner, axis=(1, 2))


def cmb_absorption_length_kpc(E_GeV, n_eps: int = 96, n_mu: int = 64) -> np.ndarray:
    """Mean free path [kpc] of gamma rays of energy E [GeV] against pair production on the CMB (inf where none)."""
    E = np.atleast_1d(np.asarray(E_GeV, dtype=float)) * 1e9
    inv = _inverse_length_per_cm(tuple(E.tolist()), n_eps, n_mu)
    with np.errstate(divide="ignore"):
        return np.where(inv > 0, 1.0 / (inv * KPC_CM), np.inf)
