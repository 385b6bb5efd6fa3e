"""Inverse Compton scattering of the Galactic electrons and positrons on the interstellar radiation field: the
leptonic part of the conventional diffuse emission (book: Methods, "From emissivity to the sky", section
methods-ic).

* The radiation field (ISRF) is a sum of blackbodies: the CMB (astropy's Planck 2018 temperature,
  :data:`cocoonlib.sky.absorption.T_CMB_K`) and the five diluted blackbodies of Delahaye et al. (2010) for dust
  and starlight at the Sun (``data/transcribed/isrf_local_Delahaye2010.csv``). The dust and starlight densities
  follow the radial profile of the sources (young stars heat the dust and make the starlight) times
  exp(-|z| / ``isrf_height_kpc``); the CMB is the same everywhere.
* The electrons have the local spectrum of :mod:`cocoonlib.sky.leptons` at the Sun. Above ~100 GeV they lose
  their energy within about a kiloparsec of their sources, so their density follows the sources: the radial
  profile of the cocoon disk times exp(-|z| / ``electron_height_kpc``), the same spectrum everywhere.
* The emissivity of each component at the Sun comes from naima's ``InverseCompton`` (Klein-Nishina cross
  section for blackbody photons, Khangulyan, Aharonian & Kelner 2014); the sky intensity is

      I(E) = (1 / 4 pi Omega) sum_c eps_c(E) Int dOmega Int ds  n_e(r, z) u_c(r, z) exp(-s / lambda(E)),

  with n_e and u_c relative to the Sun, lambda the CMB absorption length of :mod:`cocoonlib.sky.absorption`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from cocoonlib.core.geometry import SkyWindow, SunCentredRays
from cocoonlib.core.units import KPC_CM
from cocoonlib.io import paths
from cocoonlib.io.array_cache import cached_array, source_digest
from cocoonlib.io.data import read_transcribed
from cocoonlib.sky.absorption import T_CMB_K
from cocoonlib.sky.leptons import ElectronSpectrum
from cocoonlib.source.cocoon_disk import CocoonDisk

__all__ = [
    "ISRF_TABLE",
    "Blackbody",
    "local_isrf",
    "blackbody_energy_density_eV_cm3",
    "ic_emissivity",
    "isrf_emissivities",
    "ICField",
    "ic_intensity",
    "ELECTRON_E_RANGE_GEV",
]

ISRF_TABLE = "isrf_local_Delahaye2010.csv"
#: the electron energies the emissivity integrates over [GeV] (the spectrum is extrapolated above the data)
ELECTRON_E_RANGE_GEV = (1.0, 1.0e7)


@dataclass(frozen=True)
class Blackbody:
    """One component of the ISRF: a blackbody of temperature T_K diluted to the energy density u_eV_cm3 at the Sun;
    ``follows_stars``: its density falls off with the sources' profile (dust, starlight), or not (the CMB)."""

    name: str
    T_K: float
    u_eV_cm3: float
    follows_stars: bool


def blackbody_energy_density_eV_cm3(T_K: float) -> float:
    """a T^4 [eV cm^-3], the radiation constant a = 4 sigma_SB / c from astropy."""
    import astropy.units as u
    from astropy.constants import c, sigma_sb

    return float((4 * sigma_sb / c * (T_K * u.K) ** 4).to(u.eV / u.cm**3).value)


@lru_cache(maxsize=1)
def local_isrf() -> tuple[Blackbody, ...]:
    """The CMB (Planck 2018 T0, undiluted) and the Delahaye et al. 2010 components (u = kappa a T^4).

    The energy densities (astropy's unit conversions take ~0.1 s the first time in a kernel) are kept in the array
    cache under the table, this module's source and astropy's version."""
    from importlib import metadata

    table = read_transcribed(ISRF_TABLE)

    def densities():
        u = [blackbody_energy_density_eV_cm3(T_CMB_K)]
        return np.array(u + [row.dilution * blackbody_energy_density_eV_cm3(row.T_K) for row in table.itertuples()])

    key = (T_CMB_K, source_digest(paths.TRANSCRIBED / ISRF_TABLE, __file__), metadata.version("astropy"))
    u = cached_array("isrf_energy_densities", key, densities)
    out = [Blackbody("CMB", T_CMB_K, float(u[0]), False)]
    out += [Blackbody(row.component, row.T_K, float(ui), True) for row, ui in zip(table.itertuples(), u[1:])]
    return tuple(out)


