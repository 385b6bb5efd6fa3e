"""Each chapter's key numbers from one function: :func:`key_numbers`.

The key numbers of a chapter (the ``results`` of :data:`cocoonlib.book.chapters.CHAPTERS`, the table that closes
the chapter and that ``cocoon run`` and ``cocoon scan`` report) are computed here and nowhere else. The chapter's
key-number cell calls :func:`key_numbers` with the objects it has already built for its figures (its sky, its
fits) as the *context*, so nothing is computed twice; ``cocoon scan --path fast`` calls it in the process, without
a kernel or figures, with a :class:`Workspace` that keeps between the points of a scan what the scanned parameters
do not change.

A :class:`Context` holds the objects ("pieces") a chapter's numbers are made from: each is given, or built on first
use by the chapter's builder of that name (:data:`PIECES`). The expensive pieces are built through
:meth:`Context.cached` under a key made of the parameters they depend on: with a workspace, a later point with the
same values of those parameters gets the same object. A gamma-ray sky is built once per set of parameters that
change its DGE, columns or J, with the cocoon parameters (:data:`SKY_COCOON_PARAMETERS`) at their defaults, and
each point takes it with its own cocoons (:meth:`cocoonlib.sky.gamma.GammaSky.with_cocoons`: a weighted sum of
prebuilt production matrices, a few ms), which gives the same numbers as building the sky from scratch.

Helpers that a chapter also uses for its tables (:func:`gamma_window_row`, :func:`gamma_experiment_chi2`,
:func:`joint_likelihood`, :func:`joint_variant`, ...) live here too, so that a table and a key number never
compute the same quantity in two ways.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any, NamedTuple

import numpy as np

from cocoonlib.book.chapters import FIT_SOURCES, get_chapter
from cocoonlib.book.params import PARAMETERS, RESOLVED_SOURCES, ParameterError, from_params, saved_fit
from cocoonlib.core import geometry
from cocoonlib.core.numerics import loglog_interp, semilog_interp
from cocoonlib.io import data, paths, regions
from cocoonlib.production import MODELS, PROJECTILE_PER_DECADE, Production
from cocoonlib.sky import diffuse, gamma, gas, masks, neutrino
from cocoonlib.source import cocoons
from cocoonlib.source.cocoon_disk import CocoonDisk
from cocoonlib.source.grammage import DIFFUSION_REGIMES
from cocoonlib.stats import bands, compare, joint, limits
from cocoonlib.transport import bc

__all__ = [
    "key_numbers",
    "own_key_numbers",
    "sea_key_numbers",
    "SEA_KEYS",
    "Context",
    "Workspace",
    "PIECES",
    "SKY_COCOON_PARAMETERS",
    "NOT_IN_SKY",
    "OTHER_REGIONS",
    "R0_SEARCH_TV",
    "BORON_SHARE_ENERGIES_GEV_N",
    "model_gamma_energies",
    "gamma_window_row",
    "gamma_experiment_chi2",
    "gamma_chi0_functions",
    "WCDA",
    "gamma_fermi_ratio",
    "neutrino_total_row",
    "delta_chi0_limit",
    "delta_ratio_to_exponential",
    "AD_FORMS",
    "neutrino_chi0_functions",
    "interval_text",
    "joint_likelihood",
    "joint_variant",
    "fit_status",
    "joint_leave_one_out",
    "totals",
    "delta_free_parameters",
    "largest_R0",
]


# --- the context and the workspace ----------------------------------------------------------------------
class Workspace:
    """What a scan keeps between its points in one process: built pieces by (kind, key), the ``size`` most recently
    used of each kind (:attr:`SIZES` for the large ones: a scan over a parameter that changes a sky keeps a few
    skies, not all of them)."""

    #: how many pieces of a kind are kept where not :attr:`size` (a sky holds tens of MB, a fit a few kB)
    SIZES = {"sky": 8, "J": 16, "productions": 4}

    def __init__(self, size: int = 256):
        self.size = size
        self._store: dict[str, OrderedDict] = {}
        self.hits = 0
        self.misses = 0

    def get(self, kind: str, key: Hashable, build: Callable[[], Any]) -> Any:
        """The piece of ``kind`` stored under ``key``, or ``build()`` stored under it."""
        store = self._store.setdefault(kind, OrderedDict())
        if key in store:
            store.move_to_end(key)
            self.hits += 1
            return store[key]
        self.misses += 1
        value = build()
        store[key] = value
        if len(store) > self.SIZES.get(kind, self.size):
            store.popitem(last=False)
        return value

    def context(self, chapter: str, params: Mapping[str, Any]) -> Context:
        """A :class:`Context` of ``chapter`` with validated parameters ``params`` that builds through this workspace."""
        return Context(chapter, params, workspace=self)


class Context:
    """The pieces a chapter's key numbers are made from: ``given`` ones (what the notebook has built) and the others
    built on first use by :data:`PIECES` of the chapter, each once, through ``workspace`` (a new one if None).

    ``params``: the chapter's validated parameters; :attr:`P`: the same with the cocoons' sources resolved
    (:func:`cocoonlib.book.params.from_params.resolve_sources`: for ``source_normalisation`` = 'sea' the fitted transport
    and the efficiencies that make the local cosmic rays), what every piece reads."""

    def __init__(
        self,
        chapter: str,
        params: Mapping[str, Any],
        given: Mapping[str, Any] | None = None,
        workspace: Workspace | None = None,
    ):
        self.chapter = get_chapter(chapter).name
        self.params = params
        self.workspace = Workspace() if workspace is None else workspace
        self._P: Mapping[str, Any] | None = None
        self._siblings: dict[str, Context] = {}
        self._own: dict | None = None  # own_key_numbers, once computed
        self._pieces = {}
        self.give(**(given or {}))

    def give(self, **pieces) -> Context:
        """Add pieces already built (a notebook's sky, fits): they are used instead of building them."""
        unknown = sorted(set(pieces) - set(PIECES[self.chapter]))
        if unknown:
            raise ValueError(
                f"{', '.join(unknown)} is not a piece of chapter {self.chapter!r}: expected some of "
                f"{', '.join(PIECES[self.chapter])}"
            )
        self._pieces.update(pieces)
        return self

    @property
    def P(self) -> Mapping[str, Any]:
        """The parameters with the sources resolved (built once, kept in the workspace under the parameters)."""
        if self._P is None:
            P = self.params
            sea = P.get("source_normalisation", "letter") == "sea" and RESOLVED_SOURCES not in P
            fit = bc_refit(self, P) if sea and P.get("transport_source") != "fit" else None
            self._P = self.cached(
                "sources",
                (_items(P), _fit_file(P, ("transport_source",))),
                lambda: from_params.resolve_sources(P, fit=fit),
            )
        return self._P

    def with_sources(self, normalisation: str) -> Context:
        """This chapter's context with ``source_normalisation`` = ``normalisation`` (itself if it already has it), sharing
        the workspace (kept: asked again, the same context)."""
        if self.params.get("source_normalisation", "letter") == normalisation:
            return self
        if normalisation not in self._siblings:
            params = {**self.params, "source_normalisation": normalisation}
            self._siblings[normalisation] = Context(self.chapter, params, workspace=self.workspace)
        return self._siblings[normalisation]

    def __getitem__(self, name: str) -> Any:
        if name not in self._pieces:
            if name not in PIECES[self.chapter]:
                raise KeyError(
                    f"chapter {self.chapter!r} has no piece {name!r}: expected one of {', '.join(PIECES[self.chapter])}"
                )
            self._pieces[name] = PIECES[self.chapter][name](self)
        return self._pieces[name]

    def __contains__(self, name: str) -> bool:
        return name in self._pieces

    def cached(self, kind: str, key: Hashable, build: Callable[[], Any]) -> Any:
        """``build()``, kept in the workspace under (``kind``, ``key``): ``key`` must hold every parameter the piece
        depends on."""
        return self.workspace.get(kind, key, build)


def key_numbers(chapter: str, params: Mapping[str, Any], context: Context | Mapping[str, Any] | None = None) -> dict:
    """The key numbers of ``chapter`` for its validated parameters ``params`` (all the keys the chapter declares, in
    the order of its key-number table): the chapter's own (:func:`own_key_numbers`) and, for the chapters of
    :data:`SEA_KEYS`, the same numbers with ``source_normalisation`` = 'sea' (suffix ``_sea``). ``context``: a
    :class:`Context` or a mapping of pieces already built (e.g. ``{"sky": sky}``); everything else is built here."""
    if not isinstance(context, Context):
        context = Context(chapter, params, given=context)
    if context.chapter != get_chapter(chapter).name:
        raise ValueError(f"the context is of chapter {context.chapter!r}, not {chapter!r}")
    out = {**own_key_numbers(context), **_sea_keys(context)}
    declared = get_chapter(chapter).results
    if set(out) != set(declared):
        missing, extra = set(declared) - set(out), set(out) - set(declared)
        raise ValueError(f"chapter {chapter!r} key numbers: missing {sorted(missing)}, undeclared {sorted(extra)}")
    return {k: out[k] for k in declared}


def own_key_numbers(ctx: Context) -> dict:
    """The chapter's key numbers at the context's own ``source_normalisation`` (no ``_sea`` keys), computed once per
    context: what the scorecard judges."""
    if ctx._own is None:
        ctx._own = _KEYS[ctx.chapter](ctx)
    return ctx._own


def sea_key_numbers(ctx: Context) -> dict:
    """:func:`own_key_numbers` of the chapter with ``source_normalisation`` = 'sea' (the cocoons as the Galaxy's
    sources): the scorecard's second column. The context's own numbers if it is 'sea' already; an empty dict if the
    B/C fit that sets the sea's transport does not converge for this chapter's parameters (the run itself, with the
    letter's efficiencies, is still valid)."""
    sea = ctx.with_sources("sea")
    try:
        _ = sea.P  # resolving the sources fits B/C: a ParameterError if that fit does not converge
    except ParameterError:
        return {}
    return own_key_numbers(sea)


#: chapter -> {key with suffix _sea: the chapter's key it repeats with source_normalisation = 'sea'} (issue list of
#: the numbers a default run reports for both normalisations; eps_p_sea, eps_He_sea and D0_sea come from the
#: resolved parameters)
SEA_KEYS = {
    "gamma": {
        "cocoon_fraction_inner_1TeV_sea": "cocoon_fraction_inner_1TeV",
        "cocoon_fraction_outer_1TeV_sea": "cocoon_fraction_outer_1TeV",
        "chi2_km2a_inner_sea": "chi2_km2a_inner",
        "chi2_km2a_outer_sea": "chi2_km2a_outer",
        "cocoon_share_of_argo_excess_1TeV_sea": "cocoon_share_of_argo_excess_1TeV",
    },
    "joint": {
        "chi0_gamma_only_best_sea_g_cm2": "chi0_gamma_only_best_g_cm2",
        "chi0_joint_best_sea_g_cm2": "chi0_joint_best_g_cm2",
        "tension_bc_gamma_sigma_sea": "tension_bc_gamma_sigma",
    },
}


def _sea_keys(ctx: Context) -> dict:
    """The ``_sea`` keys of :data:`SEA_KEYS` and ``sea_normalisation_ok``: 1, or 0 when the sea's transport cannot
    be fitted (then each ``_sea`` key repeats this run's value, and eps_p_sea, eps_He_sea, D0_sea this run's
    parameters)."""
    if ctx.chapter not in SEA_KEYS:
        return {}
    numbers = sea_key_numbers(ctx)
    ok = bool(numbers)
    source = numbers if ok else own_key_numbers(ctx)
    out = {k: source[base] for k, base in SEA_KEYS[ctx.chapter].items()}
    if ctx.chapter == "gamma":
        P = ctx.with_sources("sea").P if ok else ctx.P
        out |= {"eps_p_sea": P["eps_p"], "eps_He_sea": P["eps_He"], "D0_sea_1e28_cm2_s": P["D0"]}
    return out | {"sea_normalisation_ok": float(ok)}


# --- keys of cached pieces --------------------------------------------------------------------------------
def _freeze(v):
    if isinstance(v, list | tuple):
        return tuple(_freeze(x) for x in v)
    if isinstance(v, dict):
        return tuple(sorted((k, _freeze(x)) for k, x in v.items()))
    return v


def _items(P: Mapping[str, Any], names=None, drop=()) -> tuple:
    """(name, value) of the parameters ``names`` (default: all) that ``P`` has, less ``drop``: part of a cache key."""
    names = P if names is None else names
    return tuple(sorted((k, _freeze(P[k])) for k in names if k in P and k not in drop))


def _fit_file(P: Mapping[str, Any], names=FIT_SOURCES):
    """What a piece that reads chapter 2's saved fit depends on (its path, time and size) if one of the parameters
    ``names`` (of :data:`cocoonlib.book.chapters.FIT_SOURCES`) is 'fit'; None otherwise."""
    if not any(P.get(n) == "fit" for n in names):
        return None
    path = paths.outputs_dir() / saved_fit.FIT_FILENAME
    try:
        st = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), st.st_mtime_ns, st.st_size)


