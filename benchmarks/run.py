"""Speed of the production module, measured side by side in one run (prints ratios, asserts nothing).

    python benchmarks/run.py

1. Kelner gamma emissivity on 100 energies (10 GeV - 100 TeV) for a power-law proton spectrum:
   cocoonlib (matrices built from scratch) against naima's PionDecayKelner06, and their agreement.
2. AAfrag gamma emissivity of a cocoon: the first call (cross-section matrices built) against a call
   after a change of chi0 and R0 (matrices reused, a weighted sum only).
3. B/C (chapter 2): one model evaluation over the fitted data energies (goal < 5 ms) and the full fit
   with the chi0 profile and intervals (goal < 20 s), against the time to build the network once.
   Needs the data (COCOON_DATA_MIRROR or the download cache).
4. Gamma-ray sky (chapter 3): the whole sky of the chapter (local fits, emissivities, 3 gas models x 2
   windows with absorption, cocoons) against its parts: local fits, the emissivities, the columns.
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


def bc_model_and_fit():
    from cocoonlib import bc
    from cocoonlib.chapters import get_chapter
    from cocoonlib.params import validate

    P = validate({}, get_chapter("bc").parameters)
    t_build, model = best_of(lambda: bc.model_from_params(P), 3)
    data = bc.bc_fit_data(P["ams02_table"], P["T_min_fit"])
    T = data.T_GeV_n[data.used].to_numpy()
    t_eval, _ = best_of(lambda: model.bc(T, 0.4, D0=2.5), 50)
    t_fit, (_, _, fit) = best_of(lambda: bc.fit_from_params(P, model), 1)
    print(f"B/C: network build {1e3 * t_build:6.1f} ms | one evaluation at {T.size} energies {1e3 * t_eval:5.2f} ms "
          f"(goal 5 ms: {t_eval / 5e-3:4.2f}x) | fit + {len(fit.profile_chi0)}-point profile + intervals {t_fit:5.2f} s "
          f"(goal 20 s: {t_fit / 20:4.2f}x; {t_fit / t_eval:6.0f} evaluations' worth)")


def gamma_sky_parts():
    from cocoonlib import diffuse, gamma, gas
    from cocoonlib.absorption import cmb_absorption_length_kpc
    from cocoonlib.chapters import chapter_parameters
    from cocoonlib.galaxy import WINDOWS

    P = chapter_parameters("gamma", {})
    t_sky, sky = best_of(lambda: gamma.gamma_sky(P), 3)
    t_local, local = best_of(lambda: gamma.local_cr_model(P), 3)
    t_q, _ = best_of(lambda: gamma._dge_emissivities(local, sky.E, P["f_He"]), 3)
    lam = cmb_absorption_length_kpc(sky.E)
    field = diffuse.CRWeightedGas(gas.gas_model("galprop"), "uniform")
    t_col, _ = best_of(lambda: diffuse.effective_column_cm2(field, WINDOWS["outer"], lam), 3)
    print(f"gamma sky ({sky.E.size} energies): whole {1e3 * t_sky:6.0f} ms (chapter goal 20 s: {t_sky / 20:5.3f}x) | "
          f"local fits {1e3 * t_local:5.0f} ms | DGE emissivities {1e3 * t_q:5.0f} ms | one absorbed column "
          f"{1e3 * t_col:5.1f} ms ({t_sky / t_col:4.0f} columns' worth)")


if __name__ == "__main__":
    kelner_vs_naima()
    aafrag_first_and_repeat()
    bc_model_and_fit()
    gamma_sky_parts()
