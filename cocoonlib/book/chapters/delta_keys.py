"""Chapter 6, how fast the cocoon grammage falls: its pieces (the grammage forms and regimes, the limits on chi0)
and key numbers.
"""

from __future__ import annotations

from typing import NamedTuple

from cocoonlib.book.chapters.context import (
    Context,
    _appendix_pieces,
    sky_of,
)
from cocoonlib.sky import gamma
from cocoonlib.source.grammage import DIFFUSION_REGIMES
from cocoonlib.stats import limits

__all__ = [
    "AD_FORMS",
    "Chi0Limit",
    "delta_chi0_limit",
    "delta_ratio_to_exponential",
]


#: the two forms of the advection-diffusion grammage the delta appendix compares
AD_FORMS = ("advection_diffusion", "advection_diffusion_cutoff")


def _delta_sky(ctx: Context) -> gamma.GammaSky:
    P = {**ctx.P, "grammage_model": "exponential", "delta": 1.0}
    return sky_of(ctx, P, "gamma inner outer")


class Chi0Limit(NamedTuple):
    """The largest chi0 [g cm^-2] LHAASO allows, the point that sets it ("window E TeV") and the room the DGE alone
    left there [sigma]."""

    chi0_max: float
    point: str
    room_sigma: float


def delta_chi0_limit(sky: gamma.GammaSky, chi0: float, measurements, dge_min, n_sigma: float, set_aside) -> Chi0Limit:
    """The :class:`Chi0Limit` of the cocoons of ``sky`` scaled from its ``chi0``
    (:func:`cocoonlib.stats.limits.scale_limit`)."""
    lim = limits.scale_limit(
        measurements, sky.E, dge_min, {w: sky.cocoon(w) / chi0 for w in sky.windows}, n_sigma, set_aside
    )
    return Chi0Limit(lim.value, f"{lim.window} {lim.E_GeV / 1e3:.3g} TeV", lim.headroom_sigma)


def _delta_limits(ctx: Context) -> dict:
    """{(form, regime): :func:`delta_chi0_limit`} for both forms of :data:`AD_FORMS` and ("exponential", "-")."""
    P, sky = ctx.P, ctx["sky"]
    args = (sky.chi0, ctx["measurements"], ctx["dge_min"], P["n_sigma"], ctx["set_aside"])
    out = {key: delta_chi0_limit(s, *args) for key, s in ctx["variants"].items()}
    out["exponential", "-"] = delta_chi0_limit(sky, *args)
    return out


def delta_ratio_to_exponential(variant: gamma.GammaSky, sky: gamma.GammaSky, E_GeV: float, window: str = "inner"):
    """Cocoon flux of a variant of the grammage over that of the exponential model (``sky``) at E_GeV."""
    return variant.at(variant.cocoon(window), E_GeV) / sky.at(sky.cocoon(window), E_GeV)


def _delta_keys(ctx: Context) -> dict:
    P, sky, lim = ctx.P, ctx["sky"], ctx["limits"]
    form = P["ad_grammage_model"]
    out = {}
    for name in DIFFUSION_REGIMES:
        out[f"chi0_max_{name}_g_cm2"] = lim[form, name].chi0_max
    out["chi0_max_exponential_g_cm2"] = lim["exponential", "-"].chi0_max
    for name in DIFFUSION_REGIMES:
        out[f"chi0_max_{name}_headroom_sigma"] = lim[form, name].room_sigma
    out["chi0_max_exponential_headroom_sigma"] = lim["exponential", "-"].room_sigma
    for name in DIFFUSION_REGIMES:
        for e in (1, 10, 100):
            out[f"ratio_{name}_exp_{e}TeV"] = delta_ratio_to_exponential(ctx["variants"][form, name], sky, 1e3 * e)
    return out


#: what :class:`~cocoonlib.book.chapters.context.Context` builds for chapter delta when a piece is not given
PIECES = {
    "sky": _delta_sky,
    **_appendix_pieces(),
    "variants": lambda ctx: {
        (form, name): ctx["sky"].with_cocoons(grammage_model=form, delta=d)
        for form in AD_FORMS
        for name, d in DIFFUSION_REGIMES.items()
    },
    "limits": _delta_limits,
}
