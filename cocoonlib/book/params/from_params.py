"""From the book's parameters to the physics: the one place where a chapter's parameter dict (validated by
:func:`cocoonlib.book.params.validate`, names of :data:`cocoonlib.book.params.PARAMETERS`) is turned into the keyword
arguments of cocoonlib's physics. The physics modules below the book layer never see the dict.

Cocoons and sky: :func:`cocoon_disk`, :func:`injection_spectra`, :func:`grammage`, :func:`cocoons`, :func:`local_cr`,
:func:`halo`, :func:`transport_halo`, :func:`sky_windows`, :func:`mask_factors`, :func:`gamma_sky`. The sources' normalisation:
:func:`bc_refit`, :func:`fitted_transport`, :func:`resolve_sources`, :func:`source_density_factors`,
:func:`sources_text`. B/C: :func:`network`,
:func:`bc_model`, :func:`cno_bc_model`, :func:`bc_fit`, :func:`bc_fit_variants`, :func:`compare_bc_networks`.
Bands and the joint fit: :func:`chi0_band_fit`, :func:`sea_shape_change`, :func:`sea_change_of_fit`,
:func:`dge_change_with_D0`, :func:`cocoon_productions`, :func:`joint_skies`, :func:`joint_region_terms`,
:func:`joint_likelihood`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from cocoonlib.book.params import HALO_PARAMETERS, PARAMETERS, RESOLVED_SOURCES, ParameterError, affecting
from cocoonlib.book.params.saved_fit import load_fit, resolve_chi0
from cocoonlib.core.units import PEV_GEV, TEV_GEV
from cocoonlib.io import regions
from cocoonlib.io.cosmic_ray_data import bc_fit_data
from cocoonlib.sky import gamma as _gamma
from cocoonlib.sky import inverse_compton as _ic
from cocoonlib.sky import leptons as _leptons
from cocoonlib.sky import masks as _masks
from cocoonlib.sky import source_normalisation as _sources
from cocoonlib.sky.gas import GAS_MODELS
from cocoonlib.source.cocoon_disk import CocoonDisk
from cocoonlib.source.grammage import Grammage
from cocoonlib.source.injection import injection_spectra as _injection_spectra
from cocoonlib.stats import bands as _bands
from cocoonlib.stats import joint as _joint
from cocoonlib.stats.bc_fit import BCFit, fit_bc
from cocoonlib.transport import transport2d as _transport2d
from cocoonlib.transport.bc import BCModel, bc_from_basis, source_abundances
from cocoonlib.transport.nuclear import NETWORK
from cocoonlib.transport.slab import Halo, SlabNetwork

Params = Mapping[str, Any]

#: the book's parameters that change the emissivity of one cocoon (GammaSky.with_cocoons may change them): those
#: declared with affects "cocoon_emissivity" (cocoonlib.book.params)
COCOON_SHAPE_PARAMETERS = affecting("cocoon_emissivity")


def with_defaults(P: Params | None = None, **changes) -> dict:
    """The defaults of every parameter (:data:`cocoonlib.book.params.PARAMETERS`, the one place they are written),
    overridden by ``P`` and then by ``changes``: what the adapters below take when called without a chapter's
    parameters (tests, scripts)."""
    return {**{n: p.default for n, p in PARAMETERS.items()}, **(P or {}), **changes}


# --- cocoons ---------------------------------------------------------------------------------------
def cocoon_disk(P: Params | None = None, **changes) -> CocoonDisk:
    """The cocoon birth-rate density of the parameters (R_SN, alpha, beta, R_sun, R_disk, z_profile, z0, h_disk;
    the defaults where ``P`` is None, :func:`with_defaults`)."""
    P = with_defaults(P, **changes) if P is None or changes else P
    return CocoonDisk(**{k: P[k] for k in CocoonDisk.__dataclass_fields__})


def injection_spectra(P: Params) -> dict:
    """The H and He spectra of one source (eps_p, gamma_p, eps_He, gamma_He, E_SN [erg], E_max [PeV])."""
    return _injection_spectra(
        eps_p=P["eps_p"],
        gamma_p=P["gamma_p"],
        eps_He=P["eps_He"],
        gamma_He=P["gamma_He"],
        E_SN_erg=P["E_SN"],
        E_max_GeV=P["E_max"] * PEV_GEV,
    )


def grammage(P: Params, chi0: float | None = None) -> Grammage:
    """chi_c(R) of the parameters (grammage_model, chi0 unless given, R0 [TV], delta, R_cut [TV])."""
    return Grammage(
        P["grammage_model"], P["chi0"] if chi0 is None else chi0, P["R0"], P["delta"], P.get("R_cut", np.inf)
    )


def cocoons(P: Params, chi0: float | None = None) -> _gamma.CocoonModel:
    """The cocoon model of the parameters (injection, grammage, production_model, ism_composition)."""
    return _gamma.CocoonModel(injection_spectra(P), grammage(P, chi0), P["production_model"], P["ism_composition"])


def changed_cocoons(P: Params, **changes) -> _gamma.CocoonModel:
    """The cocoon model of the parameters ``P`` with ``changes`` of parameters in :data:`COCOON_SHAPE_PARAMETERS`,
    each checked like a chapter parameter (:meth:`cocoonlib.sky.gamma.GammaSky.with_cocoons` calls it with the
    parameters of its sky, so that changes made one after the other add up)."""
    for name, value in changes.items():
        if name not in COCOON_SHAPE_PARAMETERS:
            raise ParameterError(
                f"{name!r} cannot be changed by with_cocoons: allowed are {', '.join(COCOON_SHAPE_PARAMETERS)}"
            )
        changes[name] = PARAMETERS[name].check(value)
    return cocoons({**P, **changes})


# --- the sea and the sky -----------------------------------------------------------------------------
def local_cr(P: Params) -> _gamma.LocalCR:
    """The local H and He spectra fitted with the parameters (R_min_local [GV], phi [GV], R_rehardening [TV]); the
    same object for the same values within a process (the fits read only the registered data, whose hashes are
    checked)."""
    return _local_cr(float(P["R_min_local"]), float(P["phi"]), float(P["R_rehardening"]))


@lru_cache(maxsize=8)
def _local_cr(R_min_local: float, phi: float, R_rehardening: float) -> _gamma.LocalCR:
    return _gamma.local_cr_model(R_min_GV=R_min_local, phi_GV=phi, R_rehardening_GV=R_rehardening * TEV_GEV)


def halo(P: Params | None = None, **changes) -> Halo:
    """The disk-halo transport of the parameters (D0, delta_gal, ddelta, s_break, R_b, H_halo, v_A, mu_disk, f_He;
    the defaults where ``P`` is None, :func:`with_defaults`)."""
    P = with_defaults(P, **changes) if P is None or changes else P
    return Halo(
        D0=P["D0"],
        delta=P["delta_gal"],
        ddelta=P["ddelta"],
        s=P["s_break"],
        R_b=P["R_b"],
        H=P["H_halo"],
        v_A=P["v_A"],
        mu=P["mu_disk"],
        f_He=P["f_He"],
    )


#: the book's name of each field of :class:`cocoonlib.transport.slab.Halo`
HALO_PARAMETER_NAMES = {
    "D0": "D0",
    "delta": "delta_gal",
    "ddelta": "ddelta",
    "s": "s_break",
    "R_b": "R_b",
    "H": "H_halo",
    "v_A": "v_A",
    "mu": "mu_disk",
    "f_He": "f_He",
}


def halo_parameters(h: Halo) -> dict[str, float]:
    """The book's parameters of a :class:`~cocoonlib.transport.slab.Halo` (the inverse of :func:`halo`)."""
    return {name: float(getattr(h, f)) for f, name in HALO_PARAMETER_NAMES.items()}


