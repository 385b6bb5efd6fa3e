"""The one place for units and physical constants.

Internal unit system
--------------------
energy GeV, rigidity GV, momentum GeV/c, grammage g cm^-2, length kpc (Galactic
geometry) or cm (microphysics), time yr (Galactic rates) or s, cross section cm^2.

Every constant below is *derived* from :mod:`scipy.constants` (CODATA) or
:mod:`astropy.units` / :mod:`astropy.constants` (IAU and CODATA); none is typed
by hand. Conversion factors are plain floats so that the physics modules work on
bare numpy arrays.
"""
from __future__ import annotations

import astropy.constants as _ac
import astropy.units as _u
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

M_PROTON_G: float = _ac.m_p.cgs.value
"""Proton mass [g]."""

C_CM_S: float = _ac.c.cgs.value
"""Speed of light [cm s^-1]."""

# --- conversions --------------------------------------------------------------
KPC_CM: float = (1 * _u.kpc).to(_u.cm).value
"""1 kpc in cm."""

PC_KPC: float = (1 * _u.pc).to(_u.kpc).value
"""1 pc in kpc."""

YR_S: float = (1 * _u.yr).to(_u.s).value
"""1 (Julian) year in s."""

MYR_S: float = (1 * _u.Myr).to(_u.s).value
"""1 Myr in s."""

ERG_GEV: float = (1 * _u.erg).to(_u.GeV).value
"""1 erg in GeV."""

TEV_GEV: float = (1 * _u.TeV).to(_u.GeV).value
PEV_GEV: float = (1 * _u.PeV).to(_u.GeV).value
MB_CM2: float = (1 * _u.mbarn).to(_u.cm**2).value
"""1 mb in cm^2."""

DEG_RAD: float = (1 * _u.deg).to(_u.rad).value

PER_YR_KPC2_TO_PER_S_CM2: float = 1.0 / (YR_S * KPC_CM**2)
"""Converts a line-of-sight integral J [yr^-1 kpc^-2] to [s^-1 cm^-2]."""
