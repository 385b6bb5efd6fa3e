"""How far a model may go before the measurements exclude it (the appendices on R0 and delta).

A model curve E^2 I(E) is compared with measured points through signed *pulls*,
(model - data) / sigma, with the upper error of a point where the model lies above
it and the lower error where it lies below (as :func:`cocoonlib.stats.compare.chi2_against`).
A model *overshoots* when some pull exceeds ``n_sigma``. The appendices ask for the
largest value of a parameter (R0, chi0) at which the total, DGE plus cocoons, does
not overshoot any point; the cocoon flux grows monotonically with both, so the limit
is a root of ``max pull - n_sigma``.

Points that the DGE alone already overshoots cannot be cured by any cocoon parameter;
they are set aside (:func:`overshot_by`) and reported, so that the limit says what the
cocoons add, not where this book's DGE differs from the data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.optimize import brentq, minimize_scalar

from cocoonlib.core.numerics import loglog_interp
from cocoonlib.stats.compare import measured_points as _points
from cocoonlib.stats.compare import pulls

__all__ = [
    "LimitingPoint",
    "Bound",
    "Minimum",
    "pulls",
    "chi2",
    "overshot_by",
    "max_pull",
    "limiting_point",
    "headroom",
    "largest_scale",
    "ScaleLimit",
    "scale_limit",
    "largest_value",
    "minimise_log",
]


def chi2(data: Mapping[str, pd.DataFrame], E_model, curves: Mapping[str, np.ndarray]) -> float:
    """Sum of squared pulls over the windows of ``data`` (window -> points) for ``curves`` (window -> E^2 I)."""
    return float(sum(np.sum(pulls(d, E_model, curves[w]) ** 2) for w, d in data.items()))


def overshot_by(
    data: Mapping[str, pd.DataFrame], E_model, curves: Mapping[str, np.ndarray], n_sigma: float
) -> dict[str, np.ndarray]:
    """Window -> boolean mask of the points that ``curves`` exceed by more than ``n_sigma``."""
    return {w: pulls(d, E_model, curves[w]) > n_sigma for w, d in data.items()}


def max_pull(
    data: Mapping[str, pd.DataFrame],
    E_model,
    curves: Mapping[str, np.ndarray],
    skip: Mapping[str, np.ndarray] | None = None,
) -> float:
    """Largest pull over all windows and points, leaving out the points masked by ``skip``."""
    best = -np.inf
    for w, d in data.items():
        p = pulls(d, E_model, curves[w])
        if skip is not None:
            p = p[~skip[w]]
        if p.size:
            best = max(best, float(p.max()))
    return best


class LimitingPoint(NamedTuple):
    """The measured point that sets a limit: its window, energy [GeV] and pull."""

    window: str
    E_GeV: float
    pull: float


class Bound(NamedTuple):
    """A limit found by :func:`largest_value`: the value and how it was found ("found", "above range", "below
    range")."""

    value: float
    status: str


class Minimum(NamedTuple):
    """Where :func:`minimise_log` found the smallest value, and that value."""

    x: float
    value: float


def limiting_point(
    data: Mapping[str, pd.DataFrame],
    E_model,
    curves: Mapping[str, np.ndarray],
    skip: Mapping[str, np.ndarray] | None = None,
) -> LimitingPoint:
    """The point with the largest pull (the one that sets a limit)."""
    best = ("", float("nan"), -np.inf)
    for w, d in data.items():
        p = pulls(d, E_model, curves[w])
        E = _points(d).E_GeV.to_numpy()
        if skip is not None:
            p, E = p[~skip[w]], E[~skip[w]]
        if p.size and p.max() > best[2]:
            i = int(np.argmax(p))
            best = (w, float(E[i]), float(p[i]))
    return LimitingPoint(*best)


def headroom(
    data: Mapping[str, pd.DataFrame], E_model, base: Mapping[str, np.ndarray], window: str, E_GeV: float, n_sigma: float
) -> float:
    """n_sigma minus the pull of ``base`` (e.g. the DGE alone) at the point (``window``, ``E_GeV``) that sets a limit:
    how much room the cocoons had there, in errors of the point. A limit is as sensitive to the model as
    (change of the pull) / headroom: a point the DGE alone nearly reaches makes an ill-conditioned limit."""
    pts = _points(data[window])
    i = int(np.argmin(np.abs(pts.E_GeV.to_numpy() / E_GeV - 1.0)))
    return float(n_sigma - pulls(data[window], E_model, base[window])[i])


def largest_scale(
    data: Mapping[str, pd.DataFrame],
    E_model,
    base: Mapping[str, np.ndarray],
    add: Mapping[str, np.ndarray],
    n_sigma: float,
    skip: Mapping[str, np.ndarray] | None = None,
) -> float:
    """Largest s >= 0 for which base + s * add exceeds no point by more than n_sigma upper errors.

    Closed form, point by point: s_i = (D_i + n sigma_hi,i - B_i) / A_i for A_i > 0, and the smallest s_i
    wins; 0 if the base alone overshoots a point that is not skipped; inf if ``add`` vanishes at every
    point. Used for chi0, on which the cocoon flux depends linearly ([AESB25] eq. 7).
    """
    s_min = np.inf
    for w, d in data.items():
        pts = _points(d)
        E = pts.E_GeV.to_numpy()
        B = loglog_interp(E, E_model, base[w])
        A = loglog_interp(E, E_model, add[w])
        room = pts.E2_flux.to_numpy() + n_sigma * pts.E2_err_hi.to_numpy() - B
        keep = ~skip[w] if skip is not None else np.ones(E.size, bool)
        if np.any(keep & (room < 0)):
            return 0.0
        ok = keep & (A > 1e-250)
        if ok.any():
            s_min = min(s_min, float(np.min(room[ok] / A[ok])))
    return s_min


@dataclass(frozen=True)
class ScaleLimit:
    """The largest scale of an added curve the data allow, where it is set and how much room the base left there."""

    value: float  #: the largest scale (inf if the added curve vanishes at every kept point)
    window: str  #: the window of the point that sets it
    E_GeV: float  #: the energy of that point [GeV]
    headroom_sigma: float  #: n_sigma minus the base's pull at that point (:func:`headroom`)


def scale_limit(
    data: Mapping[str, pd.DataFrame],
    E_model,
    base: Mapping[str, np.ndarray],
    add: Mapping[str, np.ndarray],
    n_sigma: float,
    skip: Mapping[str, np.ndarray] | None = None,
) -> ScaleLimit:
    """:func:`largest_scale` of ``add`` over ``base`` with the point that sets it (:func:`limiting_point` of the
    curves at the limit) and the :func:`headroom` the base leaves there: e.g. the largest chi0 of a cocoon curve
    given per unit chi0 (appendix on the diffusion regime)."""
    s = largest_scale(data, E_model, base, add, n_sigma, skip)
    window, E, _ = limiting_point(data, E_model, {w: base[w] + s * add[w] for w in data}, skip)
    return ScaleLimit(s, window, E, headroom(data, E_model, base, window, E, n_sigma))


def largest_value(pull_of: Callable[[float], float], lo: float, hi: float, n_sigma: float, rtol: float = 1e-4) -> Bound:
    """Largest x in [lo, hi] with pull_of(x) <= n_sigma, for a pull that does not decrease with x.

    Returns ``(x, status)``: ``"found"`` (the crossing, to ``rtol``, by Brent's method in ln x),
    ``"above range"`` (hi itself passes: x = hi is only a lower bound of the limit) or
    ``"below range"`` (lo already fails: x = lo).
    """
    if not 0 < lo < hi:
        raise ValueError(f"search range [{lo!r}, {hi!r}] is not allowed: expected 0 < lo < hi")
    g = lambda t: pull_of(float(np.clip(np.exp(t), lo, hi))) - n_sigma  # noqa: E731  (exp(ln hi) may round above hi)
    if g(np.log(hi)) <= 0:
        return Bound(hi, "above range")
    if g(np.log(lo)) > 0:
        return Bound(lo, "below range")
    t = brentq(g, np.log(lo), np.log(hi), xtol=rtol)
    return Bound(float(np.clip(np.exp(t), lo, hi)), "found")


def minimise_log(f: Callable[[float], float], lo: float, hi: float, n: int = 41) -> Minimum:
    """(x, f(x)) at the smallest f over lo <= x <= hi: a grid of ``n`` points in ln x finds the deepest valley,
    then a bounded Brent search between its neighbours refines it (safe for a chi^2 profile with a plateau)."""
    if not 0 < lo < hi:
        raise ValueError(f"search range [{lo!r}, {hi!r}] is not allowed: expected 0 < lo < hi")
    t = np.linspace(np.log(lo), np.log(hi), n)
    f_log = lambda x: f(float(np.clip(np.exp(x), lo, hi)))  # noqa: E731
    v = np.array([f_log(x) for x in t])
    i = int(np.argmin(v))
    a, b = t[max(i - 1, 0)], t[min(i + 1, n - 1)]
    r = minimize_scalar(f_log, bounds=(a, b), method="bounded", options={"xatol": 1e-4})
    if r.fun <= v[i]:
        return Minimum(float(np.clip(np.exp(r.x), lo, hi)), float(r.fun))
    return Minimum(float(np.clip(np.exp(t[i]), lo, hi)), float(v[i]))