def transport_halo(P: Params) -> Halo:
    """Chapter 2's transport as the sea uses it: the chapter's own (``transport_source`` = 'parameter') or that of
    the B/C fit saved by chapter 2 ('fit': its best-fit D0 and delta, and the halo it was made with)."""
    if P.get("transport_source", "parameter") == "parameter":
        return halo(P)
    fit = load_fit()
    h = halo({**P, **fit.settings.get("halo", {})})  # older fit files: the chapter's halo
    return h.with_(**{k: v for k, v in fit.best.items() if k in ("D0", "delta")})


def transport_solutions(P: Params, disk: CocoonDisk | None = None) -> dict:
    """{species: GalacticSea} of the parameters (:func:`cocoonlib.sky.gamma.transport_solutions`)."""
    return _gamma.transport_solutions(
        disk=cocoon_disk(P) if disk is None else disk,
        spectra=injection_spectra(P),
        halo=transport_halo(P),
        R_gal_kpc=P["R_gal"],
        grid_scale=P.get("grid_scale", 1),
    )


def transport_sea(P: Params, solutions: dict, disk: CocoonDisk | None = None):
    """The tabulated transport sea of the parameters (:func:`cocoonlib.sky.gamma.transport_sea`)."""
    return _gamma.transport_sea(
        solutions,
        disk=cocoon_disk(P) if disk is None else disk,
        spectra=injection_spectra(P),
        halo=transport_halo(P),
        R_gal_kpc=P["R_gal"],
        grid_scale=P.get("grid_scale", 1),
    )


#: the LHAASO windows: the regions of data/sky_regions.csv measured by this experiment get the catalog masks
CATALOG_MASKED_EXPERIMENT = "LHAASO-KM2A"


def _given(P: Params, name: str):
    """``P[name]``, or the parameter's default where the chapter does not declare it."""
    return P.get(name, PARAMETERS[name].default)