# --- skies ---------------------------------------------------------------------------------------------------
#: parameters that change a sky's cocoon curves and not its DGE, columns or J: a sky with other values of them is
#: :meth:`cocoonlib.sky.gamma.GammaSky.with_cocoons` of the same sky. The efficiencies and E_SN are among them: the
#: sea of the DGE is the 2D transport's density relative to the Sun, which does not depend on them (the model is
#: linear in its source); the injection slopes and E_max shape it, so they are not.
SKY_COCOON_PARAMETERS = tuple(
    n for n, p in PARAMETERS.items() if p.affects & {"cocoon_emissivity", "chi0"} and "sky" not in p.affects
)

#: parameters that enter a chapter after its sky (B/C, limits, the joint fit's settings, the chapter-1 cocoon
#: numbers) or that the sky does not read: left out of a sky's key. Derived from the declarations (no tag "sky",
#: "cocoon_emissivity", "chi0" or "dge_band"), so a new parameter that changes a sky is part of its key.
NOT_IN_SKY = (
    *(n for n, p in PARAMETERS.items() if not p.affects & {"sky", "cocoon_emissivity", "chi0", "dge_band"}),
    RESOLVED_SOURCES,  # what source_normalisation sets (transport, efficiencies) is in the resolved parameters
)


def _cocoon_changes(P: Mapping[str, Any]) -> dict:
    """The changes that give a base sky the cocoons of ``P`` (chi0 resolved by ``chi0_source``)."""
    changes = {"chi0": saved_fit.resolve_chi0(P["chi0"], P.get("chi0_source", "parameter"))}
    changes.update({k: P[k] for k in SKY_COCOON_PARAMETERS if k in P and k not in ("chi0", "chi0_source")})
    return changes


