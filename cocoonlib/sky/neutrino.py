"""The all-sky Galactic neutrino flux per flavour, and IceCube's Galactic-plane results as bands.

Flavour convention (Methods, methods-neutrino-bands), applied once, here: IceCube quotes the flux of one flavour,
neutrinos plus antineutrinos, integrated over the sky. Pion decay makes nu_e : nu_mu : nu_tau close to
1 : 2 : 0; oscillations over Galactic distances average that to close to 1 : 1 : 1 (the chapter checks it
with :func:`cocoonlib.production.flavours_at_earth`), so the per-flavour flux at Earth is one third of the
all-flavour (``nu_all``) flux at production: :data:`PER_FLAVOUR`.

IceCube, Science 380, 1338 (2023) [IceCube_GP_2023]; the bands follow the recipe of IceCube's public
plotting notebooks (ssclafani949/DNNCascade, notebooks/paper/GPFluxPlot.ipynb and
notebooks/unblinding/GPFluxPlotComparison.ipynb, commit 6f44754):

* pi0: the spectrum of IceCube's template, the all-sky average gamma-ray E^2 Phi of the Fermi-LAT pi0 model
  (Acero et al. 2016) extrapolated as E^-2.7 beyond the LAT data (:func:`cocoonlib.io.data.load_icecube_pi0_template`),
  turned into the per-flavour all-sky neutrino flux of the template, 4 pi x 0.31 x E^2 Phi
  (:func:`pi0_template_flux`), and scaled by the fitted normalisation over IceCube's normalisation of the
  template, [16.9, 21.8, 27.1] / 4.53 (Table 1: 21.8 +5.3 -4.9 x 1e-12 TeV cm^-2 s^-1 at 100 TeV, per flavour as
  Methods, methods-neutrino-bands reads it, tag R), shown over the energy range of the fit, 796 GeV - 68.9 TeV;
* KRA-gamma 5 and 50: IceCube's best-fit curves (already scaled and per flavour), multiplied by the
  ratio of the ends of the fitted normalisation range to its best value (Table 1: 0.55 +0.18 -0.15 and
  0.37 +0.13 -0.11), over the tabulated energies.

Before, this book drew the pi0 band as a pure E^-2.7 power law through Table 1's flux at 100 TeV;
:func:`pi0_powerlaw_flux` keeps that construction so that the chapter can say what the template changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cocoonlib.core.numerics import loglog_interp
from cocoonlib.core.units import TEV_GEV
from cocoonlib.io.data import fetch, load_icecube_pi0_template

__all__ = [
    "PER_FLAVOUR",
    "IceCubeBand",
    "icecube_table1",
    "icecube_bands",
    "pi0_template_flux",
    "pi0_fit_scales",
    "pi0_best_fit_flux",
    "pi0_powerlaw_flux",
    "allsky_flux_per_flavour",
    "gamma_neutrino_ratio",
    "ICECUBE_FLUX_UNIT_GEV",
]

PER_FLAVOUR = 1.0 / 3.0
"""Per-flavour (nu + anti-nu) flux at Earth / all-flavour flux at production, after oscillation averaging."""

PI0_SLOPE = 2.7  # the power law of this book's former pi0 band (pi0_powerlaw_flux)
PI0_RANGE_GEV = (796.0, 68869.0)  # energy range of the pi0 fit (GPFluxPlot.ipynb)
PI0_PIVOT_GEV = 1.0e5  # Table 1 quotes E^2 dN/dE at 100 TeV

PI0_NU_PER_GAMMA = 0.31
"""IceCube's per-flavour neutrino E^2 F at E over the template's gamma-ray E^2 Phi at the same E (GPFluxPlot.ipynb).
For pion decay, (1/3) sum E^2 q_nu(E) = (K_pi/4) E_g^2 q_g(E_g = 2E) with K_pi = 2 (Ahlers & Murase 2014, PRD 90,
023010, eq. 2), which for an E^-2.7 spectrum is (1/2) 2^-0.7 = 0.308 times the gamma rays at the same energy."""

PI0_TEMPLATE_NORM = 4.53
"""IceCube's normalisation of the pi0 template [1e-12 TeV cm^-2 s^-1]: the template's per-flavour all-sky flux at
100 TeV, by which the fitted flux of Table 1 is divided to scale the template (GPFluxPlot.ipynb)."""

_TABLE = "icecube_galactic_plane/Table_1.csv"
_KRA = {
    "KRA-gamma 5": "icecube_galactic_plane/IceCube2023_nus_gp_kra5.txt",
    "KRA-gamma 50": "icecube_galactic_plane/IceCube2023_nus_gp_kra50.txt",
}
_ROWS = {"pi0": r"$\pi^0$", "KRA-gamma 5": r"KRA$_\gamma^{5}$", "KRA-gamma 50": r"KRA$_\gamma^{50}$"}  # first column

#: the unit of IceCube's Table 1 fluxes, 1e-12 TeV cm^-2 s^-1, in GeV cm^-2 s^-1
ICECUBE_FLUX_UNIT_GEV = 1e-12 * TEV_GEV


def _value_with_errors(text: str) -> tuple[float, float, float]:
    """'21.8 $^{+5.3}_{-4.9}$' or '0.55$^{+0.18}_{-0.15}\\times$MF' -> (21.8, 4.9, 5.3)."""
    m = re.search(r"([\d.]+)\s*\$\^\{\+([\d.]+)\}_\{-([\d.]+)\}", text)
    if not m:
        raise ValueError(f"cannot read a value with errors from {text!r} ({_TABLE})")
    v, up, lo = (float(x) for x in m.groups())
    return v, lo, up


def icecube_table1() -> pd.DataFrame:
    """Best fits of IceCube's Table 1 for the three Galactic-plane templates: columns best, err_lo, err_hi.
    pi0 in 1e-12 TeV cm^-2 s^-1 (E^2 dN/dE at 100 TeV), the KRA rows as multiples of the model flux."""
    lines = fetch(_TABLE).read_text().splitlines()
    out = {}
    for key, label in _ROWS.items():
        rows = [line for line in lines if line.split(",")[0].strip() == label]
        if len(rows) != 1:
            raise ValueError(f"{_TABLE}: expected one row {label!r}, found {len(rows)}")
        out[key] = _value_with_errors(rows[0].split(",")[3])
    return pd.DataFrame(out, index=["best", "err_lo", "err_hi"]).T


@dataclass(frozen=True)
class IceCubeBand:
    """E^2 F per flavour, all-sky [GeV cm^-2 s^-1]: best curve and band on E [GeV]."""

    name: str
    E_GeV: np.ndarray
    best: np.ndarray
    low: np.ndarray
    high: np.ndarray

    def at(self, E_GeV: float) -> float:
        return float(loglog_interp(E_GeV, self.E_GeV, self.best))


def pi0_template_flux(E_GeV):
    """Per-flavour (nu + anti-nu) all-sky E^2 F [GeV cm^-2 s^-1] of IceCube's pi0 template before the fit:
    4 pi x :data:`PI0_NU_PER_GAMMA` x the template's all-sky average gamma-ray E^2 Phi at E_GeV (log-log
    interpolation of :func:`cocoonlib.io.data.load_icecube_pi0_template`, 0.1 GeV - 10 PeV)."""
    t = load_icecube_pi0_template()
    return 4.0 * np.pi * PI0_NU_PER_GAMMA * loglog_interp(E_GeV, t.E_GeV.to_numpy(), t.E2_flux.to_numpy())


def pi0_fit_scales() -> np.ndarray:
    """(low, best, high) factors on :func:`pi0_template_flux`: Table 1's fitted flux and its 1-sigma ends over
    IceCube's normalisation of the template, :data:`PI0_TEMPLATE_NORM` (21.8 / 4.53 = 4.81 for the best fit)."""
    r = icecube_table1().loc["pi0"]
    return np.array([r.best - r.err_lo, r.best, r.best + r.err_hi]) / PI0_TEMPLATE_NORM


