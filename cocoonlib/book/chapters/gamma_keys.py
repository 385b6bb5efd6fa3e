"""Chapter 3, the diffuse gamma rays: its pieces (the skies of the LHAASO windows and of the other regions, the
measurements, the bands of chi0) and key numbers, with the helpers its tables use.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from cocoonlib.book.chapters.context import (
    Context,
    _band_fit,
    _interval,
    _items,
    _measurements,
    _ranges,
    sky_of,
)
from cocoonlib.book.params import from_params
from cocoonlib.core.numerics import loglog_interp
from cocoonlib.io import data, regions
from cocoonlib.sky import diffuse, gamma, gas, masks
from cocoonlib.stats import bands, compare

__all__ = [
    "OTHER_REGIONS",
    "GAMMA_OTHER_COMPARISONS",
    "WCDA",
    "HAWC_KEY_ENERGIES_GEV",
    "gamma_window_row",
    "gamma_experiment_chi2",
    "gamma_chi0_functions",
    "gamma_fermi_ratio",
    "INDEX_ENERGIES_GEV",
    "energy_label",
    "local_index_difference",
    "gamma_mask_fractions",
]


#: the regions of chapter 3's other measurements (Tibet AS+MD, ARGO-YBJ, HAWC, Fermi-LAT)
OTHER_REGIONS = ("tibet_25l100", "tibet_50l200", "hawc_43l73", "fermi_inner_galaxy")


#: (region, experiment, name in the keys) of chapter 3's chi^2 against other measurements
GAMMA_OTHER_COMPARISONS = (
    ("tibet_25l100", "Tibet AS+MD", "tibet_25l100"),
    ("tibet_50l200", "Tibet AS+MD", "tibet_50l200"),
    ("tibet_25l100", "ARGO-YBJ", "argo_25l100"),
)


#: the experiment name of LHAASO-WCDA tables a user puts in data/measurements/ for the LHAASO windows (data/README.md):
#: chapter 3 compares them as it compares KM2A (keys n_wcda_<window>, chi2_wcda_<window>) and the scorecard judges them
WCDA = "LHAASO-WCDA"


#: HAWC energies [GeV] of chapter 3's distances from the band
HAWC_KEY_ENERGIES_GEV = (1e4, 3e4, 1e5)


def gamma_window_row(sky: gamma.GammaSky, window: str, gas_name: str, km2a) -> dict:
    """One row of chapter 3's table of the LHAASO windows: DGE band and cocoons at 1 TeV, cocoon shares at 1 and 10
    TeV, chi^2 against LHAASO-KM2A (``km2a``) of the best total in the band and of the DGE alone, photon indices of
    the total (band centre + cocoons) and of the DGE."""
    c = sky.cocoon(window)
    lo, hi = sky.dge_band(window, gas_name)
    measured = compare.measured_arrays(km2a)  # the table's arrays once, for both chi^2
    mid_total = 0.5 * (lo + hi) + c
    return {
        "window": window,
        "gas model": gas_name,
        "DGE 1 TeV min": sky.at(lo, 1e3),
        "DGE 1 TeV max": sky.at(hi, 1e3),
        "cocoons 1 TeV": sky.at(c, 1e3),
        "cocoon share 1 TeV": sky.cocoon_fraction(window, 1e3, gas_name),
        "cocoon share 10 TeV": sky.cocoon_fraction(window, 1e4, gas_name),
        "chi2 total": compare.best_chi2_in_band(measured, sky.E, lo, hi, c)[0],
        "chi2 DGE only": compare.best_chi2_in_band(measured, sky.E, lo, hi)[0],
        "KM2A points": len(km2a),
        "index total 0.1-1 TeV": diffuse.photon_index(sky.E, mid_total / sky.E**2, 1e2, 1e3),
        "index total 1-10 TeV": diffuse.photon_index(sky.E, mid_total / sky.E**2, 1e3, 1e4),
        "index DGE 1-10 TeV": diffuse.photon_index(sky.E, 0.5 * (lo + hi) / sky.E**2, 1e3, 1e4),
    }


def gamma_experiment_chi2(sky: gamma.GammaSky, points, window: str, experiment: str) -> tuple[int, float, float]:
    """(points, chi^2 of the best total in the DGE band, chi^2 of the DGE alone) against one experiment's points of
    a region (``points``: the region's measurements)."""
    table = points[points.experiment == experiment]
    d = compare.measured_arrays(table)
    lo, hi = sky.dge_band(window)
    return (
        len(table),
        compare.best_chi2_in_band(d, sky.E, lo, hi, sky.cocoon(window))[0],
        compare.best_chi2_in_band(d, sky.E, lo, hi)[0],
    )


def gamma_chi0_functions(sky: gamma.GammaSky, rsky: gamma.GammaSky, km2a: Mapping, points: Mapping) -> dict:
    """Chapter 3's numbers that depend on chi0, as functions of chi0 (cocoons scaled by linearity, DGE band centre):
    the cocoon shares at 1 TeV, the KM2A chi^2, the chi^2 against Tibet AS+MD and ARGO-YBJ
    (:data:`GAMMA_OTHER_COMPARISONS`), the cocoons' share of ARGO-YBJ's excess and HAWC's distance at
    :data:`HAWC_KEY_ENERGIES_GEV` (``rsky``: the sky of :data:`OTHER_REGIONS`; ``points``: its measurements)."""
    unit = {w: bands.cocoon_per_chi0(sky, w) for w in sky.windows}
    runit = {w: bands.cocoon_per_chi0(rsky, w) for w in ("tibet_25l100", "tibet_50l200", "hawc_43l73")}
    centre = {w: 0.5 * sum(sky.dge_band(w)) for w in sky.windows}
    rcentre = {w: 0.5 * sum(rsky.dge_band(w)) for w in runit}
    hawc = data.hawc_band(list(HAWC_KEY_ENERGIES_GEV))
    km2a = {w: compare.measured_arrays(km2a[w]) for w in sky.windows}
    other = {
        key: (w, compare.measured_arrays(points[w][points[w].experiment == exp]))
        for w, exp, key in GAMMA_OTHER_COMPARISONS
    }
    argo = other["argo_25l100"][1]

    def share_1TeV(w, chi0):
        c = sky.at(chi0 * unit[w], 1e3)
        return c / (c + sky.at(centre[w], 1e3))

    def hawc_distance(i, chi0):
        return float(compare.distance_to_band(rsky.E, rcentre["hawc_43l73"] + chi0 * runit["hawc_43l73"], hawc)[i])

    return {
        **{f"cocoon_fraction_{w}_1TeV": lambda c, w=w: share_1TeV(w, c) for w in sky.windows},
        **{
            f"chi2_km2a_{w}": lambda c, w=w: compare.best_chi2_in_band(km2a[w], sky.E, *sky.dge_band(w), c * unit[w])[0]
            for w in sky.windows
        },
        **{
            f"chi2_{key}": lambda c, w=w, d=d: compare.best_chi2_in_band(d, rsky.E, *rsky.dge_band(w), c * runit[w])[0]
            for key, (w, d) in other.items()
        },
        "cocoon_share_of_argo_excess_1TeV": lambda c: compare.share_of_excess(
            1e3, rsky.E, rcentre["tibet_25l100"], c * runit["tibet_25l100"], argo
        )[2],
        **{
            f"hawc_distance_{e / 1e3:.0f}TeV": lambda c, i=i: hawc_distance(i, c)
            for i, e in enumerate(HAWC_KEY_ENERGIES_GEV)
        },
    }


def _gamma_argo(ctx: Context):
    points = ctx["points"]["tibet_25l100"]
    return points[points.experiment == "ARGO-YBJ"]


def _gamma_argo_share(ctx: Context) -> tuple[float, float, float]:
    rsky = ctx["rsky"]
    lo, hi = rsky.dge_band("tibet_25l100")
    return compare.share_of_excess(1e3, rsky.E, 0.5 * (lo + hi), rsky.cocoon("tibet_25l100"), ctx["argo"])


def _gamma_hawc_distance(ctx: Context) -> np.ndarray:
    rsky = ctx["rsky"]
    lo, hi = rsky.dge_band("hawc_43l73")
    at = ctx.cached("hawc band", HAWC_KEY_ENERGIES_GEV, lambda: data.hawc_band(list(HAWC_KEY_ENERGIES_GEV)))
    mid = 0.5 * (lo + hi)
    return compare.distance_to_band(rsky.E, mid + rsky.cocoon("hawc_43l73"), at)


def gamma_fermi_ratio(rsky: gamma.GammaSky, lat_pi0, E_GeV: float, gas_name: str | None = None) -> float:
    """This book's hadronic DGE (band centre, inverse Compton left out) over the Fermi-LAT team's pi0 model
    ``lat_pi0`` at E_GeV, in the region fermi_inner_galaxy of ``rsky``."""
    lo, hi = rsky.dge_band("fermi_inner_galaxy", gas_name)
    pi0 = 0.5 * (lo + hi) - rsky.ic("fermi_inner_galaxy")
    return rsky.at(pi0, E_GeV) / float(loglog_interp(E_GeV, lat_pi0.E_GeV, lat_pi0.E2_flux))


#: energies of the keys index_inner_minus_outer_<E> [GeV]: the Fermi band to the PeV
INDEX_ENERGIES_GEV = (1e1, 1e2, 1e3, 1e4, 1e5)


def energy_label(E_GeV: float, sep: str = "") -> str:
    """10 -> '10GeV', 1e3 -> '1TeV', 1e6 -> '1PeV' (the suffix of a key); ``sep`` = ' ' for prose ('1 TeV')."""
    for unit, scale in (("PeV", 1e6), ("TeV", 1e3), ("GeV", 1.0)):
        if E_GeV >= scale:
            return f"{E_GeV / scale:g}{sep}{unit}"
    return f"{E_GeV:g}{sep}GeV"


def local_index_difference(sky: gamma.GammaSky, E_GeV: float, part: str = "total") -> float:
    """Local photon index (:func:`cocoonlib.sky.diffuse.local_photon_index`) of the inner window minus the outer
    one at E_GeV, for ``part`` = 'total' (DGE band centre + cocoons), 'dge' or 'cocoons'."""

    def index(w):
        centre = 0.5 * sum(sky.dge_band(w))
        curve = {"total": centre + sky.cocoon(w), "dge": centre, "cocoons": sky.cocoon(w)}[part]
        return diffuse.local_photon_index(sky.E, curve / sky.E**2, E_GeV)

    return index("inner") - index("outer")


def gamma_mask_fractions(ctx: Context) -> dict:
    """{window: masked_fractions} of the catalog masks of the chapter's mask parameters (whatever window_mask)."""

    def build():
        P = ctx.P
        boxes = {w: regions.sky_window(w) for w in gamma.GAMMA_WINDOWS}
        masked = from_params.sky_windows({**P, "window_mask": "catalog"}, gamma.GAMMA_WINDOWS)
        gas_field = gas.gas_model(P["gas_model"], P["R_sun"])
        return {
            w: masks.masked_fractions(
                boxes[w], masked[w], disk=from_params.cocoon_disk(P), gas_field=gas_field, grid_scale=P["grid_scale"]
            )
            for w in gamma.GAMMA_WINDOWS
        }

    return ctx.cached("mask fractions", _items(ctx.P), build)


def _gamma_keys(ctx: Context) -> dict:
    P, sky, rsky, interval = ctx.P, ctx["sky"], ctx["rsky"], ctx["interval"]
    rows = {w: gamma_window_row(sky, w, P["gas_model"], ctx["km2a"][w]) for w in sky.windows}
    out = {}
    for w in sky.windows:
        lo, hi = sky.dge_band(w)
        out[f"E2I_cocoon_{w}_1TeV"] = sky.at(sky.cocoon(w), 1e3)
        out[f"E2I_dge_{w}_1TeV_min"] = sky.at(lo, 1e3)
        out[f"E2I_dge_{w}_1TeV_max"] = sky.at(hi, 1e3)
    for w in sky.windows:
        out[f"cocoon_fraction_{w}_1TeV"] = rows[w]["cocoon share 1 TeV"]
    for w in sky.windows:
        out[f"chi2_km2a_{w}"] = rows[w]["chi2 total"]
        out[f"n_km2a_{w}"] = rows[w]["KM2A points"]
    for w in sky.windows:
        out[f"index_{w}_1_10TeV"] = rows[w]["index total 1-10 TeV"]
    out["cr_density_ratio_r4kpc_1TeV"] = sky.cr_density_ratio([4.0], 1e3)[0]
    out["cr_density_ratio_r12kpc_1TeV"] = sky.cr_density_ratio([12.0], 1e3)[0]
    out["eps_p_implied"] = gamma.implied_injection_efficiency(sky)
    for w in sky.windows:  # user-supplied WCDA tables (none by default: n = 0, chi2 = 0)
        found = (ctx["window_points"][w].experiment == WCDA).any()
        n, chi2_total, _ = gamma_experiment_chi2(sky, ctx["window_points"][w], w, WCDA) if found else (0, 0.0, 0.0)
        out[f"n_wcda_{w}"], out[f"chi2_wcda_{w}"] = n, chi2_total
    for w, exp, key in GAMMA_OTHER_COMPARISONS:
        n, chi2_total, _ = gamma_experiment_chi2(rsky, ctx["points"][w], w, exp)
        out[f"n_{key}"], out[f"chi2_{key}"] = n, chi2_total
    for w in ("tibet_25l100", "tibet_50l200"):
        out[f"E2I_cocoon_{w}_1TeV"] = rsky.at(rsky.cocoon(w), 1e3)
    lo, hi = rsky.dge_band("tibet_25l100")
    out["E2I_dge_tibet_25l100_1TeV"] = rsky.at(0.5 * (lo + hi), 1e3)
    out["cocoon_share_of_argo_excess_1TeV"] = ctx["argo_share"].share
    out["ratio_dge_to_fermi_pi0_10GeV"] = gamma_fermi_ratio(rsky, ctx["lat_pi0"], 10.0, P["gas_model"])
    for e, v in zip((10, 30, 100), ctx["hawc_distance"]):
        out[f"hawc_distance_{e}TeV"] = v
    for k, (smallest, largest) in ctx["ranges"].items():
        out[f"{k}_chi0_min"], out[f"{k}_chi0_max"] = smallest, largest
    out["chi0_band_lo_g_cm2"] = sky.chi0 if interval is None else interval.lo1
    out["chi0_band_hi_g_cm2"] = sky.chi0 if interval is None else interval.hi1
    fractions = gamma_mask_fractions(ctx)
    for what in ("solid_angle", "J", "gas"):
        for w in gamma.GAMMA_WINDOWS:
            out[f"mask_fraction_{what}_{w}"] = fractions[w][what]
    for w in gamma.GAMMA_WINDOWS:
        out[f"ic_share_dge_{w}_1TeV"] = sky.ic_share(w, 1e3)
    out["ic_share_dge_inner_10TeV"] = sky.ic_share("inner", 1e4)
    for E in INDEX_ENERGIES_GEV:
        out[f"index_inner_minus_outer_{energy_label(E)}"] = local_index_difference(sky, E)
    return out


#: what :class:`~cocoonlib.book.chapters.context.Context` builds for chapter gamma when a piece is not given
PIECES = {
    "sky": lambda ctx: sky_of(ctx, ctx.P, "gamma inner outer"),
    "rsky": lambda ctx: sky_of(ctx, ctx.P, "gamma " + " ".join(OTHER_REGIONS), window_names=OTHER_REGIONS),
    "km2a": lambda ctx: {w: ctx.cached("km2a", w, lambda w=w: data.load_lhaaso_km2a(w)) for w in gamma.GAMMA_WINDOWS},
    "points": lambda ctx: _measurements(ctx, OTHER_REGIONS),
    "window_points": lambda ctx: _measurements(ctx, gamma.GAMMA_WINDOWS),
    "lat_pi0": lambda ctx: ctx.cached("fermi curve", "pi0", lambda: data.load_fermi_fig17_curve("pi0")),
    "band_fit": _band_fit,
    "interval": _interval,
    "argo": _gamma_argo,
    "argo_share": _gamma_argo_share,
    "hawc_distance": _gamma_hawc_distance,
    "chi0_functions": lambda ctx: gamma_chi0_functions(ctx["sky"], ctx["rsky"], ctx["km2a"], ctx["points"]),
    "ranges": lambda ctx: _ranges(ctx["chi0_functions"], ctx["interval"], ctx["sky"].chi0),
}
