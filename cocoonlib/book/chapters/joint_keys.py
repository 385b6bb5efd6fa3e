"""Chapter 7, one fit of chi0 and R0 to B/C and the gamma rays: its pieces (the skies of the fit's regions, the
likelihood, the fits and their variants) and key numbers, with the helpers its tables use.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from cocoonlib.book.chapters.bc_keys import _bc_model
from cocoonlib.book.chapters.context import (
    Context,
    bc_refit,
    sky_of,
)
from cocoonlib.book.params import from_params
from cocoonlib.io import cosmic_ray_data
from cocoonlib.sky import gamma
from cocoonlib.stats import joint

__all__ = [
    "delta_free_parameters",
    "joint_likelihood",
    "interval_text",
    "joint_variant",
    "fit_status",
    "joint_fixed",
    "joint_leave_one_out",
]


def _joint_skies(ctx: Context) -> dict:
    """:func:`cocoonlib.book.params.from_params.joint_skies` (with the neutrino sky), each built as :func:`sky_of`."""
    P = ctx.P
    Q = {**P, "chi0_source": "parameter", "transport_source": "parameter"}
    out = {}
    for windows in from_params.JOINT_SKY_WINDOWS:
        sky = sky_of(ctx, Q, "gamma " + " ".join(windows), window_names=windows)
        out.update({w: sky for w in windows if w in joint.REGIONS})
    E = gamma.energy_grid(P["grid_scale"], 2, 6)
    out[joint.NU_REGION] = sky_of(
        ctx, Q, "nu_all allsky 2-6", E_GeV=E, secondary="nu_all", window_names=(joint.NU_REGION,)
    )
    return out


def _joint_model_dge(ctx: Context) -> dict:
    """{region: {(sea, gas): DGE band centre at :data:`cocoonlib.stats.joint.PRIOR_ENERGY_GEV`}} over the book's three
    seas and three gas models, for the regions of the gamma-ray terms (the skies built as :func:`_joint_skies`)."""
    from cocoonlib.sky.diffuse import CR_SEAS

    out: dict[str, dict] = {}
    for sea in CR_SEAS:
        Q = {**ctx.P, "cr_sea": sea, "chi0_source": "parameter", "transport_source": "parameter"}
        for windows in from_params.JOINT_SKY_WINDOWS:
            sky = sky_of(ctx, Q, "gamma " + " ".join(windows), window_names=windows)
            for r in (w for w in windows if w in joint.REGIONS):
                for g in sky.gas_models:
                    out.setdefault(r, {})[sea, g] = sky.at(0.5 * sum(sky.dge_band(r, g)), joint.PRIOR_ENERGY_GEV)
    return out


def _joint_prior_widths(ctx: Context) -> dict | None:
    """The prior widths of ``norm_prior``: the spread over seas x gas models ('models'), or None: the gas models alone
    at the chapter's sea (the default of :func:`cocoonlib.stats.joint.region_terms`)."""
    if ctx.P["norm_prior"] == "gas":
        return None
    values = ctx["model_dge"]
    centre = {r: v[ctx.P["cr_sea"], ctx.P["gas_model"]] for r, v in values.items()}
    return joint.spread_widths(values, centre)


def delta_free_parameters(ctx: Context) -> dict:
    """The chapter's parameters with the Galactic slope free in B/C and the rest made consistent with it: D0 and
    delta_gal of B/C refitted with both free, and the injection slopes of H and He refitted so that the transport model
    at that transport keeps the local spectra (:func:`cocoonlib.book.params.from_params.refit_injection_slopes`). A steeper
    delta_gal needs harder sources, and the cocoons inject what the sources do."""
    P = {**ctx.P, "free_transport": "D0+delta"}
    fit = bc_refit(ctx, P)
    P = {**P, "D0": fit.best["D0"], "delta_gal": fit.best["delta"]}
    return {**P, **from_params.refit_injection_slopes(P)}


def _joint_use(ctx: Context) -> tuple:
    return ("bc", "gamma", "icecube") if ctx.P["icecube_term"] == "on" else ("bc", "gamma")


