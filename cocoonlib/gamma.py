"""The gamma-ray sky of the LHAASO windows: every curve of the gamma-ray chapter from one parameter dict.

:func:`gamma_sky` fits the local H and He spectra (:mod:`cocoonlib.local_cr`), solves the 2D transport of H and He
(:mod:`cocoonlib.transport2d`) for the cosmic-ray sea, computes the emissivity per H atom of the two knee variants
resolved by projectile, the cocoon emissivity for both production models, the absorbed gas columns weighted by
the sea for every gas model and the absorbed J of the cocoons in each window; :class:`GammaSky` combines them
into E^2 I curves (inner window multiplied by the mask factor, [AESB25] Sec. 3).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import numpy as np

from . import absorption, diffuse, gas, local_cr, regions, transport2d
from .bc import halo_from_params, load_fit, resolve_chi0
from .galaxy import CocoonDisk
from .grammage import grammage_from_params
from .nuclear import rigidity_from_T
from .numerics import loglog_interp
from .params import PARAMETERS, ParameterError
from .production import MODELS, PROJECTILE_PER_DECADE, Production
from .sources import injection_spectra
from .units import TEV_GEV

__all__ = ["GAMMA_WINDOWS", "energy_grid", "sky_energies", "COCOON_SHAPE_PARAMETERS", "LocalCR", "local_cr_model", "GammaSky",
           "cocoon_productions", "cocoon_emissivities", "gamma_sky", "transport_halo", "transport_solutions",
           "transport_sea",
           "implied_injection_efficiency"]

GAMMA_WINDOWS = ("inner", "outer")


def energy_grid(grid_scale: int = 1, lo_decade: float = 0.0, hi_decade: float = 6.5, per_decade: int = 12):
    """Photon (or neutrino) energies [GeV], ``per_decade * grid_scale`` nodes per decade from 10^lo to 10^hi
    (default: 1 GeV - 3 PeV, 12 per decade).

    An integer ``grid_scale`` keeps every node of the default grid, so values read at a node (1 TeV, 10 TeV)
    compare like with like when the grid is refined."""
    n = int(round((hi_decade - lo_decade) * per_decade * grid_scale)) + 1
    return np.logspace(lo_decade, hi_decade, n)

def sky_energies(grid_scale: int = 1, window_names=GAMMA_WINDOWS):
    """:func:`energy_grid` plus the energies of every measured point of the windows (within its range): the
    curves are then computed exactly where they are compared with data, not interpolated there (a limit set
    by a point the DGE alone nearly reaches is sensitive to a few 1e-3 of the model)."""
    from .data import load_diffuse_measurements

    E = energy_grid(grid_scale)
    points = [load_diffuse_measurements(w).E_GeV.to_numpy(dtype=float) for w in window_names if w != "allsky"]
    points = np.concatenate([E[:0], *points])
    return np.union1d(E, points[(points > E[0]) & (points < E[-1])])


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
    sea: str  # the cosmic-ray sea of the DGE curves (cr_sea)
    local: LocalCR
    q: dict  # (production model, knee variant) -> emissivity per H atom of the local flux [GeV^-1 s^-1]
    Q_cocoon: dict  # production model -> per-cocoon emissivity [GeV^-1]
    dge_I: dict  # (sea, gas, window, production model, knee variant) -> DGE intensity on E, before the mask
    columns_unabsorbed: dict  # gas -> window -> column of H nuclei [cm^-2] (no cosmic-ray weight)
    sea_columns: dict  # (sea, gas, window, species) -> (absorbed (E, rigidity nodes), unabsorbed (nodes,)) [cm^-2]
    J: dict  # window -> absorbed J [yr^-1 kpc^-2] on E
    J_unabsorbed: dict  # window -> J [yr^-1 kpc^-2]
    absorption_length_kpc: np.ndarray
    seas: dict  # name -> the sea object (diffuse.UniformSea, SourceProfileSea, TransportSea)
    transport: dict  # species -> transport2d.GalacticSea (always solved: the key numbers use it)
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

    def dge(self, window: str, gas_name: str | None = None, variant: str = "max", model: str | None = None,
            sea: str | None = None):
        """E^2 I of the DGE (mask included) for a gas model, knee variant, production model and sea (defaults:
        the chapter's)."""
        key = (sea or self.sea, gas_name or self.default_gas, window, model or self.dge_model, variant)
        if key not in self.dge_I:
            raise ValueError(f"this sky has no DGE for (sea, gas, window, model, variant) = {key}: build it with "
                             "gamma_sky(..., compare_seas=True) for the other seas of the default gas model")
        return self._e2(window, self.dge_I[key])

    def dge_band(self, window: str, gas_name: str | None = None, model: str | None = None, sea: str | None = None):
        """(low, high) envelope of the DGE over the knee variants."""
        curves = np.array([self.dge(window, gas_name, v, model, sea) for v in local_cr.KNEE_VARIANTS])
        return curves.min(axis=0), curves.max(axis=0)

    def cr_density_ratio(self, r_kpc, T_GeV: float = 1.0e3, species: str = "H", z_kpc: float = 0.0):
        """Cosmic-ray density of the transport model at (r, z) relative to the Sun, at kinetic energy per nucleon
        ``T_GeV`` (an array over ``r_kpc``)."""
        sea = self.transport[species]
        r = np.atleast_1d(np.asarray(r_kpc, dtype=float))
        R = rigidity_from_T(T_GeV, *transport2d.NUCLEUS[species])
        return sea.ratio_to_sun(r, np.full_like(r, z_kpc), [R])[:, 0]

    def cocoon(self, window: str, model: str | None = None):
        """E^2 I of the cocoons (mask included)."""
        w = self.windows[window]
        return self._e2(window, diffuse.cocoon_intensity(self.Q_cocoon[model or self.default_model], self.J[window],
                                                         w.solid_angle_sr))

    def total_band(self, window: str, gas_name: str | None = None, model: str | None = None, sea: str | None = None):
        """(low, high) of DGE band + cocoons; ``model`` sets the production model of both (default: each its own)."""
        lo, hi = self.dge_band(window, gas_name, model, sea)
        c = self.cocoon(window, model)
        return lo + c, hi + c

    def total(self, window: str, variant: str = "min", gas_name: str | None = None):
        """E^2 I of one DGE knee variant plus the cocoons (the appendices' total uses "min", as [AESB25] Fig. 4)."""
        return self.dge(window, gas_name, variant) + self.cocoon(window)

    def cocoon_fraction(self, window: str, E_GeV: float, gas_name: str | None = None, model: str | None = None,
                        sea: str | None = None) -> float:
        """Cocoons / (cocoons + centre of the DGE band) at E_GeV (``model`` as in :meth:`total_band`)."""
        lo, hi = self.dge_band(window, gas_name, model, sea)
        c = self.at(self.cocoon(window, model), E_GeV)
        return c / (c + 0.5 * (self.at(lo, E_GeV) + self.at(hi, E_GeV)))

    def at(self, curve, E_GeV: float) -> float:
        """A curve on ``E`` interpolated (log-log) at E_GeV."""
        return float(loglog_interp(E_GeV, self.E, curve))


def _dge_productions(E, f_He: float, secondary: str = "gamma", grid_scale: int = 1) -> dict:
    """The production matrices of the DGE: AAfrag with He in the gas, AAfrag without, Kelner."""
    per_decade = PROJECTILE_PER_DECADE * grid_scale
    return {"aafrag": Production(secondary, "aafrag", E, ism="H+He", f_He=f_He, per_decade=per_decade),
            "aafrag_H": Production(secondary, "aafrag", E, ism="H", per_decade=per_decade),
            "kelner": Production(secondary, "kelner", E, per_decade=per_decade)}


def _dge_emissivities(local: LocalCR, productions: dict) -> tuple[dict, dict, dict]:
    """For both production models and knee variants: q per H atom of the local flux, the same resolved by projectile
    (:meth:`Production.response_per_H_atom`), and a factor on E. AAfrag includes the He of the gas; the Kelner
    formulas have no He target, so their emissivity is multiplied by AAfrag's ratio with/without He in the gas,
    computed with the local flux (the two models then differ only in the p-p and He-p cross sections)."""
    q, responses, factor = {}, {}, {}
    for v in local_cr.KNEE_VARIANTS:
        fl = local.fluxes(v)
        with_he = productions["aafrag"].rate_per_H_atom(fl)["total"]
        he_ratio = with_he / productions["aafrag_H"].rate_per_H_atom(fl)["total"]
        q["aafrag", v], q["kelner", v] = with_he, productions["kelner"].rate_per_H_atom(fl)["total"] * he_ratio
        responses["aafrag", v] = productions["aafrag"].response_per_H_atom(fl)
        responses["kelner", v] = productions["kelner"].response_per_H_atom(fl)
        factor["aafrag", v], factor["kelner", v] = 1.0, he_ratio
    return q, responses, factor


# --- the cosmic-ray sea -------------------------------------------------------------------------
def transport_halo(P: Mapping[str, Any]):
    """Chapter 2's transport parameters as the sea uses them: the chapter's own (``transport_source`` =
    'parameter') or those of the B/C fit saved by chapter 2 ('fit': its best-fit D0 and delta, and the halo it
    was made with)."""
    if P.get("transport_source", "parameter") == "parameter":
        return halo_from_params(P)
    fit = load_fit()
    halo = halo_from_params({**P, **fit.settings.get("halo", {})})  # older fit files: the chapter's halo
    return halo.with_(**{k: v for k, v in fit.best.items() if k in ("D0", "delta")})


def transport_solutions(P: Mapping[str, Any], disk: CocoonDisk | None = None) -> dict:
    """{species: GalacticSea}: the 2D model for H and He with the chapter's cocoon disk, injection spectra and
    transport (:func:`transport_halo`), in a cylinder of radius ``R_gal``."""
    disk = CocoonDisk.from_params(P) if disk is None else disk
    spectra = injection_spectra(P)
    halo = transport_halo(P)
    T = transport2d.T_GRID(P.get("grid_scale", 1))
    return {sp: transport2d.solve_sea(sp, spectra[sp], disk, halo, P["R_gal"], T_GeV_n=T) for sp in ("H", "He")}


def transport_sea(P: Mapping[str, Any], solutions: dict, disk: CocoonDisk) -> diffuse.TransportSea:
    """The sea of the DGE from the 2D solutions, with a key naming everything its tables depend on."""
    key = (f"TransportSea({transport_halo(P)!r}, R_gal={P['R_gal']!r}, n_modes={transport2d.N_MODES}, {disk!r}, "
           f"{injection_spectra(P)!r}, grid_scale={P.get('grid_scale', 1)})")
    return diffuse.TransportSea(key, solutions, P.get("grid_scale", 1))


def implied_injection_efficiency(sky: "GammaSky", R_GV: float = 100.0) -> float:
    """The proton efficiency eps_p for which the transport model's absolute proton flux at the Sun equals the
    local (direct-data) fit at rigidity ``R_GV``: eps_p x j_fit / j_model (the flux is linear in eps_p)."""
    model = sky.transport["H"].flux_R_at_sun(R_GV)
    return sky.params["eps_p"] * float(sky.local.direct["H"].shape.flux_R(R_GV)) / model


def cocoon_productions(P: Mapping[str, Any], E, secondary: str = "gamma") -> dict:
    """{production model: :class:`Production`} of the cocoons on the energies E (the gas inside them as
    ``ism_composition`` says for AAfrag, hydrogen for Kelner; projectile grid refined by ``grid_scale``)."""
    per_decade = PROJECTILE_PER_DECADE * P.get("grid_scale", 1)
    return {m: Production(secondary, m, E, ism=P["ism_composition"] if m == "aafrag" else "H", per_decade=per_decade)
            for m in MODELS}


def cocoon_emissivities(P: Mapping[str, Any], E, secondary: str = "gamma", chi0: float | None = None) -> dict:
    """Q(E) of one cocoon [GeV^-1] for each production model ([AESB25] eq. 7), grammage from P (chi0 given
    here overrides P's, e.g. after :func:`cocoonlib.bc.resolve_chi0`)."""
    chi_c = grammage_from_params(P, chi0)
    spectra = injection_spectra(P)
    return {m: prod.emissivity(spectra, chi_c)["total"] for m, prod in cocoon_productions(P, E, secondary).items()}


def gamma_sky(P: Mapping[str, Any], E_GeV=None, gas_models=None, secondary: str = "gamma",
              window_names=GAMMA_WINDOWS, compare_seas: bool = False) -> GammaSky:
    """Everything the gamma-ray chapter plots, from a validated parameter dict of chapter ``gamma``.

    ``E_GeV`` defaults to :func:`sky_energies` refined by ``P["grid_scale"]``, which also refines the projectile
    grids of the production module, the transport solution and the line-of-sight grids. The DGE is built for
    the chapter's sea (``cr_sea``) and every gas model; with ``compare_seas`` also for the other two seas and the
    chapter's gas model.

    With ``secondary = "nu_all"`` (and e.g. ``window_names = ("allsky",)``) the same sky in neutrinos of all
    flavours at production (no absorption, no mask unless P has them); :mod:`cocoonlib.neutrino` builds on it.
    """
    E = sky_energies(P["grid_scale"], window_names) if E_GeV is None else np.asarray(E_GeV, dtype=float)
    gas_models = tuple(gas_models or gas.GAS_MODELS)
    local = local_cr_model(P)
    q, responses, factor = _dge_emissivities(local, _dge_productions(E, P["f_He"], secondary, P["grid_scale"]))

    chi0 = resolve_chi0(P["chi0"], P["chi0_source"])
    Q = cocoon_emissivities(P, E, secondary, chi0)

    absorbed = secondary == "gamma" and P.get("cmb_absorption", "on") == "on"
    lam = absorption.cmb_absorption_length_kpc(E) if absorbed else np.full(E.shape, np.inf)
    lam_and_none = np.append(lam, np.inf)  # one ray pass gives the absorbed values and, last, the unabsorbed one
    disk = CocoonDisk.from_params(P)
    windows = {w: regions.sky_window(w) for w in window_names}
    solutions = transport_solutions(P, disk)
    seas = {"uniform": diffuse.UniformSea(), "sources": diffuse.SourceProfileSea(disk),
            "transport": transport_sea(P, solutions, disk)}
    wanted = [(P["cr_sea"], g) for g in gas_models]
    if compare_seas:
        wanted += [(s, P["gas_model"]) for s in diffuse.CR_SEAS if s != P["cr_sea"]]
    sea_columns, dge_I = {}, {}
    for sea_name, g in wanted:
        sea, gas_field = seas[sea_name], gas.gas_model(g, P["R_sun"])
        for w, win in windows.items():
            cols = diffuse.sea_columns_by_species(gas_field, sea, win, lam_and_none, P["grid_scale"])
            for sp, both in cols.items():
                sea_columns[sea_name, g, w, sp] = (both[:-1], both[-1])
            absorbed_cols = {sp: both[:-1] for sp, both in cols.items()}
            for (m, v), resp in responses.items():
                dge_I[sea_name, g, w, m, v] = factor[m, v] * diffuse.dge_intensity_resolved(
                    resp, absorbed_cols, sea.rigidity_nodes_GV)
    columns0 = {g: {w: float(diffuse.effective_column_cm2(gas.gas_model(g, P["R_sun"]), win, None, P["grid_scale"]))
                    for w, win in windows.items()} for g in gas_models}
    both = {w: diffuse.effective_J(disk, win, lam_and_none, P["grid_scale"]) for w, win in windows.items()}
    J = {w: v[:-1] for w, v in both.items()}
    J0 = {w: float(v[-1]) for w, v in both.items()}
    mask = {w: regions.mask_factor(w, P) for w in windows}
    return GammaSky(E, windows, mask, gas_models, P["gas_model"], P["production_model"], P["dge_production_model"],
                    P["cr_sea"], local, q, Q, dge_I, columns0, sea_columns, J, J0, lam, seas, solutions,
                    params={**P, "chi0": chi0}, extra={"secondary": secondary})
