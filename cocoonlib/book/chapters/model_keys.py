"""Chapter 1, the cocoon model: its pieces (the cocoon disk, J of each window, one cocoon's gamma rays) and key numbers."""

from __future__ import annotations

import numpy as np

from cocoonlib.book.chapters.context import (
    Context,
    _freeze,
    _items,
)
from cocoonlib.book.params import from_params
from cocoonlib.core import geometry
from cocoonlib.core.numerics import semilog_interp
from cocoonlib.production import MODELS, PROJECTILE_PER_DECADE, Production
from cocoonlib.source import cocoons
from cocoonlib.source.cocoon_disk import CocoonDisk

__all__ = [
    "model_gamma_energies",
]


def model_gamma_energies(grid_scale: int = 1) -> np.ndarray:
    """Photon energies [GeV] of chapter 1's emissivities: 1 GeV - 1 PeV, 20 per decade times ``grid_scale``."""
    return np.logspace(0, 6, 120 * grid_scale + 1)


def _model_J(ctx: Context) -> dict:
    P = ctx.P
    disk = ctx["disk"]
    windows = {**geometry.WINDOWS, "user": geometry.window_from_box(P["user_window"], "user")}
    disk_key = _items(P, CocoonDisk.__dataclass_fields__)
    return {
        k: ctx.cached(
            "J",
            (disk_key, _freeze(w), P["grid_scale"]),
            lambda w=w: geometry.line_of_sight_integral(disk, w, P["grid_scale"]),
        )
        for k, w in windows.items()
    }


def _model_Q_gamma(ctx: Context) -> dict:
    """{production model: emissivity of one cocoon by channel} of gamma rays on :func:`model_gamma_energies`."""
    P = ctx.P
    E, per_decade = model_gamma_energies(P["grid_scale"]), PROJECTILE_PER_DECADE * P["grid_scale"]
    productions = ctx.cached(
        "productions",
        ("model gamma", P["grid_scale"]),
        lambda: {m: Production("gamma", m, E, per_decade=per_decade) for m in MODELS},
    )
    spectra, chi_c = from_params.injection_spectra(P), from_params.grammage(P)
    return {m: productions[m].emissivity(spectra, chi_c) for m in MODELS}


def _model_keys(ctx: Context) -> dict:
    P = ctx.P
    disk, J, Q = ctx["disk"], ctx["J"], ctx["Q_gamma"]
    tau_c = cocoons.residence_time_Myr(P["chi0"], P["n_gas"])
    n_c = cocoons.live_cocoons(P["R_SN"], tau_c)
    ratio = semilog_interp(
        np.array([1e3, 1e4, 1e5]), model_gamma_energies(P["grid_scale"]), Q["aafrag"]["total"] / Q["kelner"]["total"]
    )
    return {
        "rho_sun_per_yr_kpc3": disk.rho0,
        "J_inner_per_yr_kpc2": J["inner"],
        "J_outer_per_yr_kpc2": J["outer"],
        "J_allsky_per_yr_kpc2": J["allsky"],
        "J_user_per_yr_kpc2": J["user"],
        "tau_c_Myr": tau_c,
        "n_cocoons": n_c,
        "L_max_pc": cocoons.max_cocoon_size_pc(n_c, P["R_disk"], disk.effective_half_height_kpc),
        **{f"gamma_ratio_aafrag_kelner_{k}": v for k, v in zip(("1TeV", "10TeV", "100TeV"), ratio)},
    }


#: what :class:`~cocoonlib.book.chapters.context.Context` builds for chapter model when a piece is not given
PIECES = {
    "disk": lambda ctx: from_params.cocoon_disk(ctx.P),
    "J": _model_J,
    "Q_gamma": _model_Q_gamma,
}