def sky_of(ctx: Context, P: Mapping[str, Any], label: str, **build) -> gamma.GammaSky:
    """:func:`cocoonlib.book.params.from_params.gamma_sky` ``(P, **build)``: the sky of ``P`` with the cocoon parameters at
    their defaults, kept under the other parameters (and ``label``, which must name ``build``), given the cocoons of
    ``P`` by :meth:`~cocoonlib.sky.gamma.GammaSky.with_cocoons`."""
    drop = (*SKY_COCOON_PARAMETERS, *NOT_IN_SKY, "dge_knee")  # the knee only narrows the band: applied afterwards
    key = (label, _items(P, drop=drop), _fit_file(P, ("transport_source",)))
    base_P = {**P, **{k: PARAMETERS[k].default for k in SKY_COCOON_PARAMETERS if k in P}, "chi0_source": "parameter"}
    base = ctx.cached("sky", key, lambda: from_params.gamma_sky({**base_P, "dge_knee": "both"}, **build))
    return from_params.with_knees(base.with_cocoons(**_cocoon_changes(P)), P)


def _measurements(ctx: Context, windows) -> dict:
    return {w: ctx.cached("measurements", w, lambda w=w: data.load_diffuse_measurements(w)) for w in windows}


def bc_refit(ctx: Context, P: Mapping[str, Any] | None = None):
    """:func:`cocoonlib.book.params.from_params.bc_refit` of ``P`` (default: the chapter's parameters as given, before the
    sources are resolved), kept under the parameters it reads: the one B/C refit behind a chapter's chi0 band and the
    transport of ``source_normalisation`` = 'sea'."""
    P = ctx.params if P is None else P
    key = ("refit", _items(P, get_chapter("bc").parameters))
    return ctx.cached("band_fit", key, lambda: from_params.bc_refit(P))


