"""Chapter 5, the cut-off rigidity R0: its pieces (the limit on R0, the point that sets it, the best R0) and key
numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from cocoonlib.book.chapters.context import (
    Context,
    _appendix_pieces,
    sky_of,
)
from cocoonlib.sky import gamma
from cocoonlib.stats import compare, limits

__all__ = [
    "R0_SEARCH_TV",
    "totals",
    "largest_R0",
    "R0Limit",
    "R0_CLAIM_RANGE_TV",
    "r0_max_margin_sigma",
]


#: the range of R0 searched for the largest R0 and for the chi^2 minimum of the R0 appendix [TV]
R0_SEARCH_TV = (1.0, 1e4)


def totals(sky: gamma.GammaSky, **changes) -> dict:
    """{window: DGE min + cocoons} of the sky with its cocoons changed by ``changes``."""
    s = sky.with_cocoons(**changes)
    return {w: s.total(w) for w in s.windows}


def largest_R0(
    sky: gamma.GammaSky, measurements: Mapping, n_sigma: float, dge_scale: Mapping[str, float] | None = None
) -> tuple[float, str]:
    """The R0 appendix's limit for any sky: the largest R0 at which its lowest DGE (times ``dge_scale`` per window,
    1 if None) plus its cocoons exceeds no point of ``measurements`` by more than ``n_sigma``, the points the DGE alone
    exceeds set aside (:func:`cocoonlib.stats.limits.largest_value`): (R0 [TV], status)."""
    scale = {w: 1.0 if dge_scale is None else dge_scale.get(w, 1.0) for w in sky.windows}
    dge = {w: scale[w] * sky.dge(w, variant=sky.lowest_knee) for w in sky.windows}
    aside = limits.overshot_by(measurements, sky.E, dge, n_sigma)

    def pull(R0):
        s = sky.with_cocoons(R0=R0)
        return limits.max_pull(measurements, sky.E, {w: dge[w] + s.cocoon(w) for w in sky.windows}, aside)

    return limits.largest_value(pull, *R0_SEARCH_TV, n_sigma)


def _r0_R0_max(ctx: Context) -> limits.Bound:
    sky, m, aside = ctx["sky"], ctx["measurements"], ctx["set_aside"]
    return limits.largest_value(
        lambda r: limits.max_pull(m, sky.E, totals(sky, R0=r), aside), *R0_SEARCH_TV, ctx.P["n_sigma"]
    )


class R0Limit(NamedTuple):
    """The point that sets R0_max (window, energy [GeV], pull there) and the room the DGE alone leaves it [sigma]."""

    window: str
    E_GeV: float
    pull: float
    room_sigma: float


def _r0_limit(ctx: Context) -> R0Limit:
    """The point that sets R0_max and the headroom the DGE alone leaves there."""
    sky, m = ctx["sky"], ctx["measurements"]
    at_max = ctx["sky_R0_max"]
    window, E, pull = limits.limiting_point(m, sky.E, {w: at_max.total(w) for w in sky.windows}, ctx["set_aside"])
    room = limits.headroom(
        m, sky.E, {w: sky.dge(w, variant=sky.lowest_knee) for w in sky.windows}, window, E, ctx.P["n_sigma"]
    )
    return R0Limit(window, E, pull, room)


#: the range of R0_max the scorecard's claim on R0 tests [TV] (cocoonlib.book.chapters.scorecard, claim r0_upper)
R0_CLAIM_RANGE_TV = (20.0, 200.0)


def r0_max_margin_sigma(ctx: Context) -> float:
    """How far, in errors of the point that sets R0_max, that point would have to move for R0_max to reach the nearer
    end (in ln R0) of :data:`R0_CLAIM_RANGE_TV`: |pull of DGE min + cocoons there at that R0 - n_sigma|."""
    R0_max = ctx["R0_max"].value
    window, E = ctx["limit"][:2]
    lo, hi = R0_CLAIM_RANGE_TV
    target = hi if abs(math.log(hi / R0_max)) < abs(math.log(R0_max / lo)) else lo
    at = ctx["sky"].with_cocoons(R0=target)
    pts = compare.measured_points(ctx["measurements"][window])
    i = int(np.argmin(np.abs(pts.E_GeV.to_numpy() / E - 1.0)))
    pull = compare.pulls(ctx["measurements"][window], at.E, at.total(window))[i]
    return float(abs(pull - ctx.P["n_sigma"]))


def _r0_keys(ctx: Context) -> dict:
    R0_max, status = ctx["R0_max"]
    R0_best, chi2_best = ctx["R0_best"]
    smallest = min(ctx["grid_skies"])
    return {
        "R0_max_TV": R0_max,
        "R0_max_found": float(status == "found"),
        "R0_max_headroom_sigma": ctx["limit"].room_sigma,
        "R0_max_margin_sigma": r0_max_margin_sigma(ctx),
        "R0_best_TV": R0_best,
        "chi2_R0_best": chi2_best,
        "chi2_R0_chapter": ctx["chi2_ref"],
        "n_points": ctx["n_points"],
        "n_set_aside": ctx["n_set_aside"],
        "cocoon_fraction_inner_1TeV_R0_max": ctx["sky_R0_max"].cocoon_fraction("inner", 1e3),
        "R0_smallest_TV": smallest,
        "cocoon_fraction_inner_1TeV_R0_smallest": ctx["grid_skies"][smallest].cocoon_fraction("inner", 1e3),
    }


#: what :class:`~cocoonlib.book.chapters.context.Context` builds for chapter r0 when a piece is not given
PIECES = {
    "sky": lambda ctx: sky_of(ctx, ctx.P, "gamma inner outer"),
    **_appendix_pieces(),
    "grid_skies": lambda ctx: {r: ctx["sky"].with_cocoons(R0=r) for r in sorted(set(ctx.P["R0_grid"]) | {ctx.P["R0"]})},
    "R0_max": _r0_R0_max,
    "sky_R0_max": lambda ctx: ctx["sky"].with_cocoons(R0=ctx["R0_max"].value),
    "limit": _r0_limit,
    "R0_best": lambda ctx: limits.minimise_log(
        lambda r: limits.chi2(ctx["measurements"], ctx["sky"].E, totals(ctx["sky"], R0=r)), *R0_SEARCH_TV
    ),
    "chi2_ref": lambda ctx: limits.chi2(ctx["measurements"], ctx["sky"].E, totals(ctx["sky"], R0=ctx.P["R0"])),
}
