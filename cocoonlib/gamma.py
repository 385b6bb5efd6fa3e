"""The gamma-ray sky of the LHAASO windows: every curve of the gamma-ray chapter from one parameter dict.

:func:`gamma_sky` fits the local H and He spectra (:mod:`cocoonlib.local_cr`), computes the emissivity per
H atom of the two knee variants and the cocoon emissivity for both production models, the absorbed gas
columns of every gas model and the absorbed J of the cocoons in each window; :class:`GammaSky` combines
them into E^2 I curves (inner window multiplied by the mask factor, [AESB25] Sec. 3).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import numpy as np

from . import absorption, diffuse, gas, local_cr
from .bc import resolve_chi0
from .galaxy import WINDOWS, CocoonDisk
from .grammage import grammage_from_params
from .numerics import loglog_interp
from .params import PARAMETERS, ParameterError
from .production import MODELS, PROJECTILE_PER_DECADE, Production
from .sources import injection_spectra
from .units import TEV_GEV

__all__ = ["GAMMA_WINDOWS", "energy_grid", "COCOON_SHAPE_PARAMETERS", "LocalCR", "local_cr_model", "GammaSky",
           "cocoon_emissivities", "gamma_sky"]

GAMMA_WINDOWS = ("inner", "outer")


def energy_grid(grid_scale: int = 1, lo_decade: float = 0.0, hi_decade: float = 6.5, per_decade: int = 12):
    """Photon (or neutrino) energies [GeV], ``per_decade * grid_scale`` nodes per decade from 10^lo to 10^hi
    (default: 1 GeV - 3 PeV, 12 per decade).

    An integer ``grid_scale`` keeps every node of the default grid, so values read at a node (1 TeV, 10 TeV)
    compare like with like when the grid is refined."""
    n = int(round((hi_decade - lo_decade) * per_decade * grid_scale)) + 1
    return np.logspace(lo_decade, hi_decade, n)

#: parameters that change only the emissivity of one cocoon (not the DGE, not J): see GammaSky.with_cocoons
COCOON_SHAPE_PARAMETERS = ("chi0", "grammage_model", "R0", "delta", "R_cut", "production_model", "ism_composition",
                           "E_SN", "eps_p", "gamma_p", "eps_He", "gamma_He", "E_max")


@dataclass
class LocalCR:
    """The fitted local spectra: direct-data fits, re-hardening fit, and the shapes of each knee variant."""

    direct: dict  # species -> FitResult
    rehardening: Any  # FitResult
    knee_fits: dict  # variant -> {species: FitResult}
    shapes: dict  # variant -> {species: SpectrumShape}

    def fluxes(self, variant: str) -> dict:
        return local_cr.local_fluxes(self.shapes[variant])


def local_cr_model(P: Mapping[str, Any]) -> LocalCR:
    """Fit the local spectra with the chapter's parameters (R_min_local, phi, R_rehardening)."""
    direct = {sp: local_cr.fit_direct(sp, P["R_min_local"], P["phi"]) for sp in ("H", "He")}
    base, reh = local_cr.fit_rehardening({sp: f.shape for sp, f in direct.items()}, P["R_rehardening"] * TEV_GEV)
    shapes, knee_fits = {}, {}
    for v in local_cr.KNEE_VARIANTS:
        shapes[v], knee_fits[v] = local_cr.fit_knee(base, v)
    return LocalCR(direct, reh, knee_fits, shapes)


