"""Speed of the production module, measured side by side in one run (prints ratios, asserts nothing).

    python benchmarks/run.py

1. Kelner gamma emissivity on 100 energies (10 GeV - 100 TeV) for a power-law proton spectrum:
   cocoonlib (matrices built from scratch) against naima's PionDecayKelner06, and their agreement.
2. AAfrag gamma emissivity of a cocoon: the first call (cross-section matrices built) against a call
   after a change of chi0 and R0 (matrices reused, a weighted sum only).
"""
from __future__ import annotations

import time
import warnings

import astropy.units as u
import numpy as np
from astropy.constants import c


def best_of(f, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def kelner_vs_naima():
    from naima.models import PowerLaw
    from naima.radiative import PionDecayKelner06

    from cocoonlib.production import Production

    pl = PowerLaw(1e33 / u.eV, 1 * u.TeV, 2.5)
    Eg = np.logspace(1, 5, 100) * u.GeV

    def ours():
        prod = Production("gamma", "kelner", Eg.value)
        Q = prod.from_projectile_weights(pl(prod.Ep * u.GeV).to(1 / u.GeV).value)
        return (Q * c.cgs.value / (u.s * u.GeV)).to(1 / (u.s * u.eV)).value

    def theirs():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return PionDecayKelner06(pl, nh=1 / u.cm**3)._spectrum(Eg).to(1 / (u.s * u.eV)).value

    t_ours, q_ours = best_of(ours, 5)
    t_naima, q_naima = best_of(theirs, 1)
    dev = np.max(np.abs(q_ours / q_naima - 1))
    print(f"Kelner gamma, 100 energies: cocoonlib {1e3 * t_ours:8.2f} ms | naima {1e3 * t_naima:8.1f} ms | "
          f"speed-up {t_naima / t_ours:7.0f}x | max deviation {100 * dev:.2f} %")


def aafrag_first_and_repeat():
    from cocoonlib import grammage, production, sources

    spectra = sources.injection_spectra(dict(E_SN=1e51, E_max=3.0, eps_p=0.05, gamma_p=4.37, eps_He=0.025, gamma_He=4.31))
    E = np.logspace(0, 6, 121)
    production.aafrag._cached.cache_clear()

    def first():
        prod = production.Production("gamma", "aafrag", E)
        return prod, prod.emissivity(spectra, lambda R: grammage.grammage(R, "exponential", 0.4, 20.0))

    t_first, (prod, _) = best_of(first, 1)
    t_repeat, _ = best_of(lambda: prod.emissivity(spectra, lambda R: grammage.grammage(R, "exponential", 0.5, 50.0)), 50)
    print(f"AAfrag gamma, 121 energies: first call {1e3 * t_first:8.1f} ms | after a change of chi0, R0 "
          f"{1e3 * t_repeat:6.3f} ms | speed-up {t_first / t_repeat:7.0f}x")


if __name__ == "__main__":
    kelner_vs_naima()
    aafrag_first_and_repeat()
