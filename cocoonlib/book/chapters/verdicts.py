"""What decides each verdict of the scorecard: the claim judged again without each part of the data behind it.

:func:`leave_one_out` takes a chapter's :class:`~cocoonlib.book.chapters.keys.Context` (the pieces its key numbers were made
from) and returns, for each claim of :mod:`cocoonlib.book.chapters.scorecard` that rests on measured data, a
:class:`~cocoonlib.book.chapters.scorecard.Removal` per data set removed and, where a claim rests on fewer than
:data:`POINTS_EACH` points, per point removed: the claim's :class:`~cocoonlib.book.chapters.scorecard.Judgement` recomputed
from the chapter's own numbers with only that part changed (the same functions as the key numbers, on a subset of
the data). A claim about a model number (a share, a photon index, a residence time) has an empty list: no measured
data stand behind it.

Two shortcuts are exact rather than approximate. A limit set by the first point the total overshoots (the largest R0,
the largest chi0 of the appendices) changes only when that point is removed: the cocoon flux rises monotonically with
the parameter, so every other point crosses later; the other removals repeat the full judgement. The B/C and joint
fits are refitted without each data set (three B/C experiments, five gamma-ray regions).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from cocoonlib.book.chapters import keys
from cocoonlib.book.chapters.bc_keys import chi0_keys
from cocoonlib.book.chapters.scorecard import CLAIMS, Judgement, Removal
from cocoonlib.book.params import from_params
from cocoonlib.io import cosmic_ray_data
from cocoonlib.stats import bc_fit, compare, limits

__all__ = ["POINTS_EACH", "leave_one_out", "judge"]

#: a claim resting on fewer points than this is judged again without each point (issue 29: below 20, every point)
POINTS_EACH = 20

_CLAIM = {c.key: c for c in CLAIMS}


def judge(claim: str, results: Mapping[str, float]) -> Judgement:
    """The :class:`~cocoonlib.book.chapters.scorecard.Judgement` of claim ``claim`` on ``results``."""
    return _CLAIM[claim].test(results)


def leave_one_out(ctx: keys.Context) -> dict[str, list[Removal]]:
    """{claim: [Removal, ...]} for every claim of the context's chapter (an empty list for a claim about a model
    number)."""
    own = keys.own_key_numbers(ctx)
    out = {c.key: [] for c in CLAIMS if c.chapter == ctx.chapter}
    out.update(_BY_CHAPTER.get(ctx.chapter, lambda ctx, own: {})(ctx, own))
    return out


# --- chapter bc: the B/C fit without each experiment --------------------------------------------------------
def _bc(ctx: keys.Context, own: Mapping[str, float]) -> dict[str, list[Removal]]:
    P, model = ctx.P, ctx["model"]
    data = cosmic_ray_data.bc_fit_data(P["ams02_table"], P["T_min_fit"])
    free = from_params.FREE_TRANSPORT[P["free_transport"]]
    out = {"chi0": [], "nonzero": []}
    for exp in data[data.used].experiment.unique():
        subset = data.assign(used=data.used & (data.experiment != exp))
        fit = bc_fit.fit_bc(model, subset, free, P["chi0_scan_max"], n_profile=0, two_sigma=True)
        r = {
            **own,
            **chi0_keys(fit),
            "delta_chi2_no_cocoon": fit.delta_chi2_no_cocoon,
        }
        n = int((data.used & (data.experiment == exp)).sum())
        for claim in out:
            out[claim].append(Removal(exp, n, judge(claim, r)))
    return out


# --- chapter gamma: points and the HAWC band ---------------------------------------------------------------
def _point_label(experiment: str, region: str, E_GeV: float) -> str:
    return f"{experiment} {region} {E_GeV / 1e3:.3g} TeV"


def _without_each_point(table, each: Callable) -> list[Removal]:
    """``each(subset)`` -> Judgement for the table without each of its measured points (upper limits kept aside)."""
    pts = compare.measured_points(table)
    return [each(pts.drop(index=i), float(pts.E_GeV[i])) for i in pts.index]


def _gamma(ctx: keys.Context, own: Mapping[str, float]) -> dict[str, list[Removal]]:
    sky, rsky = ctx["sky"], ctx["rsky"]
    out: dict[str, list[Removal]] = {"km2a": [], "tibet": [], "excess": []}
    for w in sky.windows:
        lo, hi = sky.dge_band(w)
        c = sky.cocoon(w)

        def km2a(subset, E, w=w, lo=lo, hi=hi, c=c):
            chi2 = compare.best_chi2_in_band(subset, sky.E, lo, hi, c)[0]
            r = {**own, f"chi2_km2a_{w}": chi2, f"n_km2a_{w}": len(subset)}
            return Removal(_point_label("KM2A", w, E), 1, judge("km2a", r))

        out["km2a"] += _without_each_point(ctx["km2a"][w], km2a)
    for w, name in (("tibet_25l100", "25l100"), ("tibet_50l200", "50l200")):
        table = ctx["points"][w]
        lo, hi = rsky.dge_band(w)
        c = rsky.cocoon(w)

        def tibet(subset, E, w=w, name=name, lo=lo, hi=hi, c=c):
            chi2 = compare.best_chi2_in_band(subset, rsky.E, lo, hi, c)[0]
            r = {**own, f"chi2_tibet_{name}": chi2, f"n_tibet_{name}": len(subset)}
            return Removal(_point_label("Tibet AS+MD", w, E), 1, judge("tibet", r))

        out["tibet"] += _without_each_point(table[table.experiment == "Tibet AS+MD"], tibet)
    lo, hi = rsky.dge_band("tibet_25l100")
    centre, c = 0.5 * (lo + hi), rsky.cocoon("tibet_25l100")

    def argo(subset, E):
        share = compare.share_of_excess(1e3, rsky.E, centre, c, subset)[2]
        return Removal(
            _point_label("ARGO-YBJ", "25l100", E),
            1,
            judge("excess", {**own, "cocoon_share_of_argo_excess_1TeV": share}),
        )

    out["excess"] += _without_each_point(ctx["argo"], argo)
    # without HAWC the claim rests on ARGO-YBJ alone: its distance no longer counts
    out["excess"].append(Removal("HAWC's band", 1, judge("excess", {**own, "hawc_distance_10TeV": 0.0})))
    return out


# --- the appendices: the limits, without the point that sets them --------------------------------------------
def _without_limiting_point(points: Mapping, window: str, E_GeV: float, recompute: Callable) -> list[Removal]:
    """One Removal per measured point of ``points`` ({window: table}); only the point (``window``, ``E_GeV``) that
    sets the limit changes it (module docstring): ``recompute(skip)`` -> Judgement with that point set aside too,
    ``recompute(None)`` the judgement on all points."""
    full = recompute(None)
    out = []
    for w, table in points.items():
        pts = compare.measured_points(table)
        for E in pts.E_GeV.to_numpy(dtype=float):
            sets_it = w == window and math.isclose(E, E_GeV, rel_tol=1e-9)
            out.append(
                Removal(
                    _point_label(", ".join(sorted(set(pts.experiment))), w, E),
                    1,
                    recompute((w, E)) if sets_it else full,
                )
            )
    return out


def _skip_point(set_aside: Mapping, points: Mapping, where) -> dict:
    """The set-aside masks with the point ``where`` = (window, E) set aside as well."""
    if where is None:
        return dict(set_aside)
    w, E = where
    E_pts = compare.measured_points(points[w]).E_GeV.to_numpy(dtype=float)
    extra = np.isclose(E_pts, E, rtol=1e-9, atol=0.0)
    return {**set_aside, w: set_aside[w] | extra}


def _r0(ctx: keys.Context, own: Mapping[str, float]) -> dict[str, list[Removal]]:
    sky, m, aside, n_sigma = ctx["sky"], ctx["measurements"], ctx["set_aside"], ctx.P["n_sigma"]
    window, E, _, _ = ctx["limit"]
    dge = {w: sky.dge(w, variant=sky.lowest_knee) for w in sky.windows}

    def recompute(where):
        skip = _skip_point(aside, m, where)
        R0, status = limits.largest_value(
            lambda r: limits.max_pull(m, sky.E, keys.totals(sky, R0=r), skip), *keys.R0_SEARCH_TV, n_sigma
        )
        at = sky.with_cocoons(R0=R0)
        w, E_lim, _ = limits.limiting_point(m, sky.E, {x: at.total(x) for x in sky.windows}, skip)
        room = limits.headroom(m, sky.E, dge, w, E_lim, n_sigma)
        r = {**own, "R0_max_TV": R0, "R0_max_found": float(status == "found"), "R0_max_headroom_sigma": room}
        return judge("r0_upper", r)

    return {"r0_upper": _without_limiting_point(m, window, E, recompute)}


def _delta(ctx: keys.Context, own: Mapping[str, float]) -> dict[str, list[Removal]]:
    P, sky, m, aside = ctx.P, ctx["sky"], ctx["measurements"], ctx["set_aside"]
    form = P["ad_grammage_model"]
    out = {}
    for claim, regime in (("kraichnan", "kraichnan"), ("bohm", "bohm")):
        variant = ctx["variants"][form, regime]
        unit = {w: variant.cocoon(w) / variant.chi0 for w in variant.windows}
        full = limits.scale_limit(m, sky.E, ctx["dge_min"], unit, P["n_sigma"], aside)

        def recompute(where, unit=unit, regime=regime, claim=claim):
            lim = limits.scale_limit(m, sky.E, ctx["dge_min"], unit, P["n_sigma"], _skip_point(aside, m, where))
            r = {**own, f"chi0_max_{regime}_g_cm2": lim.value, f"chi0_max_{regime}_headroom_sigma": lim.headroom_sigma}
            return judge(claim, r)

        out[claim] = _without_limiting_point(m, full.window, full.E_GeV, recompute)
    return out


# --- chapter joint: every data set out in turn (keys.joint_leave_one_out) ------------------------------------
def _joint(ctx: keys.Context, own: Mapping[str, float]) -> dict[str, list[Removal]]:
    out = []
    for removed, f in ctx["leave_one_out"].items():
        r = {
            **own,
            "chi0_bc_only_best_g_cm2": f["bc"].chi0,
            "chi0_gamma_only_best_g_cm2": f["gamma"].chi0,
            "chi0_joint_best_g_cm2": f["joint"].chi0,
            "R0_joint_best_TV": f["joint"].R0_TV,
            "tension_bc_gamma_sigma": f["tension"]["difference_sigma"],
            "tension_pg_sigma": f["tension"]["delta_chi2_sigma"],
        }
        out.append(Removal(removed, f["points"], judge("agree", r)))
    return {"agree": out}


_BY_CHAPTER: dict[str, Callable[[keys.Context, Mapping[str, float]], dict[str, list[Removal]]]] = {
    "bc": _bc,
    "gamma": _gamma,
    "r0": _r0,
    "delta": _delta,
    "joint": _joint,
}