@dataclass
class GammaSky:
    """All ingredients of the chapter's curves; methods return E^2 I [GeV cm^-2 s^-1 sr^-1] on ``E``."""

    E: np.ndarray
    windows: dict
    mask: dict  # window -> factor applied to every model curve
    gas_models: tuple
    default_gas: str
    default_model: str  # production model of the cocoons and of the DGE curves in the main figure
    dge_model: str
    local: LocalCR
    q: dict  # (production model, knee variant) -> emissivity per H atom [GeV^-1 s^-1]
    Q_cocoon: dict  # production model -> per-cocoon emissivity [GeV^-1]
    columns: dict  # gas -> window -> absorbed column [cm^-2] on E
    columns_unabsorbed: dict  # gas -> window -> column [cm^-2]
    J: dict  # window -> absorbed J [yr^-1 kpc^-2] on E
    J_unabsorbed: dict  # window -> J [yr^-1 kpc^-2]
    absorption_length_kpc: np.ndarray
    fields: dict  # gas -> the gas weighted by the cosmic-ray density (what the columns integrate)
    params: dict = field(default_factory=dict)  # the validated parameters the sky was built with (chi0 resolved)
    extra: dict = field(default_factory=dict)

    @property
    def chi0(self) -> float:
        """The cocoon grammage chi0 the curves use [g cm^-2] (after chi0_source is resolved)."""
        return self.params["chi0"]

    def with_cocoons(self, **changes) -> "GammaSky":
        """The same sky with other cocoon parameters (any of :data:`COCOON_SHAPE_PARAMETERS`, e.g. R0,
        delta, grammage_model, chi0): only the cocoon emissivity is recomputed (a few ms), the DGE, the
        columns and J are shared with this sky. Each value is checked like a chapter parameter."""
        for name, value in changes.items():
            if name not in COCOON_SHAPE_PARAMETERS:
                raise ParameterError(f"{name!r} cannot be changed by with_cocoons: allowed are "
                                     f"{', '.join(COCOON_SHAPE_PARAMETERS)}")
            changes[name] = PARAMETERS[name].check(value)
        P = {**self.params, **changes}
        Q = cocoon_emissivities(P, self.E, self.extra["secondary"], P["chi0"])
        return replace(self, Q_cocoon=Q, params=P, default_model=P["production_model"])

    def _e2(self, window, intensity):
        return self.mask[window] * self.E**2 * intensity

    def dge(self, window: str, gas_name: str | None = None, variant: str = "max", model: str | None = None):
        """E^2 I of the DGE (mask included)."""
        g = gas_name or self.default_gas
        q = self.q[model or self.dge_model, variant]
        return self._e2(window, diffuse.dge_intensity(q, self.columns[g][window]))

    def dge_band(self, window: str, gas_name: str | None = None, model: str | None = None):
        """(low, high) envelope of the DGE over the knee variants."""
        curves = np.array([self.dge(window, gas_name, v, model) for v in local_cr.KNEE_VARIANTS])
        return curves.min(axis=0), curves.max(axis=0)

    def cocoon(self, window: str, model: str | None = None):
        """E^2 I of the cocoons (mask included)."""
        w = self.windows[window]
        return self._e2(window, diffuse.cocoon_intensity(self.Q_cocoon[model or self.default_model], self.J[window],
                                                         w.solid_angle_sr))

    def total_band(self, window: str, gas_name: str | None = None, model: str | None = None):
        """(low, high) of DGE band + cocoons; ``model`` sets the production model of both (default: each its own)."""
        lo, hi = self.dge_band(window, gas_name, model)
        c = self.cocoon(window, model)
        return lo + c, hi + c

    def total(self, window: str, variant: str = "min", gas_name: str | None = None):
        """E^2 I of one DGE knee variant plus the cocoons (the appendices' total uses "min", as [AESB25] Fig. 4)."""
        return self.dge(window, gas_name, variant) + self.cocoon(window)

    def cocoon_fraction(self, window: str, E_GeV: float, gas_name: str | None = None, model: str | None = None) -> float:
        """Cocoons / (cocoons + centre of the DGE band) at E_GeV (``model`` as in :meth:`total_band`)."""
        lo, hi = self.dge_band(window, gas_name, model)
        c = self.at(self.cocoon(window, model), E_GeV)
        return c / (c + 0.5 * (self.at(lo, E_GeV) + self.at(hi, E_GeV)))

    def at(self, curve, E_GeV: float) -> float:
        """A curve on ``E`` interpolated (log-log) at E_GeV."""
        return float(loglog_interp(E_GeV, self.E, curve))


