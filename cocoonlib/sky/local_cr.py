"""The local interstellar proton and helium spectra: fits to direct data and two knee variants.

The conventional diffuse emission of the gamma-ray chapter needs the cosmic-ray flux that fills the
Galaxy. The paper took it from DRAGON2 fits (De la Torre Luque et al. 2023, "base min/max"); this module
fits the flux at the Sun to the data themselves (Methods, methods-dge, tag I), and the 2D transport model
(:mod:`cocoonlib.transport.transport2d`) carries it across the Galaxy:

* the local interstellar spectrum (LIS) of H and He, each a power law in rigidity with a smooth
  hardening (~500 GV) and a smooth softening (~15 TV), fitted to AMS-02, CALET and DAMPE above
  ``R_min`` with the force-field modulation of the B/C chapter (Gleeson & Axford 1968);
* a knee, common in rigidity to H and He (Peters cycle), [1 + (R/R_k)^(dg/s)]^-s, fitted with the
  direct-data shape held fixed to the air-shower H and He spectra of one of two data families:
  ``min`` (KASCADE, QGSJET-01, as the low "KASCADE-Grande-like" variant of De la Torre Luque et al.)
  and ``max`` (IceTop+IceCube, SIBYLL-2.1, the high "IceTop-like" variant).

Units: rigidity R [GV]; fluxes per rigidity j_R [m^-2 s^-1 sr^-1 GV^-1]; total energy E of the
nucleus [GeV]. :class:`LocalFlux` gives the interface of :mod:`cocoonlib.production`
(``per_energy`` = 4 pi j_E [GeV^-1 cm^-2 s^-1], ``rigidity_GV``, ``species``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from cocoonlib.core import pulls
from cocoonlib.core.fits import FitSummary
from cocoonlib.core.kinematics import HELIUM, PROTON, Species
from cocoonlib.io.data import kiss_total_error, read_kiss, registry

__all__ = [
    "DIRECT_DATA",
    "KNEE_DATA",
    "KNEE_VARIANTS",
    "SpectrumShape",
    "LocalFlux",
    "load_flux_data",
    "fit_direct",
    "fit_rehardening",
    "fit_knee",
    "local_fluxes",
]

SPECIES = {"H": PROTON, "He": HELIUM}

#: direct measurements fitted: species -> experiment -> (registry name, what x is)
DIRECT_DATA = {
    "H": {
        "AMS-02": ("local_p_he/AMS-02_H_rigidity.txt", "rigidity"),
        "CALET": ("local_p_he/CALET_H_kineticEnergy.txt", "kinetic"),
        "DAMPE": ("local_p_he/dampe_2019_2021/DAMPE_H_kineticEnergy.txt", "kinetic"),
    },
    "He": {
        "AMS-02": ("local_p_he/AMS-02_He_rigidity.txt", "rigidity"),
        "CALET": ("local_p_he/CALET_He_kineticEnergy.txt", "kinetic"),
        "DAMPE": ("local_p_he/dampe_2019_2021/DAMPE_He_kineticEnergy.txt", "kinetic"),
    },
}

#: air-shower spectra that define the knee variants: variant -> species -> [(label, registry name)]
KNEE_DATA = {
    "min": {
        "H": [("KASCADE (QGSJET-01)", "knee/KASCADE_QGSJET-01_H_totalEnergy.txt")],
        "He": [("KASCADE (QGSJET-01)", "knee/KASCADE_QGSJET-01_He_totalEnergy.txt")],
    },
    "max": {
        "H": [("IceTop+IceCube (SIBYLL-2.1)", "knee/IceTop_IceCube_SIBYLL-2.1_H_totalEnergy.txt")],
        "He": [("IceTop+IceCube (SIBYLL-2.1)", "knee/IceTop_IceCube_SIBYLL-2.1_He_totalEnergy.txt")],
    },
}
KNEE_VARIANTS = tuple(KNEE_DATA)

#: LHAASO's proton spectrum across the knee: shown for comparison, never fitted
LHAASO_PROTON = ("LHAASO (EPOS-LHC)", "knee/LHAASO_EPOS-LHC_H_totalEnergy.txt")

M2_TO_CM2 = 1.0e-4


def _break(R, R_b, dgamma, s):
    """Smooth change of slope by ``dgamma`` at R_b: [1 + (R/R_b)^(|dg|/s)]^(-sign(dg) s) (1 below R_b)."""
    x = np.log(np.asarray(R, dtype=float) / R_b) * abs(dgamma) / s
    return np.exp(-np.sign(dgamma) * s * np.logaddexp(0.0, x))


@dataclass(frozen=True)
class SpectrumShape:
    """Local interstellar spectrum of one species in rigidity [m^-2 s^-1 sr^-1 GV^-1].

    j(R) = K (R / 100 GV)^-gamma B(R; R_h, dg_h, s) B(R; R_s, dg_s, s) B(R; R_2, dg_2, s) B(R; R_k, dg_k, s_k),
    B(R; R_b, dg, s) = [1 + (R/R_b)^(|dg|/s)]^(-sign(dg) s): each factor changes the slope by dg
    (hardening dg < 0, softening and knee dg > 0) and is 1 well below its break. The first two breaks are
    fitted to direct data (:func:`fit_direct`); the re-hardening at R_2 and the knee at R_k to air-shower
    data (:func:`fit_knee`).
    """

    K: float
    gamma: float
    R_h: float
    dg_h: float
    R_s: float
    dg_s: float
    R_2: float = np.inf
    dg_2: float = 0.0
    R_k: float = np.inf
    dg_k: float = 0.0
    s: float = 0.1
    s_k: float = 0.2

    def flux_R(self, R_GV):
        R = np.asarray(R_GV, dtype=float)
        out = (
            self.K
            * (R / 100.0) ** (-self.gamma)
            * _break(R, self.R_h, self.dg_h, self.s)
            * _break(R, self.R_s, self.dg_s, self.s)
        )
        for R_b, dg, s in ((self.R_2, self.dg_2, self.s), (self.R_k, self.dg_k, self.s_k)):
            if np.isfinite(R_b) and dg != 0.0:
                out = out * _break(R, R_b, dg, s)
        return out


def modulated_flux_R(shape: SpectrumShape, species: Species, R_GV, phi_GV: float):
    """Top-of-atmosphere flux per rigidity in the force field (Gleeson & Axford 1968; Methods, methods-force-field):
    j_R,TOA(R) = j_R,LIS(R') (p/p')^3 E'/E, with E' = E + Z phi."""
    E = species.total_energy_GeV(R_GV)
    p = species.Z * np.asarray(R_GV, dtype=float)
    E_lis = E + species.Z * phi_GV
    p_lis = np.sqrt(E_lis**2 - species.mass_GeV**2)
    return shape.flux_R(p_lis / species.Z) * (p / p_lis) ** 3 * E_lis / E


@dataclass(frozen=True)
class LocalFlux:
    """A species' interstellar flux in the interface of :class:`cocoonlib.production.Production`."""

    species: Species
    shape: SpectrumShape

    def rigidity_GV(self, E_GeV):
        return self.species.rigidity_GV(E_GeV)

    def flux_E(self, E_GeV):
        """j_E = j_R dR/dE [GeV^-1 m^-2 s^-1 sr^-1] at total energy E of the nucleus."""
        E = np.asarray(E_GeV, dtype=float)
        p = self.species.momentum_GeV(E)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = (
                self.shape.flux_R(np.where(p > 0, p, 1.0) / self.species.Z)
                * E
                / (self.species.Z * np.where(p > 0, p, 1.0))
            )
        return np.where(p > 0, out, 0.0)

    def per_energy(self, E_GeV):
        """4 pi j_E [GeV^-1 cm^-2 s^-1]: particles crossing a unit area from all directions (the flux that
        multiplies a cross section in the emissivity)."""
        return 4.0 * np.pi * M2_TO_CM2 * self.flux_E(E_GeV)