def catalog_masked(P: Params, name: str) -> bool:
    """Whether region ``name`` is averaged over the sky outside the 1LHAASO masks (``window_mask`` = 'catalog' and a
    LHAASO window)."""
    return _given(P, "window_mask") == "catalog" and CATALOG_MASKED_EXPERIMENT in regions.region(name).experiments


def sky_windows(P: Params, names) -> dict:
    """{region: SkyWindow} of the regions ``names``, the LHAASO windows with the catalog masks of
    :mod:`cocoonlib.sky.masks` where :func:`catalog_masked`."""
    out = {}
    for name in names:
        window = regions.sky_window(name)
        if catalog_masked(P, name):
            window = _masks.masked_window(
                window, _given(P, "mask_detector"), _given(P, "mask_radius_factor"), _given(P, "mask_psf_deg")
            )
        out[name] = window
    return out


def mask_factors(P: Params, names) -> dict[str, float]:
    """{region: factor on every model curve} of the regions ``names``: the value of the region's mask parameter in
    ``P``, its default where ``P`` lacks it (a chapter need not declare every region's), 1 for a region without
    and for a window masked by the catalog (:func:`catalog_masked`)."""
    out = {}
    for name in names:
        param = regions.region(name).mask_parameter
        if param and param not in PARAMETERS:
            raise ValueError(f"region {name!r}: mask_parameter {param!r} is not a parameter of cocoonlib.book.params")
        out[name] = 1.0 if not param or catalog_masked(P, name) else float(_given(P, param))
    return out


@lru_cache(maxsize=4)
def electron_fit(E_min_GeV: float = _leptons.E_MIN_FIT_GEV) -> _leptons.ElectronFit:
    """The local e+ + e- spectrum (:func:`cocoonlib.sky.leptons.fit_electrons`), fitted once per process."""
    return _leptons.fit_electrons(E_min_GeV)


def ic_inputs(P: Params, E_GeV) -> _gamma.ICInputs | None:
    """The inverse Compton part of the DGE on the energies ``E_GeV`` (None with ``dge_ic`` = 'off'): the local
    electrons on the local ISRF, carried across the Galaxy with the cocoon disk's radial profile and the scale
    heights ``ic_electron_height_kpc``, ``isrf_height_kpc``."""
    if _given(P, "dge_ic") != "on":
        return None
    isrf = _ic.local_isrf()
    field = _ic.ICField(
        cocoon_disk(P),
        tuple(c.follows_stars for c in isrf),
        float(_given(P, "ic_electron_height_kpc")),
        float(_given(P, "isrf_height_kpc")),
    )
    return _gamma.ICInputs(_ic.isrf_emissivities(E_GeV, electron_fit().spectrum, isrf), field)


def gamma_sky(
    P: Params,
    E_GeV=None,
    gas_models=None,
    secondary: str = "gamma",
    window_names=_gamma.GAMMA_WINDOWS,
    compare_seas: bool = False,
) -> _gamma.GammaSky:
    """Everything the gamma-ray chapter plots, from a validated parameter dict of chapter ``gamma`` (or of a chapter
    with the same cocoon and sea parameters): :func:`cocoonlib.sky.gamma.build_sky` with chi0 resolved
    (``chi0_source``), the regions ``window_names`` of ``data/sky_regions.csv`` and their mask factors.

    ``E_GeV`` defaults to :func:`cocoonlib.sky.gamma.sky_energies` refined by ``grid_scale``. With ``secondary =
    "nu_all"`` (and e.g. ``window_names = ("allsky",)``) the same sky in neutrinos of all flavours at production."""
    grid_scale = P.get("grid_scale", 1)
    E = _gamma.sky_energies(grid_scale, window_names) if E_GeV is None else np.asarray(E_GeV, dtype=float)
    chi0 = resolve_chi0(P["chi0"], P["chi0_source"])
    sky = _gamma.build_sky(
        E=E,
        windows=sky_windows(P, window_names),
        masks=mask_factors(P, window_names),
        disk=cocoon_disk(P),
        local=local_cr(P),
        cocoons=cocoons(P, chi0),
        halo=transport_halo(P),
        R_gal_kpc=P["R_gal"],
        gas_models=tuple(gas_models or GAS_MODELS),
        default_gas=P["gas_model"],
        dge_model=P["dge_production_model"],
        sea=P["cr_sea"],
        f_He=P["f_He"],
        R_sun_kpc=P["R_sun"],
        cmb_absorption=P.get("cmb_absorption", "on") == "on",
        secondary=secondary,
        grid_scale=grid_scale,
        compare_seas=compare_seas,
        ic=ic_inputs(P, E) if secondary == "gamma" else None,
    )
    params = {**P, "chi0": chi0}
    sky.params, sky.cocoon_factory = params, changed_cocoons
    return with_knees(sky, P)