def ic_emissivity(E_GeV, electrons: ElectronSpectrum, field: Blackbody, n_electron_nodes: int = 300) -> np.ndarray:
    """E^2-free emissivity q(E) [GeV^-1 s^-1 cm^-3] of inverse Compton scattering of the electron density of
    ``electrons`` on ``field``, by naima's ``InverseCompton`` (Khangulyan et al. 2014) over
    :data:`ELECTRON_E_RANGE_GEV`."""
    import astropy.units as u
    from naima.models import InverseCompton, TableModel

    lo, hi = ELECTRON_E_RANGE_GEV
    Ee = np.logspace(np.log10(lo), np.log10(hi), 2 * n_electron_nodes)
    particles = TableModel(Ee * u.GeV, electrons.density_per_cm3_GeV(Ee) / u.GeV)
    seed = [field.name, field.T_K * u.K, field.u_eV_cm3 * u.eV / u.cm**3]
    with warnings.catch_warnings():  # naima warns about the table's units and extrapolation edges
        warnings.simplefilter("ignore")
        ic = InverseCompton(
            particles, seed_photon_fields=[seed], Eemin=lo * u.GeV, Eemax=hi * u.GeV, nEed=n_electron_nodes
        )
        q = ic.flux(np.asarray(E_GeV, dtype=float) * u.GeV, distance=0 * u.cm)
    return np.asarray(q.to(1 / (u.s * u.GeV)).value)


def isrf_emissivities(E_GeV, electrons: ElectronSpectrum, isrf: tuple[Blackbody, ...] | None = None) -> np.ndarray:
    """:func:`ic_emissivity` of every component of ``isrf`` (default :func:`local_isrf`), components x E, kept in the
    array cache under the energies, the spectrum, the field, this module's source and naima's version."""
    from importlib import metadata

    isrf = local_isrf() if isrf is None else tuple(isrf)
    E = np.asarray(E_GeV, dtype=float)
    key = (E, repr(electrons), repr(isrf), metadata.version("naima"), source_digest(__file__))
    return cached_array("ic_emissivity", key, lambda: np.array([ic_emissivity(E, electrons, c) for c in isrf]))


@dataclass(frozen=True)
class ICField(SunCentredRays):
    """n_e(r, z) u_c(r, z) relative to the Sun for each ISRF component (leading axis: the components of
    ``follows_stars``): the electrons follow ``disk``'s radial profile with scale height ``electron_height_kpc``, the
    stellar components the same profile with ``isrf_height_kpc``."""

    disk: CocoonDisk
    follows_stars: tuple[bool, ...]
    electron_height_kpc: float
    isrf_height_kpc: float

    @property
    def R_sun(self) -> float:
        return self.disk.R_sun

    def density(self, r_kpc, z_kpc):
        r, az = np.asarray(r_kpc, dtype=float), np.abs(np.asarray(z_kpc, dtype=float))
        radial = np.where(r <= self.disk.R_disk, self.disk.radial_shape(np.minimum(r, self.disk.R_disk)), 0.0)
        electrons = radial * np.exp(-az / self.electron_height_kpc)
        stars = radial * np.exp(-az / self.isrf_height_kpc)
        return np.stack([electrons * (stars if s else 1.0) for s in self.follows_stars])

    def ray_bounds_kpc(self) -> tuple[float, float]:
        """(R_disk, 30 electron scale heights): exp(-30) beyond."""
        return self.disk.R_disk, 30.0 * self.electron_height_kpc


def ic_intensity(emissivities, columns, window: SkyWindow):
    """I(E) [GeV^-1 cm^-2 s^-1 sr^-1] of the window: ``emissivities`` (components x E, [GeV^-1 s^-1 cm^-3] at the
    Sun, in the order of ``ICField.follows_stars``) times ``columns``, the line-of-sight integral of each component's
    density absorbed at each energy (E x components: :func:`cocoonlib.sky.diffuse.line_of_sight_columns` of the
    :class:`ICField`), summed (module docstring)."""
    q = np.asarray(emissivities)
    return np.sum(q.T * np.asarray(columns), axis=1) * KPC_CM / (4.0 * np.pi * window.solid_angle_sr)
