"""Cosmic-ray injection spectra of one source (supernova / cocoon).

[AESB25] eqs. 3-4 (formula reconstructed in Methods, methods-injection):

.. math::

    Q_i(p) = K_i \\left(\\frac{p}{m_i c}\\right)^{-\\gamma_i}
             \\exp\\!\\left(-\\frac{R}{R_{max}}\\right),\\qquad
    \\epsilon_i E_{SN} = \\int_0^\\infty 4\\pi p^2 Q_i(p)\\, T_i(p)\\, dp ,

with T the kinetic energy, R = pc/(Ze) the rigidity and R_max = E_max/e, so
that for protons the cut-off is exp(-pc/E_max) and for helium it sits at the
same rigidity (assumed; the choice is invisible in every cocoon observable
because chi_c(R) falls off at R0 << E_max/e).

Units: momentum GeV/c, energies GeV (total energy E unless written T),
Q(p) in (GeV/c)^-3 per source, Q^E(E) in GeV^-1 per source.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import integrate

from cocoonlib.core.kinematics import HELIUM, PROTON, Species
from cocoonlib.core.units import ERG_GEV, PEV_GEV

__all__ = ["injected_energy_erg", "InjectionSpectrum", "momentum_integral", "injection_spectra"]


@lru_cache(maxsize=1024)
def momentum_integral(gamma: float, cutoff_x: float = np.inf) -> float:
    """I(gamma) = 4 pi Int_0^inf x^(2-gamma) (sqrt(x^2+1) - 1) exp(-x/cutoff_x) dx, x = p/(m c).

    The dimensionless energy integral of Methods, methods-injection (CRAMS ``GammaIntegral``
    with an optional exponential cut-off at x = cutoff_x). Converges for gamma < 5, and
    without cut-off only for gamma > 4.
    Computed in ln x, where the integrand is smooth.
    """

    def f(u):
        x = np.exp(u)
        # sqrt(x^2+1) - 1 written as x^2/(sqrt(x^2+1)+1): no cancellation at small x
        return x ** (5.0 - gamma) / (np.sqrt(x * x + 1.0) + 1.0) * np.exp(-x / cutoff_x)

    # below x = e^-30 the integrand is x^(5-gamma)/2 to 1e-26: closed-form head
    lo = -30.0
    head = np.exp((5.0 - gamma) * lo) / (2.0 * (5.0 - gamma))
    if np.isfinite(cutoff_x):
        hi, tail = np.log(cutoff_x) + 6.0, 0.0
    else:  # beyond X = e^30, sqrt(x^2+1) - 1 = x - 1 + 1/(2x) to 1e-26: integrate the tail in closed form
        hi = 30.0
        X = np.exp(hi)
        tail = X ** (4 - gamma) / (gamma - 4) - X ** (3 - gamma) / (gamma - 3) + X ** (2 - gamma) / (2 * (gamma - 2))
    edges = sorted({lo, 0.0, hi, *([np.log(cutoff_x)] if np.isfinite(cutoff_x) else [])})
    val = (
        head
        + tail
        + sum(integrate.quad(f, a, b, epsabs=0.0, epsrel=1e-11, limit=400)[0] for a, b in zip(edges[:-1], edges[1:]))
    )
    return 4.0 * np.pi * val


@dataclass(frozen=True)
class InjectionSpectrum:
    """Spectrum released by one source for one species (Methods, methods-injection).

    Attributes: ``species``, efficiency ``eps`` (fraction of ``E_SN_erg``),
    momentum slope ``gamma``, cut-off ``E_max_GeV`` (acting on rigidity).
    """

    species: Species
    eps: float
    gamma: float
    E_SN_erg: float = 1.0e51
    E_max_GeV: float = 3.0 * PEV_GEV

    @property
    def cutoff_x(self) -> float:
        """Cut-off in x = p/(mc): Z E_max / (m c^2)."""
        return self.species.Z * self.E_max_GeV / self.species.mass_GeV

    @property
    def K(self) -> float:
        """Normalisation K [(GeV/c)^-3 per source]: eps E_SN / [(m c)^3 m c^2 I(gamma)]."""
        m = self.species.mass_GeV
        return self.eps * self.E_SN_erg * ERG_GEV / (m**4 * momentum_integral(self.gamma, self.cutoff_x))

    def per_momentum(self, p_GeV):
        """Q(p) [(GeV/c)^-3 per source], p the momentum of the whole nucleus."""
        x = np.asarray(p_GeV, dtype=float) / self.species.mass_GeV
        return self.K * x ** (-self.gamma) * np.exp(-x / self.cutoff_x)

    def momentum(self, E_GeV):
        """p c [GeV] of a nucleus with total energy E [GeV]."""
        return self.species.momentum_GeV(E_GeV)

    def rigidity_GV(self, E_GeV):
        """R = pc / (Z e) [GV] for total energy E [GeV]."""
        return self.species.rigidity_GV(E_GeV)

    def per_energy(self, E_GeV):
        """Q^E(E) = 4 pi p^2 Q(p) dp/dE [GeV^-1 per source], E the total energy ([ICRC25] eq. 2)."""
        E = np.asarray(E_GeV, dtype=float)
        p = self.momentum(E)
        return 4.0 * np.pi * p * E * self.per_momentum(np.where(p > 0, p, 1.0)) * (p > 0)


def injection_spectra(
    *,
    eps_p: float,
    gamma_p: float,
    eps_He: float,
    gamma_He: float,
    E_SN_erg: float = 1.0e51,
    E_max_GeV: float = 3.0 * PEV_GEV,
) -> dict[str, InjectionSpectrum]:
    """The H and He spectra of one source: efficiencies and momentum slopes of each, the supernova energy [erg] and
    the cut-off [GeV, acting on rigidity]."""
    common = dict(E_SN_erg=E_SN_erg, E_max_GeV=E_max_GeV)
    return {
        "H": InjectionSpectrum(PROTON, eps_p, gamma_p, **common),
        "He": InjectionSpectrum(HELIUM, eps_He, gamma_He, **common),
    }


def injected_energy_erg(spectrum: InjectionSpectrum, n: int = 40001) -> float:
    """The kinetic energy one source injects [erg], Int 4 pi p^2 Q(p) T(p) dp, by the trapezoid rule on ``n`` points
    in ln p from 1e-10 to 1e9 times the mass (the integrand grows as p^(5 - gamma) at low p, so the grid starts far
    down): an integration independent of the closed form that normalises ``K`` to ``eps E_SN``."""
    m = spectrum.species.mass_GeV
    p = np.logspace(-10, 9, n) * m
    T = p**2 / (np.hypot(p, m) + m)  # kinetic energy, without the cancellation of sqrt(p^2 + m^2) - m
    return float(np.trapezoid(4 * np.pi * p**3 * spectrum.per_momentum(p) * T, np.log(p))) / ERG_GEV