def _dge_emissivities(local: LocalCR, E, f_He: float, secondary: str = "gamma", grid_scale: int = 1) -> dict:
    """q per H atom for both production models and knee variants. AAfrag includes the He of the gas; the
    Kelner formulas have no He target, so their q is multiplied by AAfrag's ratio with/without He in the gas
    (the two then differ only in the p-p and He-p cross sections)."""
    per_decade = PROJECTILE_PER_DECADE * grid_scale
    aa_HHe = Production(secondary, "aafrag", E, ism="H+He", f_He=f_He, per_decade=per_decade)
    aa_H = Production(secondary, "aafrag", E, ism="H", per_decade=per_decade)
    ke = Production(secondary, "kelner", E, per_decade=per_decade)
    q = {}
    for v in local_cr.KNEE_VARIANTS:
        fl = local.fluxes(v)
        with_he = aa_HHe.rate_per_H_atom(fl)["total"]
        q["aafrag", v] = with_he
        q["kelner", v] = ke.rate_per_H_atom(fl)["total"] * with_he / aa_H.rate_per_H_atom(fl)["total"]
    return q


def cocoon_emissivities(P: Mapping[str, Any], E, secondary: str = "gamma", chi0: float | None = None) -> dict:
    """Q(E) of one cocoon [GeV^-1] for each production model ([AESB25] eq. 7), grammage from P (chi0 given
    here overrides P's, e.g. after :func:`cocoonlib.bc.resolve_chi0`)."""
    chi_c = grammage_from_params(P, chi0)
    spectra = injection_spectra(P)
    per_decade = PROJECTILE_PER_DECADE * P.get("grid_scale", 1)
    return {m: Production(secondary, m, E, ism=P["ism_composition"] if m == "aafrag" else "H",
                          per_decade=per_decade).emissivity(spectra, chi_c)["total"]
            for m in MODELS}


def gamma_sky(P: Mapping[str, Any], E_GeV=None, gas_models=None, secondary: str = "gamma",
              window_names=GAMMA_WINDOWS) -> GammaSky:
    """Everything the gamma-ray chapter plots, from a validated parameter dict of chapter ``gamma``.

    ``E_GeV`` defaults to :func:`energy_grid` refined by ``P["grid_scale"]``, which also refines the projectile
    grids of the production module and the line-of-sight grids.

    With ``secondary = "nu_all"`` (and e.g. ``window_names = ("allsky",)``) the same sky in neutrinos of all
    flavours at production (no absorption, no mask unless P has them); :mod:`cocoonlib.neutrino` builds on it.
    """
    E = energy_grid(P["grid_scale"]) if E_GeV is None else np.asarray(E_GeV, dtype=float)
    gas_models = tuple(gas_models or gas.GAS_MODELS)
    local = local_cr_model(P)
    q = _dge_emissivities(local, E, P["f_He"], secondary, P["grid_scale"])

    chi0 = resolve_chi0(P["chi0"], P["chi0_source"])
    Q = cocoon_emissivities(P, E, secondary, chi0)

    absorbed = secondary == "gamma" and P.get("cmb_absorption", "on") == "on"
    lam = absorption.cmb_absorption_length_kpc(E) if absorbed else np.full(E.shape, np.inf)
    disk = CocoonDisk.from_params(P)
    windows = {w: WINDOWS[w] for w in window_names}
    fields = {g: diffuse.CRWeightedGas(gas.gas_model(g, P["R_sun"]), P["cr_gradient"], disk) for g in gas_models}
    lam_and_none = np.append(lam, np.inf)  # one ray pass gives the absorbed values and, last, the unabsorbed one
    columns, columns0 = {}, {}
    for g, f in fields.items():
        both = {w: diffuse.effective_column_cm2(f, win, lam_and_none, P["grid_scale"]) for w, win in windows.items()}
        columns[g] = {w: v[:-1] for w, v in both.items()}
        columns0[g] = {w: float(v[-1]) for w, v in both.items()}
    both = {w: diffuse.effective_J(disk, win, lam_and_none, P["grid_scale"]) for w, win in windows.items()}
    J = {w: v[:-1] for w, v in both.items()}
    J0 = {w: float(v[-1]) for w, v in both.items()}
    mask = {w: (P.get("mask_inner", 1.0) if w == "inner" else 1.0) for w in windows}
    return GammaSky(E, windows, mask, gas_models, P["gas_model"], P["production_model"], P["dge_production_model"],
                    local, q, Q, columns, columns0, J, J0, lam, fields, params={**P, "chi0": chi0},
                    extra={"secondary": secondary})
