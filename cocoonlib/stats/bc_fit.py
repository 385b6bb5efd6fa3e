"""The fit of chapter 2: chi0 and the free transport parameters fitted to B/C (book: Methods, "Galactic transport
and B/C", section methods-bc-fit).

:class:`BCChi2` is the chi^2 of the B/C model (:class:`cocoonlib.transport.bc.BCModel`) against the data of
:func:`cocoonlib.io.cosmic_ray_data.bc_fit_data`; :func:`fit_bc` minimises it with Migrad, takes the intervals of chi0
from Minos or the profile (:mod:`cocoonlib.core.fits`, the toolkit every fit of the book shares) and returns a
:class:`BCFit`, which :mod:`cocoonlib.book.params.saved_fit` writes for the other chapters.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from cocoonlib.core import fits, pulls
from cocoonlib.transport.bc import BCModel, bc_from_basis

__all__ = [
    "BCFit",
    "BCChi2",
    "CHI0_LIMITS",
    "CHI0_START",
    "TRANSPORT_LIMITS",
    "PROFILE_HALF_WIDTH",
    "minimise_bc",
    "Chi0Profile",
    "profile_grid",
    "chi0_interval",
    "profile_interval",
    "fit_bc",
    "fit_to_json",
    "fit_from_json",
]


@dataclass
class BCFit(fits.FitSummary):
    """Result of the B/C fit (all that other chapters need, JSON-serialisable)."""

    free: list
    best: dict
    errors: dict
    covariance: dict
    chi2: float
    ndof: int
    chi2_by_experiment: dict
    n_by_experiment: dict
    chi0_interval_1sigma: list
    chi0_interval_2sigma: list
    profile_chi0: list
    profile_dchi2: list
    chi2_no_cocoon: float
    best_no_cocoon: dict
    settings: dict = field(default_factory=dict)
    # valid, at_limit (FitSummary): Migrad's verdict and the free parameters at a limit of TRANSPORT_LIMITS or
    # CHI0_LIMITS (a fit that did not converge is reported, not raised)

    @property
    def chi0(self) -> float:
        return self.best["chi0"]

    @property
    def delta_chi2_no_cocoon(self) -> float:
        return self.chi2_no_cocoon - self.chi2


#: the profile of chi0 spans the best fit -+ this many Hesse errors (Delta chi^2 ~ 20 for a parabola, beyond
#: the 2 sigma interval and the range the chapter draws; assumed)
PROFILE_HALF_WIDTH = 4.5


#: the range Migrad may give chi0 [g cm^-2] (assumed: ten times the letter's best fit, far outside any interval)
CHI0_LIMITS = (0.0, 10.0)


#: the start value of chi0 [g cm^-2] ([AESB25] Sec. 3: the letter's best fit)
CHI0_START = 0.4


#: the ranges Migrad may give the free halo parameters (assumed: D0 [1e28 cm^2/s] and delta far outside any
#: value that describes B/C)
TRANSPORT_LIMITS = {"D0": (0.05, 50.0), "delta": (0.1, 1.2)}


class BCChi2:
    """chi^2 of B/C against the ``used`` points of ``data`` as a function of (chi0, *free halo parameters):
    sum ((model - data)/sigma)^2, sigma = stat (+) sys.

    The network is solved once per set of halo parameters (:meth:`BCModel.bc_basis`, kept in ``bases`` for the
    life of this object); chi0 then enters in closed form (:func:`bc_from_basis`), so a step in chi0 alone costs
    no solution."""

    def __init__(self, model: BCModel, data: pd.DataFrame, free_transport):
        for p in free_transport:
            if p not in TRANSPORT_LIMITS:
                raise ValueError(f"free transport parameter {p!r} is not allowed: expected D0 and/or delta")
        self.model, self.free_transport = model, tuple(free_transport)
        self.data = data[data.used]
        self.T, self.y, self.sigma = (self.data[c].to_numpy() for c in ("T_GeV_n", "BC", "sigma"))
        if len(self.y) <= len(self.free_transport) + 1:
            raise ValueError(f"only {len(self.y)} B/C points above the energy cut: too few for the fit")
        self.names = ["chi0", *self.free_transport]
        self.bases: dict[tuple, dict] = {}

    def predict(self, chi0: float, halo_values) -> np.ndarray:
        key = tuple(halo_values)
        if key not in self.bases:
            self.bases[key] = self.model.bc_basis(self.T, **dict(zip(self.free_transport, key)))
        return bc_from_basis(self.bases[key], chi0)["total"]

    def __call__(self, *par) -> float:
        return pulls.chi2(self.predict(par[0], par[1:]), self.y, self.sigma)

    def start(self) -> dict[str, float]:
        return {"chi0": CHI0_START, **{p: getattr(self.model.halo, p) for p in self.free_transport}}

    def by_experiment(self, best: dict) -> tuple[dict, dict]:
        """({experiment: chi^2}, {experiment: number of points}) at the parameters ``best``."""
        resid2 = pulls.pull(self.predict(best["chi0"], [best[p] for p in self.free_transport]), self.y, self.sigma) ** 2
        exps = self.data.experiment
        return (
            {e: float(resid2[(exps == e).to_numpy()].sum()) for e in exps.unique()},
            {e: int((exps == e).sum()) for e in exps.unique()},
        )


def minimise_bc(chi2: BCChi2, start: dict | None = None, chi0_fixed: float | None = None):
    """Migrad on ``chi2`` from ``start`` (default :meth:`BCChi2.start`), chi0 in :data:`CHI0_LIMITS` (fixed at
    ``chi0_fixed`` if given), the halo parameters in :data:`TRANSPORT_LIMITS`. Returns the Minuit object."""
    from iminuit import Minuit

    start = start or chi2.start()
    m = Minuit(chi2, *[start[n] for n in chi2.names], name=chi2.names)
    m.errordef = Minuit.LEAST_SQUARES
    m.limits["chi0"] = CHI0_LIMITS
    for p in chi2.free_transport:
        m.limits[p] = TRANSPORT_LIMITS[p]
    if chi0_fixed is not None:
        m.values["chi0"] = chi0_fixed
        m.fixed["chi0"] = True
    m.migrad()
    return m


class Chi0Profile:
    """Delta chi^2(chi0): the chi^2 minimised over the halo parameters at fixed chi0, minus the best fit's. Each
    minimisation starts from the nearest chi0 already profiled (kept in ``points``: {chi0: (chi^2, values)})."""

    def __init__(self, chi2: BCChi2, best: dict, chi2_min: float):
        self.chi2, self.best, self.chi2_min = chi2, dict(best), chi2_min
        self.points: dict[float, tuple[float, dict]] = {}

    def __call__(self, chi0: float) -> float:
        c = float(chi0)
        if c not in self.points:
            near = min(self.points, key=lambda k: abs(k - c)) if self.points else None
            start = {**self.best, **(self.points[near][1] if near is not None else {})}
            m = minimise_bc(self.chi2, start, chi0_fixed=c)
            self.points[c] = (float(m.fval), dict(zip(self.chi2.names, map(float, m.values))))
        return self.points[c][0] - self.chi2_min


def profile_grid(best_chi0: float, error: float, chi0_max: float, n: int) -> np.ndarray:
    """``n`` values of chi0 across best -+ :data:`PROFILE_HALF_WIDTH` Hesse errors, within [0, chi0_max]."""
    half = PROFILE_HALF_WIDTH * error
    return np.linspace(max(0.0, best_chi0 - half), min(chi0_max, best_chi0 + half), n)


def chi0_interval(m, best_chi0: float, n_sigma: int, profile: Chi0Profile) -> list[float]:
    """The ``n_sigma`` interval of chi0 on the fitted Minuit ``m`` (:func:`cocoonlib.core.fits.interval`): Minos's
    ends (clipped at 0, open (inf) at the upper chi0 limit), the profile's (:func:`profile_interval`) for an end Minos
    does not find or where Migrad's minimum is not valid."""

    def from_profile(level):
        if m.valid:
            warnings.warn(
                f"B/C fit: Minos failed for the {n_sigma} sigma interval of chi0; root-finding on the profile",
                RuntimeWarning,
                stacklevel=4,
            )
        return profile_interval(profile, best_chi0, level)

    return fits.interval(m, "chi0", n_sigma, bool(m.valid), from_profile, best=best_chi0)