# --- data ---------------------------------------------------------------------------------
def _to_rigidity(species: Species, x, kind: str):
    """(R [GV], dE/dR) for a table abscissa that is rigidity (dE/dR -> 1: nothing to convert), kinetic energy or
    total energy of the nucleus."""
    x = np.asarray(x, dtype=float)
    if kind == "rigidity":
        return x, np.ones_like(x)
    E = x + species.mass_GeV if kind == "kinetic" else x
    return species.rigidity_GV(E), species.Z * species.momentum_GeV(E) / E


def load_flux_data(species: str, name: str, kind: str, experiment: str) -> pd.DataFrame:
    """A flux table as R [GV], j_R and its error [m^-2 s^-1 sr^-1 GV^-1] (stat and sys in quadrature,
    sides averaged), with reference and DOI."""
    sp = SPECIES[species]
    t = read_kiss(name)
    R, dEdR = _to_rigidity(sp, t.x, kind)
    err = kiss_total_error(t)
    e = registry().loc[name]
    out = pd.DataFrame(
        {
            "species": species,
            "experiment": experiment,
            "R_GV": R,
            "flux_R": t.y * dEdR,
            "err_R": err * dEdR,
            "reference": e["reference"],
            "doi": e["doi"],
        }
    )
    return out[(out.flux_R > 0) & (out.err_R > 0)].reset_index(drop=True)  # drops empty rows of the exports