def with_knees(sky: _gamma.GammaSky, P: Params) -> _gamma.GammaSky:
    """The sky with the knee variants of ``P['dge_knee']`` ('both': the sky as it is)."""
    from dataclasses import replace

    choice = P.get("dge_knee", "both")
    return sky if choice == "both" else replace(sky, knees=(choice,))


# --- B/C -------------------------------------------------------------------------------------------
#: ``free_transport`` parameter -> the halo parameters fitted with chi0.
FREE_TRANSPORT = {"D0": ("D0",), "D0+delta": ("D0", "delta"), "none": ()}


#: energy nodes per decade of the B/C network (assumed: with the second-order slab step, 20 per decade
#: changes no key number of chapter 2 by more than 0.1 % when doubled; ``grid_scale`` multiplies it)
ENERGY_PER_DECADE = 20


#: the parameters the B/C network (cross sections on the energy grid) depends on
NETWORK_PARAMETERS = affecting("bc_network")


def bc_network(P: dict, nuclei=None) -> SlabNetwork:
    """The B/C network of a validated parameter dict (built once, then solved many times): every nucleus the
    cross-section tables cover, or ``nuclei`` (:data:`cocoonlib.transport.nuclear.NETWORK`: the C-N-O network)."""
    return SlabNetwork(
        P["xsec_fragmentation"],
        P["xsec_inelastic"],
        P["f_He"],
        P["gamma_nuclei"],
        per_decade=ENERGY_PER_DECADE * P.get("grid_scale", 1),
        nuclei=nuclei,
    )


#: the parameters the source abundances depend on, besides the network's
ABUNDANCE_PARAMETERS = affecting("bc_abundances")


def bc_model(P: dict, abundances: dict | None = None, network: SlabNetwork | None = None) -> BCModel:
    """The B/C model of a validated parameter dict: the network of every nucleus the tables cover (built
    unless one made from the same :data:`NETWORK_PARAMETERS` is given), with the source abundances of
    ``P['source_abundances']`` (:func:`source_abundances`, computed at the parameters' transport) unless given."""
    net = bc_network(P) if network is None else network
    model = BCModel(net, halo(P), P["phi"], {}, P["grammage_model"], P["R0"], P["delta"], P.get("R_cut", np.inf))
    if abundances is None:
        abundances = source_abundances(P.get("source_abundances", "fit"), model)
    return model.with_abundances(abundances)


def cno_bc_model(P: dict, network: SlabNetwork | None = None) -> BCModel:
    """The B/C model of the first edition of chapter 2: the C-N-O network (:data:`cocoonlib.transport.nuclear.NETWORK`)
    with the source abundances y_N, y_O of the parameters (for comparison)."""
    net = bc_network(P, NETWORK) if network is None else network
    return bc_model(P, {"C": 1.0, "N": P["y_N"], "O": P["y_O"]}, net)


def bc_fit(
    P: dict, model: BCModel | None = None, n_profile: int | None = None, two_sigma: bool = True
) -> tuple[BCModel, pd.DataFrame, BCFit]:
    """Model, data and fit for a validated parameter dict (the chapter's defaults unless changed)."""
    model = bc_model(P) if model is None else model
    data = bc_fit_data(P["ams02_table"], P["T_min_fit"])
    extra = {} if n_profile is None else {"n_profile": n_profile}
    fit = fit_bc(model, data, FREE_TRANSPORT[P["free_transport"]], P["chi0_scan_max"], two_sigma=two_sigma, **extra)
    fit.settings = {
        k: P[k]
        for k in (
            "xsec_fragmentation",
            "xsec_inelastic",
            "ams02_table",
            "T_min_fit",
            "free_transport",
            "grammage_model",
            "R0",
            "delta",
            "R_cut",
            "phi",
            "y_N",
            "y_O",
            "source_abundances",
        )
        if k in P
    }
    # the transport the fit was made with, by parameter name, best-fit values in place (read by transport_source = fit)
    fit.settings["halo"] = {k: P[k] for k in (*HALO_PARAMETERS, "f_He")} | {
        name: fit.best[p] for p, name in (("D0", "D0"), ("delta", "delta_gal")) if p in fit.best
    }
    fit.settings["nuclei"] = len(model.network.order)
    fit.settings["abundances"] = {k: float(v) for k, v in model.abundances.items()}
    return model, data, fit


def bc_variant_row(fit: BCFit, P: dict) -> dict:
    """One row of :func:`bc_fit_variants` from a fit and the parameters it was made with."""
    return {
        "chi0": fit.chi0,
        "chi0_lo": fit.chi0_interval_1sigma[0],
        "chi0_hi": fit.chi0_interval_1sigma[1],
        "chi2": fit.chi2,
        "ndof": fit.ndof,
        "D0": fit.best.get("D0", P["D0"]),
        "delta_gal": fit.best.get("delta", P["delta_gal"]),
        "delta_chi2_no_cocoon": fit.delta_chi2_no_cocoon,
    }