def fit_bc(
    model: BCModel,
    data: pd.DataFrame,
    free_transport,
    chi0_max: float = 1.5,
    n_profile: int = 31,
    two_sigma: bool = True,
) -> BCFit:
    """Fit chi0 (>= 0) and the ``free_transport`` halo parameters to the ``used`` B/C points (:class:`BCChi2`,
    Migrad: :func:`minimise_bc`).

    Returns the best fit with the Hesse covariance; the 1 (and, with ``two_sigma``, 2) sigma interval of chi0
    (:func:`chi0_interval`); the profile (:class:`Chi0Profile`) on ``n_profile`` points (:func:`profile_grid`, 0:
    none); chi^2 per experiment; and the fit with chi0 = 0.
    """
    chi2 = BCChi2(model, data, free_transport)
    m = minimise_bc(chi2)
    if not m.valid:
        warnings.warn("B/C fit: Migrad did not report a valid minimum", RuntimeWarning, stacklevel=2)
    m.hesse()
    names = chi2.names
    best = dict(zip(names, map(float, m.values)))
    profile = Chi0Profile(chi2, best, float(m.fval))
    grid = profile_grid(best["chi0"], float(m.errors["chi0"]), chi0_max, n_profile)
    dchi2 = [profile(c) for c in grid]
    i1 = chi0_interval(m, best["chi0"], 1, profile)
    i2 = chi0_interval(m, best["chi0"], 2, profile) if two_sigma else [math.nan, math.nan]
    parts, counts = chi2.by_experiment(best)
    m0 = minimise_bc(chi2, best, chi0_fixed=0.0)
    return BCFit(
        free=names,
        best=best,
        errors={n: float(m.errors[n]) for n in names},
        covariance={a: {b: float(m.covariance[a, b]) for b in names} for a in names},
        chi2=profile.chi2_min,
        ndof=int(len(chi2.y) - len(names)),
        chi2_by_experiment=parts,
        n_by_experiment=counts,
        chi0_interval_1sigma=i1,
        chi0_interval_2sigma=i2,
        profile_chi0=[float(c) for c in grid],
        profile_dchi2=[float(v) for v in dchi2],
        chi2_no_cocoon=float(m0.fval),
        best_no_cocoon=dict(zip(names, map(float, m0.values))),
        valid=bool(m.valid),
        at_limit=fits.parameters_at_limit(m),
    )


def profile_interval(profile, best: float, level: float) -> list[float]:
    """Where ``profile(c)`` (Delta chi^2 in chi0) crosses ``level`` below and above ``best``, by Brent's method;
    0 if it stays below ``level`` down to chi0 = 0, inf if it does so up to the upper chi0 limit."""
    return fits.root_interval(profile, best, level, 0.0, CHI0_LIMITS[1])


def fit_to_json(fit: BCFit) -> dict:
    """The fit as a JSON-ready dict (an infinite interval end as None)."""
    out = asdict(fit)
    for k in ("chi0_interval_1sigma", "chi0_interval_2sigma"):
        out[k] = [v if math.isfinite(v) else None for v in getattr(fit, k)]
    return out


def fit_from_json(raw: dict) -> BCFit:
    """The :class:`BCFit` of :func:`fit_to_json`'s dict."""
    raw = dict(raw)
    for k in ("chi0_interval_1sigma", "chi0_interval_2sigma"):
        raw[k] = [math.inf if v is None else v for v in raw[k]]
    return BCFit(**raw)