def direct_data(species: str) -> pd.DataFrame:
    """All direct measurements of ``species`` ("H" or "He") listed in :data:`DIRECT_DATA`."""
    return pd.concat(
        [load_flux_data(species, n, k, exp) for exp, (n, k) in DIRECT_DATA[species].items()], ignore_index=True
    )


def knee_data(variant: str) -> pd.DataFrame:
    """The air-shower H and He spectra that define knee ``variant`` ("min" or "max")."""
    if variant not in KNEE_DATA:
        raise ValueError(f"knee = {variant!r} is not allowed: expected one of {', '.join(KNEE_DATA)}")
    return pd.concat(
        [load_flux_data(sp, n, "total", label) for sp, rows in KNEE_DATA[variant].items() for label, n in rows],
        ignore_index=True,
    )


# --- fits -----------------------------------------------------------------------------------
_START = {
    "H": dict(K=4.4e-2, gamma=2.85, R_h=500.0, dg_h=-0.2, R_s=1.5e4, dg_s=0.3),
    "He": dict(K=8.0e-3, gamma=2.75, R_h=500.0, dg_h=-0.2, R_s=1.5e4, dg_s=0.3),
}


@dataclass
class FitResult(FitSummary):
    """A least-squares fit: best shape, chi^2, number of points and free parameters, errors; Migrad's verdict and
    the parameters at a limit (:class:`cocoonlib.core.fits.FitSummary`: a fit that did not converge is kept and
    reported)."""

    shape: SpectrumShape
    chi2: float
    n_points: int
    n_free: int
    errors: dict = field(default_factory=dict)

    @property
    def ndof(self) -> int:
        return self.n_points - self.n_free

    @property
    def best(self) -> dict:
        """The fitted parameters of the shape."""
        return dict(vars(self.shape))


def fit_direct(species: str, R_min_GV: float, phi_GV: float) -> FitResult:
    """Fit the LIS shape of ``species`` to AMS-02, CALET and DAMPE above ``R_min_GV`` (iminuit least squares
    in the flux, total errors; force-field modulation with ``phi_GV``)."""
    from iminuit import Minuit

    if species not in SPECIES:
        raise ValueError(f"species = {species!r} is not allowed: expected one of {', '.join(SPECIES)}")
    sp = SPECIES[species]
    d = direct_data(species)
    d = d[d.R_GV >= R_min_GV]
    R, y, e = d.R_GV.to_numpy(), d.flux_R.to_numpy(), d.err_R.to_numpy()
    start = _START[species]
    scale = start["K"]

    def chi2(lnK, gamma, lnR_h, dg_h, lnR_s, dg_s):
        shape = SpectrumShape(scale * np.exp(lnK), gamma, np.exp(lnR_h), dg_h, np.exp(lnR_s), dg_s)
        with np.errstate(over="ignore", invalid="ignore"):  # trial steps far from the data
            return float(np.nan_to_num(pulls.chi2(modulated_flux_R(shape, sp, R, phi_GV), y, e), nan=1e300))

    m = Minuit(
        chi2,
        lnK=0.0,
        gamma=start["gamma"],
        lnR_h=np.log(start["R_h"]),
        dg_h=start["dg_h"],
        lnR_s=np.log(start["R_s"]),
        dg_s=start["dg_s"],
    )
    m.errordef = Minuit.LEAST_SQUARES
    m.limits["dg_h"] = (-1.0, -1e-3)
    m.limits["dg_s"] = (1e-3, 2.0)
    m.limits["lnR_h"] = (np.log(50.0), np.log(5e3))
    m.limits["lnR_s"] = (np.log(2e3), np.log(2e5))
    _migrad(m, f"the fit of the local {species} spectrum")
    v = m.values
    shape = SpectrumShape(
        scale * np.exp(v["lnK"]), v["gamma"], np.exp(v["lnR_h"]), v["dg_h"], np.exp(v["lnR_s"]), v["dg_s"]
    )
    return FitResult(shape, float(m.fval), len(R), m.nfit, _errors(m), **_verdict(m))


def _migrad(m, what: str) -> None:
    """Migrad, once more if the first minimum is not valid; a warning naming ``what`` if it still is not (the fit is
    kept and reported, :class:`FitResult` ``valid``)."""
    import warnings

    m.migrad()
    if not m.valid:
        m.migrad()
    if not m.valid:
        warnings.warn(f"{what} did not converge", RuntimeWarning, stacklevel=3)


def _errors(m) -> dict:
    return {k: float(m.errors[k]) for k in m.parameters}