def joint_likelihood(ctx: Context, use, p: Mapping[str, Any] | None = None, terms=None, **kw) -> joint.JointLikelihood:
    """The joint likelihood of the chapter's context (its skies, B/C model and data) for the terms ``use``, with
    parameters ``p`` and region terms ``terms`` (default: the chapter's)."""
    return from_params.joint_likelihood(
        ctx.P if p is None else p,
        ctx["skies"],
        ctx["model"],
        ctx["bc_data"],
        use=use,
        terms=ctx["terms"] if terms is None else terms,
        **kw,
    )


def interval_text(f: joint.JointFit, name: str, n_sigma: int = 1, fmt: str = "{:.3f}") -> str:
    """A fit's profile interval of ``name`` as text ("fixed" if it has none, "open" for an infinite end)."""
    if name not in f.intervals:
        return "fixed"
    lo, hi = f.interval(name, n_sigma)
    return f"[{fmt.format(lo)}, {fmt.format(hi) if math.isfinite(hi) else 'open'}]"


def joint_variant(ctx: Context, use_joint=None, p=None, terms=None, fixed=None, **kw) -> dict:
    """The joint fit, the gamma rays alone and (when ``p`` differs from the chapter's) B/C alone again for a variant
    of the chapter (other terms ``use_joint``, parameters ``p``, region terms ``terms``, parameters held ``fixed``):
    best chi0 with its 1 sigma interval for each and their tension (chapter joint's table of variants)."""
    use_joint = ctx["use"] if use_joint is None else use_joint
    Lj = joint_likelihood(ctx, use_joint, p, terms, **kw)
    Lg = joint_likelihood(ctx, tuple(u for u in use_joint if u != "bc"), p, terms, **kw)
    fixed_j = {k: v for k, v in {**ctx["fixed"], **(fixed or {})}.items() if k in Lj.names}
    fixed_g = {k: v for k, v in fixed_j.items() if k in Lg.names}
    fj = joint.fit_joint(Lj, fixed=fixed_j, intervals=("chi0",), two_sigma=False)
    fg = joint.fit_joint(Lg, fixed=fixed_g, intervals=("chi0",), two_sigma=False)
    fb = ctx["fits"]["B/C alone"]
    if p is not None and p is not ctx.P:
        fb = _fit(joint_likelihood(ctx, ("bc",), p, terms, **kw), ctx["fixed"], intervals=("chi0",), two_sigma=False)
    tn = joint.tension(fb, fg, fj)
    return {
        "chi0 joint": fj.chi0,
        "chi0 joint 1 sigma": interval_text(fj, "chi0"),
        "R0 joint [TV]": fj.R0_TV,
        "chi0 B/C alone": fb.chi0,
        "chi0 B/C alone 1 sigma": interval_text(fb, "chi0"),
        "chi0 gamma alone": fg.chi0,
        "chi0 gamma alone 1 sigma": interval_text(fg, "chi0"),
        "chi2 joint": fj.chi2,
        "ndof joint": fj.ndof,
        "difference [sigma]": tn["difference_sigma"],
        "PG [sigma]": tn["delta_chi2_sigma"],
        "fits": fit_status(joint=fj, gamma=fg, bc=fb),
    }


def fit_status(**fits) -> str:
    """'all valid', or which fits Migrad did not call valid and why (:attr:`cocoonlib.stats.joint.JointFit.status`):
    a variant whose fit does not converge is a row that says so."""
    bad = [f"{name}: {f.status}" for name, f in fits.items() if not f.valid]
    return "; ".join(bad) if bad else "all valid"


def joint_fixed(ctx: Context) -> dict:
    """Parameters every fit of the chapter holds: the knee, when ``dge_knee`` keeps one variant (the DGE band is then
    one curve and the knee has nothing to move)."""
    return {} if ctx.P.get("dge_knee", "both") == "both" else {"knee": 0.0}


