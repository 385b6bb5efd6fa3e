"""The one place for units and physical constants.

Internal unit system
--------------------
energy GeV, rigidity GV, momentum GeV/c, grammage g cm^-2, length kpc (Galactic
geometry) or cm (microphysics), time yr (Galactic rates) or s, cross section cm^2.

Every constant below is *derived* from :mod:`scipy.constants` (CODATA, SI prefixes, IAU parsec, Julian
year) or :mod:`hepunits` (the millibarn); none is typed by hand. astropy is not imported here (it
costs a quarter of a second per chapter): the tests check every value against :mod:`astropy.units`
and :mod:`astropy.constants`. Conversion factors are plain floats so that the physics modules work on
bare numpy arrays.
"""

from __future__ import annotations

import hepunits as _hu
import scipy.constants as _sc
from particle import Particle as _Particle

# --- masses (rest energies) -------------------------------------------------
M_PROTON_GEV: float = _sc.physical_constants["proton mass energy equivalent in MeV"][0] * 1e-3
"""Proton rest energy m_p c^2 [GeV] (CODATA via scipy)."""

M_ALPHA_GEV: float = _sc.physical_constants["alpha particle mass energy equivalent in MeV"][0] * 1e-3
"""4He nucleus rest energy [GeV] (CODATA via scipy)."""

M_PI0_GEV: float = _Particle.from_pdgid(111).mass * 1e-3
"""Neutral-pion rest energy [GeV] (PDG, via the scikit-hep ``particle`` package)."""

M_ELECTRON_GEV: float = _sc.physical_constants["electron mass energy equivalent in MeV"][0] * 1e-3
"""Electron rest energy m_e c^2 [GeV] (CODATA via scipy)."""

R_ELECTRON_CM: float = _sc.physical_constants["classical electron radius"][0] * 100.0
"""Classical electron radius r_e [cm]."""

SIGMA_THOMSON_CM2: float = _sc.physical_constants["Thomson cross section"][0] * 1e4
"""Thomson cross section [cm^2]."""

HBARC_GEV_CM: float = _sc.hbar * _sc.c / _sc.e * 1e-9 * 100.0
"""hbar c [GeV cm]."""

K_BOLTZMANN_GEV_K: float = _sc.k / _sc.e * 1e-9
"""Boltzmann constant [GeV K^-1]."""

M_PROTON_G: float = _sc.m_p / _sc.gram
"""Proton mass [g]."""

C_CM_S: float = _sc.c / _sc.centi
"""Speed of light [cm s^-1]."""

# --- conversions --------------------------------------------------------------
KPC_CM: float = _sc.kilo * _sc.parsec / _sc.centi
"""1 kpc in cm (IAU 2015 parsec)."""

PC_KPC: float = 1.0 / _sc.kilo
"""1 pc in kpc."""

YR_S: float = _sc.Julian_year
"""1 (Julian) year in s."""

MYR_S: float = _sc.mega * _sc.Julian_year
"""1 Myr in s."""

ERG_GEV: float = _sc.erg / (_sc.giga * _sc.eV)
"""1 erg in GeV."""

MEV_GEV: float = _sc.mega / _sc.giga
TEV_GEV: float = _sc.tera / _sc.giga
PEV_GEV: float = _sc.peta / _sc.giga
MB_CM2: float = _hu.millibarn / _hu.cm2
"""1 mb in cm^2."""

DEG_RAD: float = _sc.degree

PER_YR_KPC2_TO_PER_S_CM2: float = 1.0 / (YR_S * KPC_CM**2)
"""Converts a line-of-sight integral J [yr^-1 kpc^-2] to [s^-1 cm^-2]."""