def bc_fit_variants(
    P: dict, variants: dict[str, dict], model: BCModel | None = None, variant_models: dict[str, BCModel] | None = None
) -> pd.DataFrame:
    """Refit B/C for each ``label -> {parameter: value}`` change of ``P``; one row per variant.

    Columns: chi0, chi0_lo, chi0_hi (1 sigma), chi2, ndof, D0, delta_gal, delta_chi2_no_cocoon.
    Only the best fit, the 1 sigma interval and the fit without cocoons are made (no profile grid, no
    2 sigma interval). Variants that keep the :data:`NETWORK_PARAMETERS` share one network (``model``'s, if
    given for ``P``), and its source abundances if they keep the :data:`ABUNDANCE_PARAMETERS` too; a
    variant that changes a cross-section table gets its own network and recalibrated abundances, unless
    ``variant_models[label]`` gives them (a model made by :func:`model_from_params` for that variant).
    """
    rows, models = {}, {}
    if model is not None:
        models[tuple(P.get(k) for k in NETWORK_PARAMETERS + ABUNDANCE_PARAMETERS)] = model
    for label, changes in variants.items():
        Q = {**P, **changes}
        key = tuple(Q.get(k) for k in NETWORK_PARAMETERS + ABUNDANCE_PARAMETERS)
        if variant_models and label in variant_models:
            models.setdefault(key, variant_models[label])
        if key not in models:
            same_net = next(
                (
                    m.network
                    for k, m in models.items()
                    if k[: len(NETWORK_PARAMETERS)] == key[: len(NETWORK_PARAMETERS)]
                ),
                None,
            )
            models[key] = bc_model(Q, network=same_net)
        base = models[key]
        m = bc_model(Q, base.abundances, base.network)
        _, _, f = bc_fit(Q, m, n_profile=0, two_sigma=False)
        rows[label] = bc_variant_row(f, Q)
    return pd.DataFrame.from_dict(rows, orient="index")


def compare_bc_networks(P: dict, model: BCModel, fit: BCFit, energies=(10.0, 100.0, 1000.0)) -> pd.DataFrame:
    """What the network of every nucleus changes against the C-N-O network of the first edition.

    Columns: ``C-N-O network`` (:func:`cno_model_from_params`), ``cocoon term on secondaries only`` (this
    network, the cocoon source term given only to nuclei that are not injected themselves) and ``this
    chapter`` (``model`` and its ``fit``). Rows: the number of nuclei; B/C at ``energies`` [GeV/n] at the
    transport parameters of ``P`` for chi0 = 0 and 0.4 g cm^-2; the fit (chi0 with its 1 sigma interval,
    chi^2, D0 or delta when fitted, Delta chi^2 without cocoons). The first two columns are fitted without
    the profile and the 2 sigma interval.
    """
    cno = cno_bc_model(P)
    secondaries = BCModel(
        model.network,
        model.halo,
        model.phi,
        model.abundances,
        model.grammage_model,
        model.R0,
        model.delta_c,
        model.R_cut,
        cocoon_daughters="secondaries",
    )
    cols = {}
    for label, m in (("C-N-O network", cno), ("cocoon term on secondaries only", secondaries), ("this chapter", model)):
        f = fit if m is model else bc_fit(P, m, n_profile=0, two_sigma=False)[2]
        col = {"nuclei": len(m.network.order)}
        basis = m.bc_basis(np.asarray(energies))
        for c0 in (0.0, 0.4):
            for E, v in zip(energies, bc_from_basis(basis, c0)["total"]):
                col[f"B/C at {E:g} GeV/n, chi0 = {c0:g}"] = float(v)
        col.update(
            {
                "chi0": f.chi0,
                "chi0 1 sigma low": f.chi0_interval_1sigma[0],
                "chi0 1 sigma high": f.chi0_interval_1sigma[1],
                "chi2": f.chi2,
                **{f"{p} (fitted)": f.best[p] for p in f.free if p != "chi0"},
                "Delta chi2 without cocoons": f.delta_chi2_no_cocoon,
            }
        )
        cols[label] = col
    return pd.DataFrame(cols)


# --- the sources' normalisation ---------------------------------------------------------------------
def bc_refit(P: Params) -> BCFit:
    """B/C fitted here with chapter 2's parameters, those the chapter shares with it taken from ``P`` (grammage model,
    R0, delta, transport start values, free_transport, f_He, phi, cross sections, grid_scale; chapter 2's defaults
    for the others), profile intervals by Minos, no profile grid.

    One fit per set of those parameters for every chapter and kernel: kept in the array cache under them and
    :func:`cocoonlib.io.array_cache.code_and_data` (:func:`cocoonlib.io.array_cache.cached_result`), so a change of
    any of them fits again."""
    from cocoonlib.book.params import validate
    from cocoonlib.io.array_cache import cached_result
    from cocoonlib.stats.bc_fit import fit_from_json, fit_to_json

    names = affecting("bc")  # chapter 2's parameters
    P_bc = validate({k: P[k] for k in names if k in P}, names)
    raw, _ = cached_result("bc_refit", P_bc, lambda: fit_to_json(bc_fit(P_bc, n_profile=0)[2]))
    return fit_from_json(raw)