def _fit(L: joint.JointLikelihood, fixed: Mapping[str, float], **kw) -> joint.JointFit:
    """:func:`cocoonlib.stats.joint.fit_joint` with the ``fixed`` parameters the likelihood has."""
    return joint.fit_joint(L, fixed={k: v for k, v in fixed.items() if k in L.names}, **kw)


def _joint_fits(ctx: Context) -> dict:
    """The three fits of the key numbers: B/C alone, the gamma rays alone and the joint fit (Minos at 1 and 2 sigma
    for chi0 and R0)."""
    use, fixed = ctx["use"], ctx["fixed"]
    return ctx.stored(
        "fits",
        lambda: {
            "B/C alone": _fit(joint_likelihood(ctx, ("bc",)), fixed),
            "gamma rays alone": _fit(joint_likelihood(ctx, tuple(u for u in use if u != "bc")), fixed),
            "joint": _fit(joint_likelihood(ctx, use), fixed),
        },
        lambda fits: {k: joint.fit_to_json(f) for k, f in fits.items()},
        lambda raw: {k: joint.fit_from_json(f) for k, f in raw.items()},
    )


def _joint_icecube_variant(ctx: Context) -> dict:
    """:func:`joint_variant` with IceCube's pi0 fit added (or removed, if the chapter has it)."""
    use = ctx["use"]
    other = tuple(u for u in use if u != "icecube") if "icecube" in use else (*use, "icecube")
    return ctx.stored("icecube_variant", lambda: joint_variant(ctx, use_joint=other), dict, dict)


def _joint_sea_change(ctx: Context):
    """:func:`cocoonlib.book.params.from_params.sea_shape_change` of the sea at the joint fit's D0 when D0 moves to the two
    ends of its 1 sigma error, and to the chapter's D0 (rows in that order)."""
    fit = ctx["fits"]["joint"]
    D0_best, D0_err = fit.best["D0"], fit.errors["D0"]
    sea_P = {**ctx.P, "D0": D0_best, "chi0_source": "parameter", "transport_source": "parameter"}
    return from_params.sea_shape_change(sea_P, [D0_best - D0_err, D0_best + D0_err, ctx.P["D0"]])


def joint_leave_one_out(ctx: Context) -> dict[str, dict]:
    """{data set removed: {"bc": B/C alone, "gamma": gamma rays alone, "joint": joint fit, "tension": joint.tension,
    "points": n}} with each B/C experiment and each gamma-ray region left out in turn (the fits of chi0 with 1 sigma
    Minos intervals; a fit the removal does not touch is the chapter's own). Each fit starts from the chapter's."""
    fitted = ("bc", "gamma", "joint")
    return ctx.stored(
        "leave_one_out",
        lambda: _leave_one_out_fits(ctx),
        lambda out: {k: {**v, **{f: joint.fit_to_json(v[f]) for f in fitted}} for k, v in out.items()},
        lambda raw: {k: {**v, **{f: joint.fit_from_json(v[f]) for f in fitted}} for k, v in raw.items()},
    )


def _leave_one_out_fits(ctx: Context) -> dict[str, dict]:
    fits, use = ctx["fits"], ctx["use"]
    data = ctx["bc_data"]
    terms = ctx["terms"]
    gamma_use = tuple(u for u in use if u != "bc")
    out = {}

    def fit(L, start):
        free_start = {k: v for k, v in start.values().items() if k in L.names and k not in ctx["fixed"]}
        return _fit(L, ctx["fixed"], start=free_start, intervals=("chi0",), two_sigma=False)

    for exp in data[data.used].experiment.unique():
        subset = data.assign(used=data.used & (data.experiment != exp))
        L = lambda u: from_params.joint_likelihood(ctx.P, ctx["skies"], ctx["model"], subset, use=u, terms=terms)  # noqa: E731
        b, j = fit(L(("bc",)), fits["B/C alone"]), fit(L(use), fits["joint"])
        g = fits["gamma rays alone"]
        out[exp] = {
            "bc": b,
            "gamma": g,
            "joint": j,
            "tension": joint.tension(b, g, j),
            "points": int((data.used & (data.experiment == exp)).sum()),
        }
    for region in [r for r in terms if r in joint.REGIONS]:
        kept = {r: t for r, t in terms.items() if r != region}
        L = lambda u: joint_likelihood(ctx, u, terms=kept)  # noqa: E731
        g, j = fit(L(gamma_use), fits["gamma rays alone"]), fit(L(use), fits["joint"])
        b = fits["B/C alone"]
        out[region] = {
            "bc": b,
            "gamma": g,
            "joint": j,
            "tension": joint.tension(b, g, j),
            "points": sum(o.n for o in terms[region].observables),
        }
    return out