def _band_fit(ctx: Context):
    """:func:`cocoonlib.book.params.from_params.chi0_band_fit` of the chapter's parameters as given, kept under what it
    reads (for 'refit', :func:`bc_refit`)."""
    P = ctx.params
    choice = P.get("chi0_band", "refit")
    if choice == "refit":
        return bc_refit(ctx)
    key = (choice, _fit_file(P, ("chi0_band",)))
    return ctx.cached("band_fit", key, lambda: from_params.chi0_band_fit(P))


def _interval(ctx: Context):
    fit = ctx["band_fit"]
    return None if fit is None else bands.Chi0Interval.from_fit(fit)


def _ranges(functions: Mapping[str, Callable[[float], float]], interval, chi0: float) -> dict:
    """(smallest, largest) of each function of chi0 over the interval's 1 sigma range (its value at ``chi0`` twice
    without an interval)."""
    return {k: bands.value_range(f, interval) if interval is not None else (f(chi0),) * 2 for k, f in functions.items()}


# --- chapter model ---------------------------------------------------------------------------------------
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


# --- chapter bc ------------------------------------------------------------------------------------------
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


def _bc_keys(ctx: Context) -> dict:
    P, model, fit, free = ctx.P, ctx["model"], ctx["fit"], ctx["free"]
    out = {
        "chi0_best_g_cm2": fit.chi0,
        "chi0_lo_g_cm2": fit.chi0_interval_1sigma[0],
        "chi0_hi_g_cm2": fit.chi0_interval_1sigma[1],
        "chi0_lo2_g_cm2": fit.chi0_interval_2sigma[0],
        "chi0_hi2_g_cm2": fit.chi0_interval_2sigma[1],
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


# --- chapter gamma ---------------------------------------------------------------------------------------
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


# --- chapter neutrino ------------------------------------------------------------------------------------
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


# --- chapter r0 ------------------------------------------------------------------------------------------
#: the range of R0 searched for the largest R0 and for the chi^2 minimum of the R0 appendix [TV]
R0_SEARCH_TV = (1.0, 1e4)


def totals(sky: gamma.GammaSky, **changes) -> dict:
    """{window: DGE min + cocoons} of the sky with its cocoons changed by ``changes``."""
    s = sky.with_cocoons(**changes)
    return {w: s.total(w) for w in s.windows}


def largest_R0(
    sky: gamma.GammaSky, measurements: Mapping, n_sigma: float, dge_scale: Mapping[str, float] | None = None
) -> tuple[float, str]:
    """The R0 appendix's limit for any sky: the largest R0 at which its lowest DGE (times ``dge_scale`` per window,
    1 if None) plus its cocoons exceeds no point of ``measurements`` by more than ``n_sigma``, the points the DGE alone
    exceeds set aside (:func:`cocoonlib.stats.limits.largest_value`): (R0 [TV], status)."""
    scale = {w: 1.0 if dge_scale is None else dge_scale.get(w, 1.0) for w in sky.windows}
    dge = {w: scale[w] * sky.dge(w, variant=sky.lowest_knee) for w in sky.windows}
    aside = limits.overshot_by(measurements, sky.E, dge, n_sigma)

    def pull(R0):
        s = sky.with_cocoons(R0=R0)
        return limits.max_pull(measurements, sky.E, {w: dge[w] + s.cocoon(w) for w in sky.windows}, aside)

    return limits.largest_value(pull, *R0_SEARCH_TV, n_sigma)


def _r0_R0_max(ctx: Context) -> limits.Bound:
    sky, m, aside = ctx["sky"], ctx["measurements"], ctx["set_aside"]
    return limits.largest_value(
        lambda r: limits.max_pull(m, sky.E, totals(sky, R0=r), aside), *R0_SEARCH_TV, ctx.P["n_sigma"]
    )


class R0Limit(NamedTuple):
    """The point that sets R0_max (window, energy [GeV], pull there) and the room the DGE alone leaves it [sigma]."""

    window: str
    E_GeV: float
    pull: float
    room_sigma: float


def _r0_limit(ctx: Context) -> R0Limit:
    """The point that sets R0_max and the headroom the DGE alone leaves there."""
    sky, m = ctx["sky"], ctx["measurements"]
    at_max = ctx["sky_R0_max"]
    window, E, pull = limits.limiting_point(m, sky.E, {w: at_max.total(w) for w in sky.windows}, ctx["set_aside"])
    room = limits.headroom(
        m, sky.E, {w: sky.dge(w, variant=sky.lowest_knee) for w in sky.windows}, window, E, ctx.P["n_sigma"]
    )
    return R0Limit(window, E, pull, room)


#: the range of R0_max the scorecard's claim on R0 tests [TV] (cocoonlib.book.chapters.scorecard, claim r0_upper)
R0_CLAIM_RANGE_TV = (20.0, 200.0)


def r0_max_margin_sigma(ctx: Context) -> float:
    """How far, in errors of the point that sets R0_max, that point would have to move for R0_max to reach the nearer
    end (in ln R0) of :data:`R0_CLAIM_RANGE_TV`: |pull of DGE min + cocoons there at that R0 - n_sigma|."""
    R0_max = ctx["R0_max"].value
    window, E = ctx["limit"][:2]
    lo, hi = R0_CLAIM_RANGE_TV
    target = hi if abs(math.log(hi / R0_max)) < abs(math.log(R0_max / lo)) else lo
    at = ctx["sky"].with_cocoons(R0=target)
    pts = compare.measured_points(ctx["measurements"][window])
    i = int(np.argmin(np.abs(pts.E_GeV.to_numpy() / E - 1.0)))
    pull = compare.pulls(ctx["measurements"][window], at.E, at.total(window))[i]
    return float(abs(pull - ctx.P["n_sigma"]))


def _r0_keys(ctx: Context) -> dict:
    R0_max, status = ctx["R0_max"]
    R0_best, chi2_best = ctx["R0_best"]
    smallest = min(ctx["grid_skies"])
    return {
        "R0_max_TV": R0_max,
        "R0_max_found": float(status == "found"),
        "R0_max_headroom_sigma": ctx["limit"].room_sigma,
        "R0_max_margin_sigma": r0_max_margin_sigma(ctx),
        "R0_best_TV": R0_best,
        "chi2_R0_best": chi2_best,
        "chi2_R0_chapter": ctx["chi2_ref"],
        "n_points": ctx["n_points"],
        "n_set_aside": ctx["n_set_aside"],
        "cocoon_fraction_inner_1TeV_R0_max": ctx["sky_R0_max"].cocoon_fraction("inner", 1e3),
        "R0_smallest_TV": smallest,
        "cocoon_fraction_inner_1TeV_R0_smallest": ctx["grid_skies"][smallest].cocoon_fraction("inner", 1e3),
    }


# --- chapter delta ---------------------------------------------------------------------------------------
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


# --- chapter joint ---------------------------------------------------------------------------------------
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
    return {
        "B/C alone": _fit(joint_likelihood(ctx, ("bc",)), fixed),
        "gamma rays alone": _fit(joint_likelihood(ctx, tuple(u for u in use if u != "bc")), fixed),
        "joint": _fit(joint_likelihood(ctx, use), fixed),
    }


def _joint_icecube_variant(ctx: Context) -> dict:
    """:func:`joint_variant` with IceCube's pi0 fit added (or removed, if the chapter has it)."""
    use = ctx["use"]
    other = tuple(u for u in use if u != "icecube") if "icecube" in use else (*use, "icecube")
    return joint_variant(ctx, use_joint=other)


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


# --- the pieces of each chapter ----------------------------------------------------------------------------
def _appendix_pieces() -> dict:
    """The measurements of the sky's windows, the DGE min and the points it alone overshoots (the appendices)."""
    return {
        "measurements": lambda ctx: _measurements(ctx, ctx["sky"].windows),
        "dge_min": lambda ctx: {w: ctx["sky"].dge(w, variant=ctx["sky"].lowest_knee) for w in ctx["sky"].windows},
        "set_aside": lambda ctx: limits.overshot_by(
            ctx["measurements"], ctx["sky"].E, ctx["dge_min"], ctx.P["n_sigma"]
        ),
        "n_points": lambda ctx: sum(int((~d.upper_limit.astype(bool)).sum()) for d in ctx["measurements"].values()),
        "n_set_aside": lambda ctx: sum(int(a.sum()) for a in ctx["set_aside"].values()),
    }


#: chapter -> {piece: builder(context)}: what :class:`Context` builds when a piece is not given
PIECES: dict[str, dict[str, Callable[[Context], Any]]] = {
    "model": {
        "disk": lambda ctx: from_params.cocoon_disk(ctx.P),
        "J": _model_J,
        "Q_gamma": _model_Q_gamma,
    },
    "bc": {
        "model": _bc_model,
        "fit": lambda ctx: from_params.bc_fit(ctx.P, ctx["model"])[2],
        "free": _bc_free,
        "shares": lambda ctx: bc.boron_by_parent_group(
            ctx["model"], np.array(BORON_SHARE_ENERGIES_GEV_N), 0.0, **ctx["free"]
        ),
    },
    "gamma": {
        "sky": lambda ctx: sky_of(ctx, ctx.P, "gamma inner outer"),
        "rsky": lambda ctx: sky_of(ctx, ctx.P, "gamma " + " ".join(OTHER_REGIONS), window_names=OTHER_REGIONS),
        "km2a": lambda ctx: {
            w: ctx.cached("km2a", w, lambda w=w: data.load_lhaaso_km2a(w)) for w in gamma.GAMMA_WINDOWS
        },
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
    },
    "neutrino": {
        "sky": _neutrino_sky,
        "band_fit": _band_fit,
        "interval": _interval,
        "pi0_100": lambda ctx: float(neutrino.pi0_best_fit_flux(1e5)),
        "chi0_functions": lambda ctx: neutrino_chi0_functions(ctx["sky"], ctx["pi0_100"]),
        "ranges": lambda ctx: _ranges(ctx["chi0_functions"], ctx["interval"], ctx["sky"].chi0),
    },
    "r0": {
        "sky": lambda ctx: sky_of(ctx, ctx.P, "gamma inner outer"),
        **_appendix_pieces(),
        "grid_skies": lambda ctx: {
            r: ctx["sky"].with_cocoons(R0=r) for r in sorted(set(ctx.P["R0_grid"]) | {ctx.P["R0"]})
        },
        "R0_max": _r0_R0_max,
        "sky_R0_max": lambda ctx: ctx["sky"].with_cocoons(R0=ctx["R0_max"].value),
        "limit": _r0_limit,
        "R0_best": lambda ctx: limits.minimise_log(
            lambda r: limits.chi2(ctx["measurements"], ctx["sky"].E, totals(ctx["sky"], R0=r)), *R0_SEARCH_TV
        ),
        "chi2_ref": lambda ctx: limits.chi2(ctx["measurements"], ctx["sky"].E, totals(ctx["sky"], R0=ctx.P["R0"])),
    },
    "delta": {
        "sky": _delta_sky,
        **_appendix_pieces(),
        "variants": lambda ctx: {
            (form, name): ctx["sky"].with_cocoons(grammage_model=form, delta=d)
            for form in AD_FORMS
            for name, d in DIFFUSION_REGIMES.items()
        },
        "limits": _delta_limits,
    },
    "joint": {
        "skies": _joint_skies,
        "model": _bc_model,
        "bc_data": lambda ctx: ctx.cached(
            "bc data",
            (ctx.P["ams02_table"], ctx.P["T_min_fit"]),
            lambda: bc.bc_fit_data(ctx.P["ams02_table"], ctx.P["T_min_fit"]),
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
    },
}

_KEYS: dict[str, Callable[[Context], dict]] = {
    "model": _model_keys,
    "bc": _bc_keys,
    "gamma": _gamma_keys,
    "neutrino": _neutrino_keys,
    "r0": _r0_keys,
    "delta": _delta_keys,
    "joint": _joint_keys,
}