def _verdict(m) -> dict:
    """{valid, at_limit}: Migrad's verdict and the parameters at a limit of a fitted Minuit, for :class:`FitResult`."""
    from cocoonlib.core.fits import parameters_at_limit

    return {"valid": bool(m.valid), "at_limit": parameters_at_limit(m)}


def _log_chi2_groups(d: pd.DataFrame, shapes: Mapping[str, SpectrumShape]):
    d = d[d.err_R < d.flux_R]  # points compatible with zero carry no shape information in ln j
    return [
        (shapes[sp], g.R_GV.to_numpy(), np.log(g.flux_R.to_numpy()), (g.err_R / g.flux_R).to_numpy())
        for sp, g in d.groupby("species")
    ]


def _fit_log(groups, make, start: dict, limits: dict, what: str):
    """Least squares in ln j over ``groups`` for the shape family ``make(shape, **params)``."""
    from iminuit import Minuit

    def chi2(*args):
        kw = dict(zip(start, args))
        return float(sum(pulls.chi2(np.log(make(sh, **kw).flux_R(R)), ly, e) for sh, R, ly, e in groups))

    m = Minuit(chi2, *start.values(), name=tuple(start))
    m.errordef = Minuit.LEAST_SQUARES
    for k, lim in limits.items():
        m.limits[k] = lim
    _migrad(m, f"the {what} fit")
    return m


#: the re-hardening is fitted to LHAASO's protons below this rigidity [GV] (below the knee)
REHARDENING_MAX_GV = 1.0e6


def fit_rehardening(
    shapes: Mapping[str, SpectrumShape], R_2_GV: float, R_max_GV: float = REHARDENING_MAX_GV
) -> tuple[dict, FitResult]:
    """Fit the slope change dg_2 of a re-hardening at ``R_2_GV`` (fixed), common to H and He in rigidity, to
    LHAASO's proton spectrum below ``R_max_GV`` (below the knee). Between the DAMPE softening and the
    knee the direct data end; LHAASO (EPOS-LHC) measures the protons there with small errors."""
    label, name = LHAASO_PROTON
    d = load_flux_data("H", name, "total", label)
    groups = _log_chi2_groups(d[d.R_GV <= R_max_GV], shapes)

    def make(shape, dg_2):
        return replace(shape, R_2=R_2_GV, dg_2=dg_2)

    m = _fit_log(groups, make, {"dg_2": -0.2}, {"dg_2": (-1.0, 1.0)}, "re-hardening")
    out = {sp: make(shape, m.values["dg_2"]) for sp, shape in shapes.items()}
    n = int(sum(len(g[1]) for g in groups))
    return out, FitResult(out["H"], float(m.fval), n, m.nfit, {"dg_2": float(m.errors["dg_2"])}, **_verdict(m))


def fit_knee(
    shapes: Mapping[str, SpectrumShape], variant: str, R_min_GV: float = 1.0e6, s_k: float = 0.2
) -> tuple[dict, dict]:
    """Fit the knee rigidity R_k and slope change dg_k of each species to the air-shower spectra of
    ``variant`` above ``R_min_GV``, with the shape below held fixed. Least squares in ln j (air-shower errors
    are large and multiplicative). Each species has its own knee: the H/He separation of air-shower
    experiments depends on the hadronic model, and a common rigidity (Peters cycle) does not fit the H and
    He of one experiment at once; the chapter compares the fitted R_k of H and He.
    Returns ({species: shape with knee}, {species: FitResult}).
    """
    d = knee_data(variant)
    d = d[d.R_GV >= R_min_GV]

    def make(shape, lnR_k, dg_k):
        return replace(shape, R_k=float(np.exp(lnR_k)), dg_k=dg_k, s_k=s_k)

    out, fits = dict(shapes), {}
    for sp in sorted(set(d.species)):
        groups = _log_chi2_groups(d[d.species == sp], shapes)
        m = _fit_log(
            groups,
            make,
            {"lnR_k": np.log(4e6), "dg_k": 1.0},
            {"lnR_k": (np.log(3e5), np.log(1e8)), "dg_k": (0.05, 5.0)},
            f"{sp} knee ({variant})",
        )
        out[sp] = make(shapes[sp], m.values["lnR_k"], m.values["dg_k"])
        fits[sp] = FitResult(out[sp], float(m.fval), int(len(groups[0][1])), m.nfit, _errors(m), **_verdict(m))
    return out, fits


def local_fluxes(shapes: Mapping[str, SpectrumShape]) -> dict[str, LocalFlux]:
    """{"H": LocalFlux, "He": LocalFlux} from fitted shapes (the input of the emissivity)."""
    return {sp: LocalFlux(SPECIES[sp], shapes[sp]) for sp in ("H", "He")}