def _joint_keys(ctx: Context) -> dict:
    fits, use = ctx["fits"], ctx["use"]
    fit, bc_alone, gamma_alone = fits["joint"], fits["B/C alone"], fits["gamma rays alone"]
    tension = ctx["tension"]
    gof = joint.goodness_of_fit(gamma_alone)
    scaled = joint.tension(bc_alone, gamma_alone, fit, gamma_scale=gof["S"])
    R0_lo, R0_hi = fit.interval("R0")
    return {
        "chi0_joint_best_g_cm2": fit.chi0,
        "chi0_joint_lo_g_cm2": fit.interval("chi0")[0],
        "chi0_joint_hi_g_cm2": fit.interval("chi0")[1],
        "R0_joint_best_TV": fit.R0_TV,
        "R0_joint_lo_TV": R0_lo,
        "R0_joint_hi_TV": R0_hi if math.isfinite(R0_hi) else joint.R0_LIMITS_TV[1],
        "R0_joint_hi_found": float(math.isfinite(R0_hi)),
        "chi2_joint": fit.chi2,
        "ndof_joint": fit.ndof,
        "chi0_bc_only_best_g_cm2": bc_alone.chi0,
        "chi0_gamma_only_best_g_cm2": gamma_alone.chi0,
        "chi0_gamma_only_lo_g_cm2": gamma_alone.interval("chi0")[0],
        "chi0_gamma_only_hi_g_cm2": gamma_alone.interval("chi0")[1],
        "R0_gamma_only_best_TV": gamma_alone.R0_TV,
        "tension_bc_gamma_sigma": tension["difference_sigma"],
        "chi2_gamma_only": gof["chi2"],
        "ndof_gamma_only": gof["ndof"],
        "p_gamma_only": gof["p"],
        "tension_bc_gamma_sigma_scaled": scaled["difference_sigma"],
        "delta_chi2_joint_vs_separate": tension["delta_chi2"],
        "tension_pg_sigma": tension["delta_chi2_sigma"],
        "chi0_joint_with_icecube_g_cm2": fit.chi0 if "icecube" in use else float(ctx["icecube_variant"]["chi0 joint"]),
        "sea_change_D0_1sigma": float(ctx["sea_change"].iloc[:2].to_numpy().max()),
    }


#: what :class:`~cocoonlib.book.chapters.context.Context` builds for chapter joint when a piece is not given
PIECES = {
    "skies": _joint_skies,
    "model": _bc_model,
    "bc_data": lambda ctx: ctx.cached(
        "bc data",
        (ctx.P["ams02_table"], ctx.P["T_min_fit"]),
        lambda: cosmic_ray_data.bc_fit_data(ctx.P["ams02_table"], ctx.P["T_min_fit"]),
    ),
    "model_dge": _joint_model_dge,
    "prior_widths": _joint_prior_widths,
    "terms": lambda ctx: from_params.joint_region_terms(
        ctx.P, ctx["skies"], ctx.P["norm_prior_scale"], ctx["prior_widths"]
    ),
    "use": _joint_use,
    "fits": _joint_fits,
    "tension": lambda ctx: joint.tension(
        ctx["fits"]["B/C alone"], ctx["fits"]["gamma rays alone"], ctx["fits"]["joint"]
    ),
    "icecube_variant": _joint_icecube_variant,
    "fixed": joint_fixed,
    "leave_one_out": joint_leave_one_out,
    "sea_change": _joint_sea_change,
}
