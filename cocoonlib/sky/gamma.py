"""The gamma-ray sky of the LHAASO windows and the other regions: every curve of the gamma-ray chapter.

:func:`build_sky` (from keyword arguments; :func:`cocoonlib.book.params.from_params.gamma_sky` builds it from a chapter's
parameters) fits the local H and He spectra (:mod:`cocoonlib.sky.local_cr`), solves the 2D transport of H and He
(:mod:`cocoonlib.transport.transport2d`) for the cosmic-ray sea, computes the emissivity per H atom of the two knee variants
resolved by projectile, the cocoon emissivity for both production models, the absorbed gas columns weighted by
the sea for every gas model and the absorbed J of the cocoons in each window; :class:`GammaSky` combines them
into E^2 I curves (inner window multiplied by the mask factor, [AESB25] Sec. 3).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from cocoonlib.core.kinematics import rigidity_from_T
from cocoonlib.core.numerics import loglog_interp
from cocoonlib.production import MODELS, PROJECTILE_PER_DECADE, Production
from cocoonlib.sky import absorption, diffuse, gas, inverse_compton, local_cr
from cocoonlib.source.cocoon_disk import CocoonDisk
from cocoonlib.source.grammage import Grammage
from cocoonlib.transport import transport2d
from cocoonlib.transport.slab import Halo

__all__ = [
    "GAMMA_WINDOWS",
    "energy_grid",
    "sky_energies",
    "LocalCR",
    "local_cr_model",
    "CocoonModel",
    "ICInputs",
    "GammaSky",
    "cocoon_productions",
    "cocoon_emissivities",
    "build_sky",
    "transport_solutions",
    "transport_sea",
    "implied_injection_efficiency",
    "IMPLIED_AT_GV",
]

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
    from cocoonlib.io.data import load_diffuse_measurements

    E = energy_grid(grid_scale)
    points = [load_diffuse_measurements(w).E_GeV.to_numpy(dtype=float) for w in window_names if w != "allsky"]
    points = np.concatenate([E[:0], *points])
    return np.union1d(E, points[(points > E[0]) & (points < E[-1])])


@dataclass
class LocalCR:
    """The fitted local spectra: direct-data fits, re-hardening fit, and the shapes of each knee variant."""

    direct: dict  # species -> FitResult
    rehardening: Any  # FitResult
    knee_fits: dict  # variant -> {species: FitResult}
    shapes: dict  # variant -> {species: SpectrumShape}

    def fluxes(self, variant: str) -> dict:
        return local_cr.local_fluxes(self.shapes[variant])


def local_cr_model(*, R_min_GV: float, phi_GV: float, R_rehardening_GV: float) -> LocalCR:
    """Fit the local spectra: direct data above ``R_min_GV`` (force field ``phi_GV``), the re-hardening at
    ``R_rehardening_GV``, and the knee of each variant."""
    direct = {sp: local_cr.fit_direct(sp, R_min_GV, phi_GV) for sp in ("H", "He")}
    base, reh = local_cr.fit_rehardening({sp: f.shape for sp, f in direct.items()}, R_rehardening_GV)
    shapes, knee_fits = {}, {}
    for v in local_cr.KNEE_VARIANTS:
        shapes[v], knee_fits[v] = local_cr.fit_knee(base, v)
    return LocalCR(direct, reh, knee_fits, shapes)


@dataclass(frozen=True)
class CocoonModel:
    """What sets the emissivity of one cocoon ([AESB25] eq. 7): the injection spectra of H and He, the grammage
    chi_c(R), the production model of the main curves and the gas inside the cocoons for AAfrag (``ism``)."""

    spectra: dict
    grammage: Grammage
    production_model: str = "kelner"
    ism: str = "H"


@dataclass(frozen=True)
class ICInputs:
    """What the inverse Compton part of the DGE needs (:mod:`cocoonlib.sky.inverse_compton`): the emissivity of each
    ISRF component at the Sun on the sky's energies (components x E) [GeV^-1 s^-1 cm^-3] and the field that carries
    it across the Galaxy."""

    emissivities: np.ndarray
    field: inverse_compton.ICField


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
    cocoons: CocoonModel  # what the cocoon curves were computed with
    transport_spectra: dict  # species -> the InjectionSpectrum the transport was solved with (its eps)
    secondary: str = "gamma"
    grid_scale: int = 1
    #: the cocoons' Production objects on E by gas inside the cocoons (shared by the skies of with_cocoons)
    productions_cache: dict = field(default_factory=dict, repr=False, compare=False)
    #: builds a CocoonModel from the book's parameters ``params`` and changes of them (set by the book layer; see
    #: with_cocoons): ``cocoon_factory(params, **changes)``
    cocoon_factory: Callable[..., CocoonModel] | None = None
    params: dict = field(default_factory=dict)  # the book's parameters the sky was built with (chi0 resolved)
    #: the knee variants of the local spectrum the DGE band spans (both by default; one of them to keep one knee)
    knees: tuple = local_cr.KNEE_VARIANTS
    #: window -> inverse Compton intensity on E (absorbed), part of every DGE curve; empty: no inverse Compton
    ic_I: dict = field(default_factory=dict)

    @property
    def chi0(self) -> float:
        """The cocoon grammage chi0 the curves use [g cm^-2] (after chi0_source is resolved)."""
        return self.cocoons.grammage.chi0

    def with_cocoons(self, cocoons: CocoonModel | None = None, **changes) -> GammaSky:
        """The same sky with other cocoons: only the cocoon emissivity is recomputed (a few ms), the DGE, the
        columns and J are shared with this sky. Give a :class:`CocoonModel`, or changes of the book's parameters
        (e.g. ``R0=50``, ``grammage_model="advection_diffusion"``), which the sky's ``cocoon_factory`` (set by
        :func:`cocoonlib.book.params.from_params.gamma_sky`) checks like chapter parameters and applies to the parameters of
        this sky (so ``sky.with_cocoons(R0=50).with_cocoons(chi0=0.2)`` has both changes)."""
        if cocoons is None:
            if self.cocoon_factory is None:
                raise ValueError("this sky has no cocoon_factory: pass a CocoonModel")
            cocoons = self.cocoon_factory(self.params, **changes)
        if cocoons.ism not in self.productions_cache:  # the matrices are built once per sky and gas
            self.productions_cache[cocoons.ism] = cocoon_productions(
                E=self.E, secondary=self.secondary, ism=cocoons.ism, grid_scale=self.grid_scale
            )
        Q = cocoon_emissivities(cocoons, self.E, self.secondary, self.grid_scale, self.productions_cache[cocoons.ism])
        params = {**self.params, **changes, "chi0": cocoons.grammage.chi0}
        return replace(self, Q_cocoon=Q, cocoons=cocoons, default_model=cocoons.production_model, params=params)

    def _e2(self, window, intensity):
        return self.mask[window] * self.E**2 * intensity

    def dge(
        self,
        window: str,
        gas_name: str | None = None,
        variant: str = "max",
        model: str | None = None,
        sea: str | None = None,
    ):
        """E^2 I of the DGE (mask included) for a gas model, knee variant, production model and sea (defaults:
        the chapter's): pi0 decay plus, where the sky has it, inverse Compton (:meth:`ic`)."""
        return self.pi0(window, gas_name, variant, model, sea) + self.ic(window)

    def pi0(
        self,
        window: str,
        gas_name: str | None = None,
        variant: str = "max",
        model: str | None = None,
        sea: str | None = None,
    ):
        """E^2 I of the DGE's hadronic part alone (mask included), arguments as :meth:`dge`."""
        key = (sea or self.sea, gas_name or self.default_gas, window, model or self.dge_model, variant)
        if key not in self.dge_I:
            raise ValueError(
                f"this sky has no DGE for (sea, gas, window, model, variant) = {key}: build it with "
                "gamma_sky(..., compare_seas=True) for the other seas of the default gas model"
            )
        return self._e2(window, self.dge_I[key])

    def ic(self, window: str):
        """E^2 I of the DGE's inverse Compton part (mask included); zero where the sky has none."""
        if window not in self.ic_I:
            return np.zeros_like(self.E)
        return self._e2(window, self.ic_I[window])

    def ic_share(self, window: str, E_GeV: float, gas_name: str | None = None) -> float:
        """Inverse Compton / DGE band centre at E_GeV."""
        lo, hi = self.dge_band(window, gas_name)
        return self.at(self.ic(window), E_GeV) / (0.5 * (self.at(lo, E_GeV) + self.at(hi, E_GeV)))

    def dge_band(self, window: str, gas_name: str | None = None, model: str | None = None, sea: str | None = None):
        """(low, high) envelope of the DGE over the knee variants of :attr:`knees`."""
        curves = np.array([self.dge(window, gas_name, v, model, sea) for v in self.knees])
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
        return self._e2(
            window,
            diffuse.cocoon_intensity(self.Q_cocoon[model or self.default_model], self.J[window], w.solid_angle_sr),
        )

    def total_band(self, window: str, gas_name: str | None = None, model: str | None = None, sea: str | None = None):
        """(low, high) of DGE band + cocoons; ``model`` sets the production model of both (default: each its own)."""
        lo, hi = self.dge_band(window, gas_name, model, sea)
        c = self.cocoon(window, model)
        return lo + c, hi + c

    @property
    def lowest_knee(self) -> str:
        """The knee variant of the lowest DGE this sky spans: "min" unless :attr:`knees` leaves only "max"."""
        return "min" if "min" in self.knees else self.knees[0]

    def total(self, window: str, variant: str | None = None, gas_name: str | None = None):
        """E^2 I of one DGE knee variant plus the cocoons (default :attr:`lowest_knee`: the appendices' total uses
        "min", as [AESB25] Fig. 4)."""
        return self.dge(window, gas_name, variant or self.lowest_knee) + self.cocoon(window)

    def cocoon_fraction(
        self, window: str, E_GeV: float, gas_name: str | None = None, model: str | None = None, sea: str | None = None
    ) -> float:
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
    return {
        "aafrag": Production(secondary, "aafrag", E, ism="H+He", f_He=f_He, per_decade=per_decade),
        "aafrag_H": Production(secondary, "aafrag", E, ism="H", per_decade=per_decade),
        "kelner": Production(secondary, "kelner", E, per_decade=per_decade),
    }


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
def transport_solutions(*, disk: CocoonDisk, spectra: dict, halo: Halo, R_gal_kpc: float, grid_scale: int = 1) -> dict:
    """{species: GalacticSea}: the 2D model for H and He injected by the cocoons of ``disk`` with ``spectra``, with
    chapter 2's transport ``halo``, in a cylinder of radius ``R_gal_kpc``."""
    T = transport2d.T_GRID(grid_scale)
    return {sp: transport2d.solve_sea(sp, spectra[sp], disk, halo, R_gal_kpc, T_GeV_n=T) for sp in ("H", "He")}


def transport_sea(
    solutions: dict, *, disk: CocoonDisk, spectra: dict, halo: Halo, R_gal_kpc: float, grid_scale: int = 1
) -> diffuse.TransportSea:
    """The sea of the DGE from the 2D solutions, with a key naming everything its tables depend on (the arguments
    the solutions were made with; of the spectra only their shapes: g = n / n_sun does not depend on the efficiency
    or on E_SN, the model being linear in its source)."""
    shapes = {sp: (s.species.name, s.gamma, s.E_max_GeV) for sp, s in sorted(spectra.items())}
    key = (
        f"TransportSea({halo!r}, R_gal={R_gal_kpc!r}, n_modes={transport2d.N_MODES}, {disk!r}, "
        f"spectral shapes {shapes!r}, grid_scale={grid_scale})"
    )
    return diffuse.TransportSea(key, solutions, grid_scale)


#: the rigidity at which :func:`implied_injection_efficiency` compares the model with the local fit [GV]
IMPLIED_AT_GV = 100.0


def implied_injection_efficiency(sky: GammaSky, R_GV: float = IMPLIED_AT_GV) -> float:
    """The proton efficiency eps_p for which the transport model's absolute proton flux at the Sun equals the
    local (direct-data) fit at rigidity ``R_GV``: eps_p x j_fit / j_model (the flux is linear in eps_p), eps_p being
    the efficiency the transport was solved with."""
    model = sky.transport["H"].flux_R_at_sun(R_GV)
    return sky.transport_spectra["H"].eps * float(sky.local.direct["H"].shape.flux_R(R_GV)) / model


def cocoon_productions(*, E, secondary: str = "gamma", ism: str = "H", grid_scale: int = 1) -> dict:
    """{production model: :class:`~cocoonlib.production.Production`} of the cocoons on the energies ``E`` [GeV]: the
    gas inside them is ``ism`` ("H" or "H+He") for AAfrag and hydrogen for Kelner; ``grid_scale`` refines the
    projectile grid."""
    per_decade = PROJECTILE_PER_DECADE * grid_scale
    return {m: Production(secondary, m, E, ism=ism if m == "aafrag" else "H", per_decade=per_decade) for m in MODELS}


def cocoon_emissivities(
    cocoons: CocoonModel, E, secondary: str = "gamma", grid_scale: int = 1, productions: dict | None = None
) -> dict:
    """Q(E) of one cocoon [GeV^-1] for each production model ([AESB25] eq. 7); ``productions``: those of
    :func:`cocoon_productions` for the same arguments, if already built."""
    if productions is None:
        productions = cocoon_productions(E=E, secondary=secondary, ism=cocoons.ism, grid_scale=grid_scale)
    return {m: prod.emissivity(cocoons.spectra, cocoons.grammage)["total"] for m, prod in productions.items()}


def build_sky(
    *,
    E,
    windows: dict,
    masks: dict,
    disk: CocoonDisk,
    local: LocalCR,
    cocoons: CocoonModel,
    halo: Halo,
    R_gal_kpc: float,
    gas_models,
    default_gas: str,
    dge_model: str,
    sea: str,
    f_He: float,
    R_sun_kpc: float,
    cmb_absorption: bool = True,
    secondary: str = "gamma",
    grid_scale: int = 1,
    compare_seas: bool = False,
    ic: ICInputs | None = None,
) -> GammaSky:
    """Every curve of the gamma-ray chapter: the DGE of each gas model (``gas_models``) lit by the sea ``sea``
    (one of :data:`cocoonlib.sky.diffuse.CR_SEAS`; with ``compare_seas`` also the other two for ``default_gas``),
    for both production models and knee variants, and the cocoons, in ``windows`` ({name: SkyWindow}) with their
    mask factors ``masks``, on photon (or, with ``secondary = "nu_all"``, neutrino) energies ``E`` [GeV]. The local
    spectra ``local`` set the sea at the Sun; the 2D transport (``halo``, ``R_gal_kpc``, the cocoons of ``disk``)
    carries it across the Galaxy; ``f_He``: He/H of the gas; ``cmb_absorption``, ``ic`` (the inverse Compton part
    of the DGE, or None): gamma rays only. ``grid_scale`` refines every grid."""
    E = np.asarray(E, dtype=float)
    absorbed = secondary == "gamma" and cmb_absorption
    lam = absorption.cmb_absorption_length_kpc(E) if absorbed else np.full(E.shape, np.inf)
    geometry = dict(disk=disk, spectra=cocoons.spectra, halo=halo, R_gal_kpc=R_gal_kpc, grid_scale=grid_scale)
    solutions = transport_solutions(**geometry)
    seas = {"uniform": diffuse.UniformSea(), "sources": diffuse.SourceProfileSea(disk)}
    seas["transport"] = transport_sea(solutions, **geometry)
    wanted = [(sea, g) for g in gas_models] + [(s, default_gas) for s in diffuse.CR_SEAS if compare_seas and s != sea]
    dge = _dge_of_windows(E, local, f_He, secondary, seas, wanted, windows, lam, R_sun_kpc, grid_scale)
    lines = _lines_of_sight(disk, tuple(gas_models), windows, lam, R_sun_kpc, grid_scale)
    if ic is not None and secondary == "gamma":
        lines["ic_I"] = {
            w: inverse_compton.ic_intensity(
                ic.emissivities, diffuse.line_of_sight_columns(ic.field, v, grid_scale, lam), v
            )
            for w, v in windows.items()
        }
    return GammaSky(
        E=E,
        windows=windows,
        mask=dict(masks),
        gas_models=tuple(gas_models),
        default_gas=default_gas,
        default_model=cocoons.production_model,
        dge_model=dge_model,
        sea=sea,
        local=local,
        Q_cocoon=cocoon_emissivities(cocoons, E, secondary, grid_scale),
        absorption_length_kpc=lam,
        **dict(seas=seas, transport=solutions, cocoons=cocoons, transport_spectra=dict(cocoons.spectra)),
        **dict(secondary=secondary, grid_scale=grid_scale),
        **dge,
        **lines,
    )


def _dge_of_windows(E, local, f_He, secondary, seas, wanted, windows, lam, R_sun_kpc, grid_scale) -> dict:
    """{"q", "dge_I", "sea_columns"} of :class:`GammaSky`: the emissivities per H atom, and for each (sea, gas model)
    of ``wanted`` and each window the sea-weighted columns (absorbed with ``lam`` and not) and the DGE intensities of
    both production models and knee variants."""
    q, responses, factor = _dge_emissivities(local, _dge_productions(E, f_He, secondary, grid_scale))
    lam_and_none = np.append(lam, np.inf)  # one ray pass gives the absorbed values and, last, the unabsorbed one
    sea_columns, dge_I = {}, {}
    for sea_name, g in wanted:
        sea_obj, gas_field = seas[sea_name], gas.gas_model(g, R_sun_kpc)
        for w, win in windows.items():
            cols = diffuse.sea_columns_by_species(gas_field, sea_obj, win, lam_and_none, grid_scale)
            for sp, both in cols.items():
                sea_columns[sea_name, g, w, sp] = (both[:-1], both[-1])
            absorbed_cols = {sp: both[:-1] for sp, both in cols.items()}
            for (m, v), resp in responses.items():
                dge_I[sea_name, g, w, m, v] = factor[m, v] * diffuse.dge_intensity_resolved(
                    resp, absorbed_cols, sea_obj.rigidity_nodes_GV
                )
    return {"q": q, "dge_I": dge_I, "sea_columns": sea_columns}


def _lines_of_sight(disk, gas_models, windows, lam, R_sun_kpc, grid_scale) -> dict:
    """{"columns_unabsorbed", "J", "J_unabsorbed"} of :class:`GammaSky`: the plain gas column of each gas model and
    window, and the cocoons' J absorbed with ``lam`` and not."""
    columns0 = {
        g: {
            w: float(diffuse.effective_column_cm2(gas.gas_model(g, R_sun_kpc), win, None, grid_scale))
            for w, win in windows.items()
        }
        for g in gas_models
    }
    both = {w: diffuse.effective_J(disk, win, np.append(lam, np.inf), grid_scale) for w, win in windows.items()}
    return {
        "columns_unabsorbed": columns0,
        "J": {w: v[:-1] for w, v in both.items()},
        "J_unabsorbed": {w: float(v[-1]) for w, v in both.items()},
    }