def pi0_best_fit_flux(E_GeV):
    """IceCube's pi0 best fit, per flavour, all sky [GeV cm^-2 s^-1] at any E_GeV (the template times the fitted
    scale; the fit itself used 796 GeV - 68.9 TeV)."""
    return pi0_fit_scales()[1] * pi0_template_flux(E_GeV)


def pi0_powerlaw_flux(E_GeV):
    """This book's former pi0 best fit: E^-2.7 through Table 1's flux at 100 TeV [GeV cm^-2 s^-1] (for comparison)."""
    norm = icecube_table1().loc["pi0", "best"] * ICECUBE_FLUX_UNIT_GEV
    return norm * (np.asarray(E_GeV, dtype=float) / PI0_PIVOT_GEV) ** (2.0 - PI0_SLOPE)


def icecube_bands() -> dict[str, IceCubeBand]:
    """The pi0, KRA-gamma 5 and KRA-gamma 50 results as bands (construction in the module docstring)."""
    t = icecube_table1()
    bands = {}
    nodes = load_icecube_pi0_template().E_GeV.to_numpy()
    lo_E, hi_E = PI0_RANGE_GEV
    E = np.concatenate([[lo_E], nodes[(nodes > lo_E) & (nodes < hi_E)], [hi_E]])
    model = pi0_template_flux(E)
    low, best, high = pi0_fit_scales()
    bands["pi0"] = IceCubeBand("pi0", E, best * model, low * model, high * model)
    for key, name in _KRA.items():
        d = np.loadtxt(fetch(name))
        r = t.loc[key]
        bands[key] = IceCubeBand(
            key, d[:, 0], d[:, 1], d[:, 1] * (r.best - r.err_lo) / r.best, d[:, 1] * (r.best + r.err_hi) / r.best
        )
    return bands


def allsky_flux_per_flavour(E2I_allsky_mean):
    """E^2 F per flavour [GeV cm^-2 s^-1] from the all-flavour E^2 I averaged over the whole sky
    [GeV cm^-2 s^-1 sr^-1]: F = 4 pi <I> / 3."""
    return 4.0 * np.pi * PER_FLAVOUR * np.asarray(E2I_allsky_mean)


def gamma_neutrino_ratio(fluxes, E_nu_GeV, model: str = "aafrag", ism: str = "H", f_He: float = 0.1):
    """(1/3) E^2 q_nu_all(E) / [(K_pi/4) E_g^2 q_gamma(E_g)] at E_g = 2E, K_pi = 2 (Ahlers & Murase 2014, PRD 90,
    023010, eq. 2): the per-flavour neutrino emissivity against the gamma-ray one of the same cosmic rays
    (``fluxes`` as for :meth:`Production.rate_per_H_atom`). Close to 1 for pion production in p-p collisions."""
    from cocoonlib.production import Production

    E = np.asarray(E_nu_GeV, dtype=float)
    q_nu = Production("nu_all", model, E, ism=ism, f_He=f_He).rate_per_H_atom(fluxes)["total"]
    q_g = Production("gamma", model, 2 * E, ism=ism, f_He=f_He).rate_per_H_atom(fluxes)["total"]
    return (PER_FLAVOUR * E**2 * q_nu) / (0.5 * (2 * E) ** 2 * q_g)
