"""The local electron + positron spectrum, which sets the inverse-Compton part of the conventional diffuse emission
(book: Methods, "From emissivity to the sky", section methods-ic).

A smoothly broken power law in total energy E [GeV],

    Phi(E) = K (E / E_ref)^-g1 [1 + (E / E_b)^((g2 - g1)/s)]^-s,      s = :data:`SMOOTHNESS`,

is fitted to the e+ + e- fluxes of AMS-02, DAMPE, CALET and H.E.S.S. above ``E_min`` (solar modulation is below
a per cent there), each point with its statistical and systematic errors in quadrature; the break is the one
DAMPE found near 1 TeV. Above the data (5 TeV) the spectrum continues with g2: an extrapolation, stated where the
book uses it. Units: Phi [m^-2 s^-1 sr^-1 GeV^-1]; the density of :meth:`ElectronSpectrum.density_per_cm3_GeV`
is 4 pi Phi / c [cm^-3 GeV^-1].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.constants import c as C_M_S

from cocoonlib.io.data import kiss_total_error, read_kiss

__all__ = [
    "LEPTON_DATA",
    "SMOOTHNESS",
    "E_REF_GEV",
    "E_MIN_FIT_GEV",
    "ElectronSpectrum",
    "ElectronFit",
    "load_leptons",
    "fit_electrons",
]

#: the e+ + e- tables fitted (registry names)
LEPTON_DATA = {
    "AMS-02": "leptons/AMS-02_e+e-_kineticEnergy.txt",
    "DAMPE": "leptons/DAMPE_e+e-_kineticEnergy.txt",
    "CALET": "leptons/CALET_e+e-_kineticEnergy.txt",
    "H.E.S.S.": "leptons/HESS_e+e-_totalEnergy.txt",
}
#: smoothness s of the break (fixed; DAMPE 2017 fits a comparable sharpness)
SMOOTHNESS = 0.1
#: energy at which K is quoted [GeV]
E_REF_GEV = 100.0
#: the lowest energy fitted [GeV]: solar modulation is below a per cent above it
E_MIN_FIT_GEV = 50.0


@dataclass(frozen=True)
class ElectronSpectrum:
    """Phi(E) of e+ + e- (module docstring): K [m^-2 s^-1 sr^-1 GeV^-1 at E_REF_GEV], g1, g2, E_b [GeV]."""

    K: float
    g1: float
    g2: float
    E_break_GeV: float

    def flux(self, E_GeV) -> np.ndarray:
        """Phi(E) [m^-2 s^-1 sr^-1 GeV^-1]."""
        E = np.asarray(E_GeV, dtype=float)
        shape = (1.0 + (E / self.E_break_GeV) ** ((self.g2 - self.g1) / SMOOTHNESS)) ** -SMOOTHNESS
        return self.K * (E / E_REF_GEV) ** -self.g1 * shape

    def density_per_cm3_GeV(self, E_GeV) -> np.ndarray:
        """n(E) = 4 pi Phi(E) / c [cm^-3 GeV^-1] (isotropic, relativistic)."""
        return 4.0 * np.pi * self.flux(E_GeV) * 1e-4 / (C_M_S * 1e2)


@dataclass(frozen=True)
class ElectronFit:
    spectrum: ElectronSpectrum
    chi2: float
    ndof: int
    points: pd.DataFrame  # experiment, E_GeV, flux, error: the points fitted
    success: bool


def load_leptons(E_min_GeV: float = 0.0) -> pd.DataFrame:
    """The e+ + e- points of :data:`LEPTON_DATA` above ``E_min_GeV``: experiment, E_GeV (kinetic energy; the total
    energy for H.E.S.S., the same above a GeV), flux [m^-2 s^-1 sr^-1 GeV^-1], error (stat + sys in quadrature)."""
    rows = []
    for experiment, name in LEPTON_DATA.items():
        t = read_kiss(name)
        rows.append(pd.DataFrame({"experiment": experiment, "E_GeV": t.x, "flux": t.y, "error": kiss_total_error(t)}))
    out = pd.concat(rows, ignore_index=True)
    return out[out.E_GeV >= E_min_GeV].reset_index(drop=True)


def fit_electrons(E_min_GeV: float = E_MIN_FIT_GEV) -> ElectronFit:
    """The least-squares fit of :class:`ElectronSpectrum` to :func:`load_leptons` above ``E_min_GeV`` (pulls in
    flux; start at DAMPE's published shape)."""
    points = load_leptons(E_min_GeV)
    E, y, err = points.E_GeV.to_numpy(), points.flux.to_numpy(), points.error.to_numpy()

    def pulls(p):
        lnK, g1, g2, lnEb = p
        return (ElectronSpectrum(np.exp(lnK), g1, g2, np.exp(lnEb)).flux(E) - y) / err

    start = np.array([np.log(np.interp(E_REF_GEV, E[np.argsort(E)], y[np.argsort(E)])), 3.1, 3.9, np.log(900.0)])
    res = optimize.least_squares(pulls, start, x_scale="jac", method="lm")
    lnK, g1, g2, lnEb = res.x
    spectrum = ElectronSpectrum(float(np.exp(lnK)), float(g1), float(g2), float(np.exp(lnEb)))
    chi2 = float(np.sum(res.fun**2))
    return ElectronFit(spectrum, chi2, len(E) - 4, points, bool(res.success))
