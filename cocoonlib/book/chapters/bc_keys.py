"""Chapter 2, B/C and the cocoon grammage: its pieces (the B/C model and fit, the parents of boron) and key numbers."""

from __future__ import annotations

import numpy as np

from cocoonlib.book.chapters.context import (
    Context,
    _items,
)
from cocoonlib.book.params import from_params
from cocoonlib.transport import bc

__all__ = [
    "BORON_SHARE_ENERGIES_GEV_N",
    "BC_KEY_ENERGIES_GEV_N",
]


#: kinetic energies per nucleon [GeV/n] at which chapter 2 splits the boron by parent
BORON_SHARE_ENERGIES_GEV_N = (10.0, 100.0, 1000.0)


#: kinetic energies per nucleon [GeV/n] of chapter 2's B/C keys
BC_KEY_ENERGIES_GEV_N = (10, 100, 1000)


def _bc_model(ctx: Context):
    P = ctx.P
    net_key = _items(P, from_params.NETWORK_PARAMETERS)
    network = ctx.cached("bc network", net_key, lambda: from_params.bc_network(P))
    abundances = ctx.cached(
        "bc abundances",
        (net_key, _items(P, from_params.ABUNDANCE_PARAMETERS)),
        lambda: from_params.bc_model(P, network=network).abundances,
    )
    return from_params.bc_model(P, abundances, network)


def _bc_free(ctx: Context) -> dict:
    return {k: v for k, v in ctx["fit"].best.items() if k != "chi0"}


def chi0_keys(fit) -> dict:
    """The key numbers of a B/C fit's chi0: best and its 1 and 2 sigma intervals [g cm^-2]."""
    return {
        "chi0_best_g_cm2": fit.chi0,
        "chi0_lo_g_cm2": fit.chi0_interval_1sigma[0],
        "chi0_hi_g_cm2": fit.chi0_interval_1sigma[1],
        "chi0_lo2_g_cm2": fit.chi0_interval_2sigma[0],
        "chi0_hi2_g_cm2": fit.chi0_interval_2sigma[1],
    }


def _bc_keys(ctx: Context) -> dict:
    P, model, fit, free = ctx.P, ctx["model"], ctx["fit"], ctx["free"]
    out = {
        **chi0_keys(fit),
        "chi2": fit.chi2,
        "ndof": fit.ndof,
        "chi2_ams02": fit.chi2_by_experiment["AMS-02"],
        "chi2_calet": fit.chi2_by_experiment["CALET"],
        "chi2_dampe": fit.chi2_by_experiment["DAMPE"],
        "delta_chi2_no_cocoon": fit.delta_chi2_no_cocoon,
        "D0_best_1e28_cm2_s": fit.best.get("D0", P["D0"]),
        "bc_cocoon_fraction_1TeV_n": float(bc.cocoon_share_of_bc(model, 1e3, fit.chi0, **free)),
    }
    basis = model.bc_basis(np.array(BC_KEY_ENERGIES_GEV_N, dtype=float), **free)
    for c0, tag in ((0.0, "00"), (0.4, "04"), (0.8, "08")):
        for E, value in zip(BC_KEY_ENERGIES_GEV_N, bc.bc_from_basis(basis, c0)["total"]):
            out[f"BC_chi0_{tag}_{E}GeVn"] = float(value)
    out["boron_share_heavy_100GeVn"] = bc.heavy_parent_share(ctx["shares"], 100.0)
    return out


#: what :class:`~cocoonlib.book.chapters.context.Context` builds for chapter bc when a piece is not given
PIECES = {
    "model": _bc_model,
    "fit": lambda ctx: from_params.bc_fit(ctx.P, ctx["model"])[2],
    "free": _bc_free,
    "shares": lambda ctx: bc.boron_by_parent_group(
        ctx["model"], np.array(BORON_SHARE_ENERGIES_GEV_N), 0.0, **ctx["free"]
    ),
}