def fitted_transport(P: Params, fit: BCFit | None = None) -> dict[str, float]:
    """The transport chapter 2 fits to B/C for the parameters ``P``, as parameters (D0, delta_gal, ..., f_He): that of
    the fit it saved if ``transport_source`` is 'fit', otherwise of ``fit`` or :func:`bc_refit` (its best D0, and
    delta when freed, in ``P``'s halo). ParameterError (one line) if that fit did not converge."""
    if P.get("transport_source") == "fit":
        return halo_parameters(transport_halo(P))
    fit = bc_refit(P) if fit is None else fit
    if not fit.valid or any(not p.startswith("chi0") for p in fit.at_limit):
        why = "; ".join(fit.at_limit) or "Migrad's minimum is not valid"
        raise ParameterError(
            f"source_normalisation = 'sea' is not allowed with this transport: the B/C fit that sets it did not "
            f"converge ({why}); use source_normalisation = 'letter' or other transport parameters"
        )
    h = halo(with_defaults(P)).with_(**{k: v for k, v in fit.best.items() if k in ("D0", "delta")})
    return halo_parameters(h)


def check_sources(P: Params) -> None:
    """Raise ParameterError (one line) if ``source_normalisation`` is 'sea' and the transport it takes from B/C cannot
    be had (:func:`fitted_transport`: the fit does not converge or a transport parameter ends at its limit): what
    ``cocoon run`` checks before a chapter starts (the fit takes about a second)."""
    if P.get("source_normalisation", "letter") == "sea":
        fitted_transport(P)


def resolve_sources(P: Params, fit: BCFit | None = None, local: _gamma.LocalCR | None = None) -> dict:
    """The parameters with the cocoons' sources as ``source_normalisation`` says (Methods, methods-source-normalisation).

    'letter': ``P`` itself (eps_p, eps_He as given). 'sea': ``P`` with the transport chapter 2 fits to B/C
    (:func:`fitted_transport`, ``transport_source`` then 'parameter') and eps_p, eps_He for which the cocoons, as the
    sources of the 2D transport model at that transport, make the local fits of H and He over R_sea_min-R_sea_max
    (:func:`cocoonlib.sky.source_normalisation.sea_efficiencies`); what was set, from what, and the residual of the
    match are recorded under :data:`~cocoonlib.book.params.RESOLVED_SOURCES`. Parameters ``P`` lacks (a chapter
    without a transport) take their defaults. Resolving twice changes nothing. ``fit`` and ``local``: the B/C refit
    and the local spectra, if already made for ``P``."""
    if P.get("source_normalisation", "letter") == "letter" or RESOLVED_SOURCES in P:
        return dict(P)
    full = with_defaults(P)
    transport = fitted_transport(full, fit)
    Q = {**full, **transport, "transport_source": "parameter"}
    local = local_cr(Q) if local is None else local
    eff = _sources.sea_efficiencies(
        transport_solutions(Q),
        injection_spectra(Q),
        {sp: f.shape for sp, f in local.direct.items()},
        Q["R_sea_min"],
        Q["R_sea_max"],
    )
    changes = {**transport, "transport_source": "parameter", "eps_p": eff["H"].eps, "eps_He": eff["He"].eps}
    record = {
        "normalisation": "sea",
        "transport": "chapter 2's saved fit" if full.get("transport_source") == "fit" else "B/C refitted here",
        "set": {k: full[k] for k, v in changes.items() if full[k] != v},
        "R_sea_min_GV": Q["R_sea_min"],
        "R_sea_max_GV": Q["R_sea_max"],
        **{f"rms_log_residual_{sp}": e.rms_log_residual for sp, e in eff.items()},
        **{f"max_log_residual_{sp}": e.max_log_residual for sp, e in eff.items()},
    }
    return {**P, **changes, RESOLVED_SOURCES: record}


