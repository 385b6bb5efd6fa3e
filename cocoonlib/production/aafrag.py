"""AAfrag cross sections (Koldobskiy et al. 2021, PRD 104, 123027) through aafragpy, kept at arm's length.

aafragpy 2.0.x changes global state when imported: it installs warning filters
(divide/invalid/overflow) and appends its folder to ``sys.path``. :func:`_aafragpy`
imports it once with both restored afterwards, so the rest of the program keeps
its warnings. Projectile energies are *total* energies of the projectile (for He
of the whole nucleus); the tables start at 4 GeV (p) and 5 GeV (He). Below 4 GeV
the p-p channel uses Kafexhiu et al. 2014 (gamma rays) or Kamae et al. 2006
(neutrinos), both shipped with aafragpy; the He channels need no extension (5 GeV
per nucleus is 1.25 GeV per nucleon, at the pion threshold); p-He below 4 GeV is
neglected (documented in the book).
"""

from __future__ import annotations

import sys
import warnings
from functools import cache, lru_cache

import numpy as np

from cocoonlib.core.units import MB_CM2
from cocoonlib.io.array_cache import cached_array, source_digest

__all__ = ["CHANNELS", "SECONDARIES", "table_range_GeV", "cross_section_matrix", "aafragpy_version"]

CHANNELS = ("p-p", "p-He", "He-p", "He-He")
#: our secondary name -> the aafragpy codes summed
SECONDARIES = {
    "gamma": ("gam",),
    "nu_e": ("nu_e", "anu_e"),
    "nu_mu": ("nu_mu", "anu_mu"),
    "nu_all": ("nu_all",),
    # particle and antiparticle separately (AAfrag only)
    "nu_e_only": ("nu_e",),
    "anti_nu_e": ("anu_e",),
    "nu_mu_only": ("nu_mu",),
    "anti_nu_mu": ("anu_mu",),
}


@lru_cache(maxsize=1)
def _aafragpy():
    saved_path = list(sys.path)
    with warnings.catch_warnings():
        import aafragpy
    sys.path[:] = saved_path
    return aafragpy


@lru_cache(maxsize=1)
def aafragpy_version() -> str:
    """The installed aafragpy version (printed in the book: its tables differ between releases by up to 3 %)."""
    from importlib.metadata import version

    return version("aafragpy")


@cache
def table_range_GeV(channel: str) -> tuple[float, float]:
    """(lowest, highest) tabulated projectile total energy [GeV] of an AAfrag channel."""
    aa = _aafragpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = aa.open_data_files("gam", channel)
    Ep = np.asarray(data[0]) / 1e9
    return float(Ep[0]), float(Ep[-1])


def _aafrag_block(code: str, channel: str, Ep, E):
    aa = _aafragpy()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        cs, _, _ = aa.get_cross_section(code, channel, E_primaries=Ep, E_secondaries=E)
    return np.nan_to_num(np.asarray(cs, dtype=float))  # mb/GeV; zeros where kinematically closed


def _low_energy_pp(code: str, Ep, E):
    """p-p below the AAfrag tables: Kafexhiu 2014 for photons, Kamae 2006 for leptons [mb/GeV]."""
    import os

    aa = _aafragpy()
    here = os.path.dirname(aa.__file__)  # these two import their modules as top-level names
    saved_path = list(sys.path)
    sys.path.append(here)
    try:
        return _low_energy_pp_call(aa, code, Ep, E)
    finally:
        sys.path[:] = saved_path


def _low_energy_pp_call(aa, code, Ep, E):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if code == "gam":
            cs = aa.get_cross_section_Kafexhiu2014(Ep, E)[0]
        else:
            cs = aa.get_cross_section_Kamae2006(code, Ep, E)[0]
    return np.nan_to_num(np.asarray(cs, dtype=float))


_SOURCE = source_digest(__file__)


@lru_cache(maxsize=64)
def _cached(secondary: str, channel: str, Ep_key: tuple, E_key: tuple, low_energy: bool) -> np.ndarray:
    """The matrix [mb/GeV], kept in memory and on disk (:mod:`cocoonlib.io.array_cache`): it depends only on the
    grids, the channel, aafragpy's version and this module's code."""
    Ep, E = np.array(Ep_key), np.array(E_key)
    return cached_array(
        "aafrag",
        (aafragpy_version(), _SOURCE, secondary, channel, low_energy, Ep, E),
        lambda: _matrix(secondary, channel, Ep, E, low_energy),
    )


def _matrix(secondary: str, channel: str, Ep: np.ndarray, E: np.ndarray, low_energy: bool) -> np.ndarray:
    lo, hi = table_range_GeV(channel)
    inside = (Ep >= lo) & (Ep <= hi)
    out = np.zeros((E.size, Ep.size))
    for code in SECONDARIES[secondary]:
        if inside.any():
            out[:, inside] += _aafrag_block(code, channel, Ep[inside], E).T
        below = Ep < lo
        if low_energy and channel == "p-p" and below.any():
            if code == "nu_all":
                for c in ("nu_e", "anu_e", "nu_mu", "anu_mu"):
                    out[:, below] += _low_energy_pp(c, Ep[below], E).T
            else:
                out[:, below] += _low_energy_pp(code, Ep[below], E).T
    return out


def cross_section_matrix(secondary: str, channel: str, E_GeV, E_proj_GeV, low_energy: bool = True) -> np.ndarray:
    """d sigma/dE [cm^2 GeV^-1] on (secondary energy E_i, projectile total energy E_proj,j).

    Columns beyond the AAfrag table range are zero (above: the spectra have died long
    before 1e9 GeV; below: see the module docstring). Results are cached per
    (secondary, channel, grids), in memory and on disk (:mod:`cocoonlib.io.array_cache`):
    a change of the cosmic-ray spectrum costs only a matrix product, and a chapter
    rerun reads its matrices instead of computing them. Raises ValueError for an
    unknown secondary or channel.
    """
    if secondary not in SECONDARIES:
        raise ValueError(f"secondary = {secondary!r} is not allowed: expected one of {', '.join(SECONDARIES)}")
    if channel not in CHANNELS:
        raise ValueError(f"channel = {channel!r} is not allowed: expected one of {', '.join(CHANNELS)}")
    key = lambda a: tuple(np.round(np.asarray(a, dtype=float), 12))  # noqa: E731
    return _cached(secondary, channel, key(E_proj_GeV), key(E_GeV), low_energy) * MB_CM2
