"""What every least-squares fit of the book shares (book: Methods, "Comparing with measurements", methods-chi2):
the summary a fit reports and its intervals from Minos, with the profile where Minos cannot give them.

Three fits use it: the local proton and helium spectra (:mod:`cocoonlib.sky.local_cr`), B/C
(:mod:`cocoonlib.stats.bc_fit`) and the joint fit of chi0 and R0 (:mod:`cocoonlib.stats.joint`). Each minimises a
chi^2 with iminuit's Migrad; a minimum Migrad does not call valid is a result, reported with the parameters that
ended at a limit (:func:`parameters_at_limit`), not an error. An interval is Minos's where Minos finds its end
(:func:`minos_ends`), and the profile's, by root-finding, where it does not or the minimum is not valid
(:func:`interval`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from scipy.optimize import brentq
from scipy.special import chdtrc, ndtri

__all__ = [
    "chi2_probability",
    "two_sided_sigma",
    "FitSummary",
    "parameters_at_limit",
    "minos_ends",
    "interval",
    "root_interval",
]


def chi2_probability(chi2: float, ndof: int) -> float:
    """The probability of a chi^2 at least ``chi2`` for ``ndof`` degrees of freedom (NaN for ndof <= 0)."""
    return float(chdtrc(ndof, chi2)) if ndof > 0 else math.nan


def two_sided_sigma(p: float) -> float:
    """The two-sided Gaussian significance [sigma] of a probability ``p`` (inf for p = 0)."""
    return float(-ndtri(p / 2.0))


@dataclass(kw_only=True)
class FitSummary:
    """What every fit result of the book carries and reports: a subclass (a dataclass) has ``chi2``, ``ndof``,
    ``best`` and ``errors`` ({name: value}); this base adds Migrad's verdict on the minimum (``valid``) and the free
    parameters that ended at a limit (``at_limit``, :func:`parameters_at_limit`), both given by keyword."""

    valid: bool = True
    at_limit: list = field(default_factory=list)

    @property
    def chi2_per_dof(self) -> float:
        return self.chi2 / self.ndof if self.ndof > 0 else math.nan

    @property
    def p_value(self) -> float:
        """The chi^2 probability of the fit's chi^2 for its degrees of freedom."""
        return chi2_probability(self.chi2, self.ndof)

    @property
    def status(self) -> str:
        """'ok', or why the minimum is not valid (Migrad's verdict and the parameters at a limit)."""
        if self.valid:
            return "ok"
        return "Migrad's minimum not valid" + (f" ({'; '.join(self.at_limit)})" if self.at_limit else "")


def parameters_at_limit(m, rel: float = 1e-4) -> list[str]:
    """The free parameters of a fitted Minuit ``m`` that lie within ``rel`` of their range's width from a finite
    limit, as "name at lower limit 0.05" (a fit reports them; a test of a chapter's fit reads them)."""
    out = []
    for p in m.parameters:
        lo, hi = m.limits[p]
        if m.fixed[p] or not (math.isfinite(lo) and math.isfinite(hi)):
            continue
        tol = rel * (hi - lo)
        for side, lim in (("lower", lo), ("upper", hi)):
            if abs(m.values[p] - lim) <= tol and not (p == "chi0" and side == "lower"):  # chi0 = 0 is physical
                out.append(f"{p} at its {side} limit {lim:g}")
    return out


def minos_ends(m, par: str, n_sigma: int, best: float | None = None) -> tuple[float | None, float | None]:
    """The ``n_sigma`` Minos interval of ``par`` from the fitted Minuit ``m``, around ``best`` (default: the value of
    ``par`` after Minos, which moves it if it finds a lower minimum): an end that runs into the parameter's limit is
    that limit (the lower; inf for the upper); an end Minos did not find is None."""
    m.minos(par, cl=n_sigma)
    me = m.merrors[par]
    best = float(m.values[par]) if best is None else best
    lo = m.limits[par][0] if me.at_lower_limit else best + me.lower if me.lower_valid else None
    hi = math.inf if me.at_upper_limit else best + me.upper if me.upper_valid else None
    return lo, hi


def interval(
    m, par: str, n_sigma: int, valid: bool, profile_ends: Callable[[float], tuple[float, float]], best=None
) -> list[float]:
    """The ``n_sigma`` interval of ``par``: Minos's ends (:func:`minos_ends`, around ``best``) at a ``valid`` minimum,
    and for each end Minos does not find, or every end at a minimum that is not valid, that of
    ``profile_ends(Delta chi^2)`` (the profile's crossings of n_sigma^2, below and above the best value)."""
    lo, hi = minos_ends(m, par, n_sigma, best) if valid else (None, None)
    if lo is None or hi is None:
        p_lo, p_hi = profile_ends(float(n_sigma**2))
        lo, hi = p_lo if lo is None else lo, p_hi if hi is None else hi
    return [float(lo), float(hi)]


def root_interval(
    profile: Callable[[float], float], best: float, level: float, lower: float, upper: float, xtol: float = 1e-5
) -> list[float]:
    """Where ``profile`` (a Delta chi^2) crosses ``level`` below and above ``best``, by Brent's method: ``lower`` if it
    stays below ``level`` down to that limit, inf if it does so up to ``upper``."""
    lo = lower if profile(lower) <= level else brentq(lambda c: profile(c) - level, lower, best, xtol=xtol)
    hi = math.inf if profile(upper) < level else brentq(lambda c: profile(c) - level, best, upper, xtol=xtol)
    return [float(lo), float(hi)]