def refit_injection_slopes(P: Params, local: _gamma.LocalCR | None = None) -> dict[str, float]:
    """{"gamma_p": ..., "gamma_He": ...}: the injection slopes with which the 2D transport model at ``P``'s transport
    gives the shape of the local H and He fits over R_sea_min-R_sea_max
    (:func:`cocoonlib.sky.source_normalisation.fit_injection_slope`): what a change of the Galactic slope delta_gal
    asks of the sources for the primaries to stay as measured."""
    from dataclasses import replace

    full = with_defaults(P)
    local = local_cr(full) if local is None else local
    disk, h, spectra = cocoon_disk(full), transport_halo(full), injection_spectra(full)
    out = {}
    for sp, name in (("H", "gamma_p"), ("He", "gamma_He")):

        def solve(g, sp=sp):
            return _transport2d.solve_sea(sp, replace(spectra[sp], gamma=g), disk, h, full["R_gal"])

        out[name] = _sources.fit_injection_slope(
            solve, local.direct[sp].shape, spectra[sp].gamma, full["R_sea_min"], full["R_sea_max"]
        )[0]
    return out


def sources_text(P: Params) -> str:
    """What efficiencies and transport the resolved parameters ``P`` give the cocoons, in words for a chapter's
    prose."""
    eps = f"eps_p = {P['eps_p']:.3g}, eps_He = {P['eps_He']:.3g}"
    if P.get("source_normalisation", "letter") == "letter":
        return f"source_normalisation = 'letter': {eps} as given (the letter's choice)"
    return (
        f"source_normalisation = 'sea': {eps}, the efficiencies with which the cocoons make the local protons and "
        f"helium at the transport B/C fits (D0 = {P['D0']:.3g})"
    )


def source_density_factors(P: Params, local: _gamma.LocalCR | None = None) -> dict:
    """{species: :class:`cocoonlib.sky.source_normalisation.SourceDensityFactors`} at the transport of ``P`` (resolved
    parameters: for 'sea', the fitted one) over R_sea_min-R_sea_max: why the sea's efficiencies differ from the
    letter's."""
    full = with_defaults(P)
    local = local_cr(full) if local is None else local
    solutions, spectra = transport_solutions(full), injection_spectra(full)
    disk, h = cocoon_disk(full), transport_halo(full)
    return {
        sp: _sources.source_density_factors(
            solutions[sp], spectra[sp], local.direct[sp].shape, disk, h, full["R_sea_min"], full["R_sea_max"]
        )
        for sp in ("H", "He")
    }


# --- bands of chi0 and the joint fit ---------------------------------------------------------------
def chi0_band_fit(P: Params) -> BCFit | None:
    """The B/C fit whose chi0 interval a chapter draws, by its parameter ``chi0_band``: ``'refit'`` fits B/C here
    with chapter 2's parameters, those the chapter shares with it taken from ``P`` (grammage model, R0, delta,
    transport start values, f_He, phi, grid_scale), profile intervals by Minos; ``'fit'`` reads chapter 2's saved
    fit (:func:`cocoonlib.book.params.saved_fit.load_fit`); ``'none'`` gives None."""
    choice = P.get("chi0_band", "refit")
    if choice == "none":
        return None
    if choice == "fit":
        return load_fit()
    if choice == "refit":
        return bc_refit(P)
    raise ValueError(f"chi0_band = {choice!r} is not allowed: expected one of 'refit', 'fit', 'none'")


def sea_shape_change(P: Params, D0_values, reference_D0: float | None = None, **where) -> pd.DataFrame:
    """:func:`cocoonlib.stats.bands.sea_density_change` when D0 changes from ``reference_D0`` (default ``P['D0']``)
    to each of ``D0_values`` [1e28 cm^2 s^-1], the other transport parameters those of ``P`` (a parameter dict of
    chapter ``gamma``; ``transport_source`` taken as 'parameter'). Rows: D0; columns: H, He. ``where``: the
    ``r_kpc``, ``z_kpc``, ``rigidity_GV``, ``floor`` of the comparison."""
    base = {**P, "transport_source": "parameter"}
    ref = base["D0"] if reference_D0 is None else reference_D0
    reference = transport_solutions({**base, "D0": float(ref)})
    rows = {
        float(d): _bands.sea_density_change(reference, transport_solutions({**base, "D0": float(d)}), **where)
        for d in np.atleast_1d(D0_values)
    }
    out = pd.DataFrame(rows).T
    out.index.name = f"D0 (reference {ref:.4g})"
    return out


def sea_change_of_fit(P: Params, fit: BCFit, n_sigma: float = 1.0) -> pd.DataFrame:
    """:func:`sea_shape_change` for D0 at the ``n_sigma`` ends of a B/C fit's Hesse error, around its best D0, with
    the transport it was made with (``fit.settings['halo']``) and the rest of the sea from ``P``."""
    if "D0" not in fit.best:
        raise ValueError("this B/C fit did not free D0 (free_transport = 'none'): D0 does not move with chi0")
    D0, err = fit.best["D0"], fit.errors["D0"]
    base = {**P, **fit.settings.get("halo", {})}
    return sea_shape_change(base, [D0 - n_sigma * err, D0 + n_sigma * err], reference_D0=D0)


