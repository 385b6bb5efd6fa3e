"""Kinematics of cosmic-ray nuclei: a species and its energy, momentum and rigidity; the per-nucleon
kinematics of the weighted slab (every nucleon has the proton mass, p_n = sqrt(T (T + 2 m_p)), R = (A/Z) p_n).

Units: energies GeV (total energy E unless written T), momentum GeV/c, rigidity GV.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cocoonlib.core.units import M_ALPHA_GEV, M_PROTON_GEV

__all__ = ["Species", "PROTON", "HELIUM", "momentum_per_nucleon", "beta_from_T", "rigidity_from_T", "T_from_rigidity"]


@dataclass(frozen=True)
class Species:
    """A cosmic-ray nucleus: name, charge Z, mass number A, rest energy [GeV] of the whole nucleus."""

    name: str
    Z: int
    A: int
    mass_GeV: float

    def momentum_GeV(self, E_GeV):
        """p c [GeV] of the nucleus at total energy E [GeV] (0 below its rest energy)."""
        E = np.asarray(E_GeV, dtype=float)
        return np.sqrt(np.maximum(E * E - self.mass_GeV**2, 0.0))

    def rigidity_GV(self, E_GeV):
        """R = pc / (Z e) [GV] at total energy E [GeV]."""
        return self.momentum_GeV(E_GeV) / self.Z

    def total_energy_GeV(self, R_GV):
        """Total energy [GeV] of the nucleus at rigidity R [GV]."""
        return np.hypot(self.Z * np.asarray(R_GV, dtype=float), self.mass_GeV)


PROTON = Species("H", 1, 1, M_PROTON_GEV)
HELIUM = Species("He", 2, 4, M_ALPHA_GEV)


def momentum_per_nucleon(T_GeV_n):
    """p_n = sqrt(T (T + 2 m_p)) [GeV/c] for kinetic energy per nucleon T [GeV/n]."""
    T = np.asarray(T_GeV_n, dtype=float)
    return np.sqrt(T * (T + 2.0 * M_PROTON_GEV))


def beta_from_T(T_GeV_n):
    """v/c of a nucleus with kinetic energy per nucleon T [GeV/n]."""
    T = np.asarray(T_GeV_n, dtype=float)
    return momentum_per_nucleon(T) / (T + M_PROTON_GEV)


def rigidity_from_T(T_GeV_n, A: int, Z: int):
    """R = (A/Z) p_n [GV]."""
    return (A / Z) * momentum_per_nucleon(T_GeV_n)


def T_from_rigidity(R_GV, A: int, Z: int):
    """Kinetic energy per nucleon [GeV/n] of a nucleus (A, Z) of rigidity R [GV]."""
    p = np.asarray(R_GV, dtype=float) * Z / A
    return np.sqrt(p**2 + M_PROTON_GEV**2) - M_PROTON_GEV
