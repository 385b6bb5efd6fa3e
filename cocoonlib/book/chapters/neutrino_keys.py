"""Chapter 4, the Galactic neutrinos: its pieces (the all-sky neutrino sky, the bands of chi0) and key numbers."""

from __future__ import annotations

from cocoonlib.book.chapters.context import (
    Context,
    _band_fit,
    _interval,
    _ranges,
    sky_of,
)
from cocoonlib.sky import gamma, neutrino
from cocoonlib.stats import bands

__all__ = [
    "neutrino_chi0_functions",
    "neutrino_total_row",
]


def _neutrino_sky(ctx: Context) -> gamma.GammaSky:
    P = ctx.P
    E = gamma.energy_grid(P["grid_scale"], 2, 6)  # GeV: Kelner neutrinos exist above 100 GeV only
    return sky_of(ctx, P, "nu_all allsky 2-6", E_GeV=E, secondary="nu_all", window_names=("allsky",))


def neutrino_chi0_functions(sky: gamma.GammaSky, pi0_100: float) -> dict:
    """Chapter 4's numbers that depend on chi0, as functions of chi0: the cocoons' per-flavour flux at 100 TeV and the
    total (DGE band centre + cocoons) over IceCube's pi0 fit at 100 TeV (``pi0_100`` [GeV cm^-2 s^-1])."""
    unit = bands.cocoon_per_chi0(sky, "allsky")
    dge_mid = 0.5 * sum(sky.dge_band("allsky"))
    per_flavour = neutrino.allsky_flux_per_flavour
    return {
        "E2F_cocoon_100TeV": lambda chi0: sky.at(per_flavour(chi0 * unit), 1e5),
        "ratio_total_to_icecube_pi0_100TeV": lambda chi0: sky.at(per_flavour(dge_mid + chi0 * unit), 1e5) / pi0_100,
    }


def neutrino_total_row(
    sky: gamma.GammaSky, pi0_100: float, model: str | None = None, gas_name: str | None = None
) -> dict:
    """One row of chapter 4's table: cocoon shares at 1, 10, 100 TeV, the total's band at 100 TeV (per flavour) and
    its centre over IceCube's pi0 fit (``pi0_100``)."""
    per_flavour = neutrino.allsky_flux_per_flavour
    lo, hi = (per_flavour(x) for x in sky.total_band("allsky", gas_name, model))
    out = {f"cocoon share {e / 1e3:g} TeV": sky.cocoon_fraction("allsky", e, gas_name, model) for e in (1e3, 1e4, 1e5)}
    out |= {
        "total 100 TeV min": sky.at(lo, 1e5),
        "total 100 TeV max": sky.at(hi, 1e5),
        "total / pi0 at 100 TeV": 0.5 * (sky.at(lo, 1e5) + sky.at(hi, 1e5)) / pi0_100,
    }
    return out


def _neutrino_keys(ctx: Context) -> dict:
    P, sky, interval = ctx.P, ctx["sky"], ctx["interval"]
    per_flavour = neutrino.allsky_flux_per_flavour
    c = per_flavour(sky.cocoon("allsky"))
    lo, hi = (per_flavour(x) for x in sky.total_band("allsky"))
    out = {
        "E2F_cocoon_1TeV": sky.at(c, 1e3),
        "E2F_cocoon_100TeV": sky.at(c, 1e5),
        "E2F_total_100TeV_min": sky.at(lo, 1e5),
        "E2F_total_100TeV_max": sky.at(hi, 1e5),
        "ratio_total_to_icecube_pi0_100TeV": neutrino_total_row(sky, ctx["pi0_100"], gas_name=P["gas_model"])[
            "total / pi0 at 100 TeV"
        ],
    }
    for k, (smallest, largest) in ctx["ranges"].items():
        out[f"{k}_chi0_min"], out[f"{k}_chi0_max"] = smallest, largest
    out["chi0_band_lo_g_cm2"] = sky.chi0 if interval is None else interval.lo1
    out["chi0_band_hi_g_cm2"] = sky.chi0 if interval is None else interval.hi1
    return out


#: what :class:`~cocoonlib.book.chapters.context.Context` builds for chapter neutrino when a piece is not given
PIECES = {
    "sky": _neutrino_sky,
    "band_fit": _band_fit,
    "interval": _interval,
    "pi0_100": lambda ctx: float(neutrino.pi0_best_fit_flux(1e5)),
    "chi0_functions": lambda ctx: neutrino_chi0_functions(ctx["sky"], ctx["pi0_100"]),
    "ranges": lambda ctx: _ranges(ctx["chi0_functions"], ctx["interval"], ctx["sky"].chi0),
}