def dge_change_with_D0(
    P: Params, D0_values, windows, energies_GeV=(1.0e3, 1.0e4), reference_D0: float | None = None
) -> pd.DataFrame:
    """DGE(D0) / DGE(reference D0) - 1 (band centre, the chapter's gas model and sea) in each window at each energy,
    for each of ``D0_values``: rows (D0, window), one column per energy. A new sky per D0 (the sea's columns are
    computed again unless cached: seconds per window)."""
    base = {"chi0_source": "parameter", **P, "transport_source": "parameter"}  # chi0 plays no role in the DGE
    ref = base["D0"] if reference_D0 is None else reference_D0
    windows = tuple(windows)

    def centre(d):
        sky = gamma_sky({**base, "D0": float(d)}, gas_models=(base["gas_model"],), window_names=windows)
        return {w: [sky.at(0.5 * sum(sky.dge_band(w)), E) for E in energies_GeV] for w in windows}

    c0 = centre(ref)
    rows = {}
    for d in np.atleast_1d(D0_values):
        c = centre(d)
        for w in windows:
            rows[float(d), w] = {f"{E / 1e3:g} TeV": c[w][i] / c0[w][i] - 1.0 for i, E in enumerate(energies_GeV)}
    out = pd.DataFrame(rows).T
    out.index.names = ["D0", "window"]
    return out


def cocoon_productions(P: Params, E, secondary: str = "gamma") -> dict:
    """{production model: Production} of the cocoons of the parameters on the energies E
    (:func:`cocoonlib.sky.gamma.cocoon_productions`: ``ism_composition``, ``grid_scale``)."""
    return _gamma.cocoon_productions(
        E=E, secondary=secondary, ism=P["ism_composition"], grid_scale=P.get("grid_scale", 1)
    )


#: the skies of the joint fit's regions, built as chapter 3 builds them (the LHAASO windows; the other
#: measurements' regions), so that a book build finds their columns in the cache
JOINT_SKY_WINDOWS = (("inner", "outer"), ("tibet_25l100", "tibet_50l200", "hawc_43l73", "fermi_inner_galaxy"))


def joint_skies(P: Params, neutrinos: bool = False) -> dict:
    """{region: GammaSky} for :data:`cocoonlib.stats.joint.REGIONS` (and ``NU_REGION``, the neutrino sky of chapter
    4, if ``neutrinos``), with the parameters of chapter ``joint`` (chi0 from P, the sea from P's transport)."""
    Q = {**P, "chi0_source": "parameter", "transport_source": "parameter"}
    out = {}
    for windows in JOINT_SKY_WINDOWS:
        sky = gamma_sky(Q, window_names=windows)
        out.update({w: sky for w in windows if w in _joint.REGIONS})
    if neutrinos:
        out[_joint.NU_REGION] = gamma_sky(
            Q, _gamma.energy_grid(P["grid_scale"], 2, 6), secondary="nu_all", window_names=(_joint.NU_REGION,)
        )
    return out


def joint_region_terms(
    P: Params, skies: Mapping[str, Any], prior_scale: float = 1.0, widths: Mapping[str, float] | None = None
) -> dict:
    """:func:`cocoonlib.stats.joint.region_terms` of the skies with the cocoon production matrices of the parameters
    (``production_model``, ``ism_composition``, ``grid_scale``) on each sky's energies."""
    productions = {}
    for sky in skies.values():
        if id(sky) not in productions:
            productions[id(sky)] = cocoon_productions(P, sky.E, sky.secondary)[P["production_model"]]
    return _joint.region_terms(skies, productions, prior_scale, widths)


def joint_likelihood(
    P: Params,
    skies: Mapping[str, Any],
    bc_model_: BCModel | None = None,
    bc_data: pd.DataFrame | None = None,
    use=("bc", "gamma"),
    fit_delta_c: bool = False,
    prior_scale: float = 1.0,
    terms: Mapping[str, Any] | None = None,
) -> _joint.JointLikelihood:
    """The joint likelihood of a validated parameter dict (chapter ``joint``): chapter 2's model and data, the
    regions of ``skies`` (or the ready ``terms``), the transport parameters ``P['free_transport']`` free."""
    model = bc_model(P) if bc_model_ is None else bc_model_
    d = bc_fit_data(P["ams02_table"], P["T_min_fit"]) if bc_data is None else bc_data
    regions_ = joint_region_terms(P, skies, prior_scale) if terms is None else terms
    return _joint.JointLikelihood(
        model,
        d,
        regions_,
        spectra=injection_spectra(P),
        grammage_model=P["grammage_model"],
        chi0=P["chi0"],
        R0_TV=P["R0"],
        delta_c=P["delta"],
        R_cut_TV=P.get("R_cut", np.inf),
        free_transport=FREE_TRANSPORT[P["free_transport"]],
        use=use,
        fit_delta_c=fit_delta_c,
    )
