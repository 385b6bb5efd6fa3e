"""One likelihood for the cocoon grammage chi0 and the rigidity R0: B/C and the diffuse gamma rays together.

[AESB25] fixes chi0 from B/C alone (Sec. 3) and chooses R0 "as it gives a good match" with the gamma rays
(App. B). Here both enter one chi^2 (book, Methods: the joint likelihood (methods-joint)):

    chi^2 = chi^2_B/C(chi0, R0, transport)
            + sum_r { sum_j pull_j^2[ a_r (DGE_r^min + k (DGE_r^max - DGE_r^min)) + chi0 U_r(R0) ]
                      + ((a_r - 1) / sigma_r)^2 }

* chi^2_B/C is chapter 2's (:func:`cocoonlib.stats.bc_fit.fit_bc`): the AMS-02, CALET and DAMPE points above ``T_min_fit``,
  the network with the cocoon term of grammage chi_c(R; chi0, R0), the transport parameters of ``free_transport``
  free;
* r runs over the sky regions of the gamma-ray measurements (:data:`REGIONS`); the pulls are those of chapter 3
  (:func:`cocoonlib.stats.compare.chi2_against`: the upper error where the model lies above a point, the lower one
  below). The model is chapter 3's sky: the DGE between its two knee variants (``k``, one number for all regions:
  the knee belongs to the local spectrum) times a normalisation ``a_r`` per region, plus the cocoons, chi0 times
  their flux per unit chi0 U_r(R0). ``a_r`` carries a Gaussian prior of width sigma_r, the spread of the DGE over
  the three gas models in that region (:func:`prior_widths`);
* a published fit with errors on its normalisation (HAWC's power law, IceCube's pi0 template) is one pull: the
  model divided by the published curve, averaged over the fitted energies, against 1 with the fit's relative
  errors (:func:`band_observable`).

Everything but B/C is linear in chi0 and in the a_r, and only the cocoon emissivity depends on R0 (a weighted sum
of cross-section matrices built once, :class:`JointLikelihood`), so one evaluation costs about a network solution
(B/C, ~1 ms) when R0 or the transport changed and microseconds otherwise. :func:`fit_joint` minimises with
Migrad and gives profile (Minos) intervals; :func:`profile_grid` tabulates the chi^2 profiled over everything
but (chi0, R0), with B/C and the gamma rays separately (given chi0 and R0 they share no parameter), for the
contours; :func:`tension` compares B/C alone with the gamma rays alone.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.interpolate import CubicSpline
from scipy.special import chdtr, chdtri

from cocoonlib.core import fits, pulls
from cocoonlib.io import data
from cocoonlib.production import Production
from cocoonlib.sky import diffuse, neutrino
from cocoonlib.source.grammage import grammage
from cocoonlib.stats import bc_fit
from cocoonlib.transport import bc

__all__ = [
    "grid_crossings",
    "REGIONS",
    "POINT_REGIONS",
    "HAWC_REGION",
    "NU_REGION",
    "R0_LIMITS_TV",
    "PRIOR_ENERGY_GEV",
    "TERMS",
    "Observable",
    "RegionTerm",
    "point_observables",
    "band_observable",
    "hawc_observable",
    "icecube_observable",
    "prior_widths",
    "spread_widths",
    "region_terms",
    "JointLikelihood",
    "JointFit",
    "fit_joint",
    "fit_to_json",
    "fit_from_json",
    "ProfileGrid",
    "profile_grid",
    "CONTOUR_LEVELS_2D",
    "tension",
    "goodness_of_fit",
    "spread_widths",
]

#: the regions of the gamma-ray terms: the LHAASO windows, the two Tibet AS+MD regions (ARGO-YBJ in the first),
#: HAWC's region (data/sky_regions.csv)
POINT_REGIONS = ("inner", "outer", "tibet_25l100", "tibet_50l200")
HAWC_REGION = "hawc_43l73"
REGIONS = (*POINT_REGIONS, HAWC_REGION)
#: the region of IceCube's all-sky fluxes (neutrinos, optional)
NU_REGION = "allsky"
#: energies of HAWC's fit [GeV] used for its pull (the range Eckner & Calore's use of the fit covers, as chapter 3)
HAWC_RANGE_GEV = (1.0e4, 1.0e5)
#: the range Migrad may give R0 [TV] (assumed: 1 TV leaves no cocoon photon above 100 GeV; 1e5 TV is the bound of
#: the parameter R0, beyond which chi_c is constant at every energy of the data)
R0_LIMITS_TV = (1.0, 1.0e5)
#: the range of the cocoon slope delta when fitted (the bound of the parameter delta)
DELTA_C_LIMITS = (0.05, 2.0)
#: the photon energy at which the gas-model spread of the DGE sets the prior width [GeV] (assumed: the middle of
#: the measured range, 0.4 TeV - 1 PeV; below the CMB absorption the spread changes with energy by a few per cent)
PRIOR_ENERGY_GEV = 1.0e4
#: which parts of the likelihood a fit uses
TERMS = ("bc", "gamma", "icecube")


# --- observables ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Observable:
    """One data set in one region, as linear functionals of a model curve on the sky's energy grid.

    ``rows`` (n, len(E)) turns a curve E^2 I(E) into the n model values compared with ``y`` (errors ``s_lo`` below,
    ``s_hi`` above). Points: one row per point, selecting its energy (a node of the grid). A published fit: one row,
    the mean over its energies of curve / published curve, against y = 1."""

    name: str
    region: str
    kind: str  # "points" | "band"
    E_GeV: np.ndarray
    rows: np.ndarray
    y: np.ndarray
    s_lo: np.ndarray
    s_hi: np.ndarray
    reference: str = ""
    doi: str = ""

    @property
    def n(self) -> int:
        return int(self.y.size)


def _selection(E_grid, E_points) -> np.ndarray:
    """Rows that pick the grid nodes at ``E_points``; an energy that is not a node is an error (build the sky on
    :func:`cocoonlib.sky.gamma.sky_energies` of the regions)."""
    E_grid, E_points = np.asarray(E_grid, dtype=float), np.asarray(E_points, dtype=float)
    idx = np.searchsorted(E_grid, E_points)
    idx = np.clip(idx, 0, E_grid.size - 1)
    near = np.where(
        np.abs(E_grid[np.maximum(idx - 1, 0)] / E_points - 1) < np.abs(E_grid[idx] / E_points - 1),
        np.maximum(idx - 1, 0),
        idx,
    )
    off = np.abs(E_grid[near] / E_points - 1) > 1e-9
    if off.any():
        raise ValueError(
            f"energies {E_points[off]} GeV are not nodes of the sky's grid: build the sky with "
            "gamma.sky_energies of the regions compared"
        )
    rows = np.zeros((E_points.size, E_grid.size))
    rows[np.arange(E_points.size), near] = 1.0
    return rows


def point_observables(E_grid, region: str, measurements: pd.DataFrame | None = None) -> list[Observable]:
    """The measured points of ``region`` (:func:`cocoonlib.io.data.load_diffuse_measurements`, upper limits left out),
    one :class:`Observable` per experiment."""
    d = data.load_diffuse_measurements(region) if measurements is None else measurements
    d = d[~d.upper_limit.astype(bool)]
    out = []
    for exp, g in d.groupby("experiment", sort=False):
        ref = str(g.reference.iloc[0]) if "reference" in g else ""
        doi = str(g.doi.iloc[0]) if "doi" in g else ""
        out.append(
            Observable(
                f"{exp}, {region}",
                region,
                "points",
                g.E_GeV.to_numpy(dtype=float),
                _selection(E_grid, g.E_GeV),
                g.E2_flux.to_numpy(dtype=float),
                g.E2_err_lo.to_numpy(dtype=float),
                g.E2_err_hi.to_numpy(dtype=float),
                ref,
                doi,
            )
        )
    return out


def band_observable(
    name: str,
    region: str,
    E_grid,
    E_range,
    reference_curve,
    rel_err_lo: float,
    rel_err_hi: float,
    reference: str = "",
    doi: str = "",
) -> Observable:
    """A published fit with errors on its normalisation as one pull: m = mean over the grid nodes inside
    ``E_range`` of curve(E) / reference_curve(E), against 1 with relative errors ``rel_err_lo`` (m < 1) and
    ``rel_err_hi`` (m > 1). The model's normalisation along the published shape, the one direction the fit measured."""
    E_grid = np.asarray(E_grid, dtype=float)
    inside = (E_grid >= E_range[0] * (1 - 1e-9)) & (E_grid <= E_range[1] * (1 + 1e-9))
    if inside.sum() < 2:
        raise ValueError(f"{name}: fewer than two grid energies inside {E_range} GeV")
    ref = np.asarray(reference_curve(E_grid[inside]), dtype=float)
    row = np.zeros((1, E_grid.size))
    row[0, inside] = 1.0 / (ref * inside.sum())
    return Observable(
        name,
        region,
        "band",
        E_grid[inside],
        row,
        np.ones(1),
        np.array([rel_err_lo]),
        np.array([rel_err_hi]),
        reference,
        doi,
    )


def hawc_observable(E_grid) -> Observable:
    """HAWC's power law in 43 < l < 73 deg, |b| < 4 deg (:func:`cocoonlib.io.data.load_hawc_powerlaw`) between 10 and
    100 TeV as one pull (:func:`band_observable`); errors: statistical and systematic in quadrature."""
    h = data.load_hawc_powerlaw()
    return band_observable(
        "HAWC, hawc_43l73",
        HAWC_REGION,
        E_grid,
        HAWC_RANGE_GEV,
        lambda E: data.hawc_band(E).E2_best.to_numpy(),
        h["N0_err_lo"] / h["N0"],
        h["N0_err_hi"] / h["N0"],
        h["reference"],
        h["doi"],
    )


def icecube_observable(E_grid) -> Observable:
    """IceCube's pi0 template fit (:mod:`cocoonlib.sky.neutrino`) as one pull on the all-sky per-flavour neutrino flux:
    the model over the template's best fit, averaged over the fitted range 0.8-69 TeV, against 1 with Table 1's
    relative errors. The template fixes the spatial and spectral shape; its normalisation is what IceCube measured,
    and a model with another morphology is compared only through it."""
    t = neutrino.icecube_table1().loc["pi0"]
    return band_observable(
        "IceCube pi0 template, all sky",
        NU_REGION,
        E_grid,
        neutrino.PI0_RANGE_GEV,
        neutrino.pi0_best_fit_flux,
        t.err_lo / t.best,
        t.err_hi / t.best,
        "IceCube Collaboration 2023, Science 380, 1338",
        "10.1126/science.adc9818",
    )


# --- regions --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class RegionTerm:
    """The observables of one region with the model pieces they need: the DGE at the knee variants and the cocoon
    flux per unit chi0, as model values at the observables (``factor`` turns the sky's E^2 I into the measured
    quantity: 1 for gamma rays, 4 pi / 3 for IceCube's per-flavour all-sky flux)."""

    region: str
    sky: Any  # GammaSky holding the region's window
    production: Production  # the cocoon emissivity on the sky's energies (matrices built once)
    observables: tuple
    prior_width: float
    factor: float = 1.0
    gas: str | None = None  # the gas model of the DGE (None: the sky's)

    @property
    def rows(self) -> np.ndarray:
        return np.vstack([o.rows for o in self.observables])

    @property
    def y(self) -> np.ndarray:
        return np.concatenate([o.y for o in self.observables])

    @property
    def s_lo(self) -> np.ndarray:
        return np.concatenate([o.s_lo for o in self.observables])

    @property
    def s_hi(self) -> np.ndarray:
        return np.concatenate([o.s_hi for o in self.observables])

    def slices(self) -> dict[str, slice]:
        out, i = {}, 0
        for o in self.observables:
            out[o.name] = slice(i, i + o.n)
            i += o.n
        return out

    def dge_curves(self) -> tuple[np.ndarray, np.ndarray]:
        """(knee 'min', knee 'max') DGE E^2 I on the sky's energies (its sea; gas model ``gas``; mask included); a sky
        that keeps one knee (``sky.knees``) gives that one twice, and the fit's ``knee`` then has nothing to move."""
        lo, hi = self.sky.knees[0], self.sky.knees[-1]
        return (self.sky.dge(self.region, self.gas, variant=lo), self.sky.dge(self.region, self.gas, variant=hi))

    def dge_at_observables(self) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`dge_curves` at the observables (times ``factor``)."""
        lo, hi = self.dge_curves()
        return self.factor * self.rows @ lo, self.factor * self.rows @ hi

    def cocoon_curve(self, Q_per_cocoon) -> np.ndarray:
        """E^2 I of the cocoons on the sky's energies for an emissivity Q (mask included)."""
        w = self.sky.windows[self.region]
        I = diffuse.cocoon_intensity(Q_per_cocoon, self.sky.J[self.region], w.solid_angle_sr)
        return self.sky.mask[self.region] * self.sky.E**2 * I


def prior_widths(sky, regions, E_GeV: float = PRIOR_ENERGY_GEV, gas_name: str | None = None) -> pd.DataFrame:
    """The spread of the DGE over the gas models of ``sky`` in each region, at E_GeV: one row per region with the
    DGE (band centre) of each gas model, and ``width`` = (largest - smallest) / (2 x the chapter's gas model), the
    width of the Gaussian prior of that region's normalisation (the half-range of the models, relative to the one
    the fit starts from)."""
    gas_name = gas_name or sky.default_gas
    rows = {}
    for r in regions:
        v = {g: sky.at(0.5 * sum(sky.dge_band(r, g)), E_GeV) for g in sky.gas_models}
        rows[r] = {**v, "width": (max(v.values()) - min(v.values())) / (2.0 * v[gas_name])}
    return pd.DataFrame(rows).T


def spread_widths(values: Mapping[str, Mapping[str, float]], centre: Mapping[str, float]) -> dict[str, float]:
    """{region: (largest - smallest) / (2 centre)}: the half-range of a region's DGE over a set of models
    (``values[region]``: {model: DGE}), relative to the one a fit starts from (``centre[region]``), the width of the
    Gaussian prior on its normalisation (book, Methods: the joint likelihood)."""
    return {r: (max(v.values()) - min(v.values())) / (2.0 * centre[r]) for r, v in values.items()}


# --- the likelihood -------------------------------------------------------------------------------
_HALO_NAMES = {"D0": "D0", "delta": "delta_gal"}  # Halo attribute -> name of the fitted parameter


class JointLikelihood:
    """chi^2 of B/C and the gamma-ray (and, optionally, neutrino) terms as a function of named parameters.

    Parameters: ``chi0`` [g cm^-2], ``log10_R0_TV``, ``delta_c`` (the cocoon slope, only if ``fit_delta_c``), the
    transport parameters ``free_transport`` (names of :data:`cocoonlib.transport.bc.FREE_TRANSPORT`: ``D0``, ``delta_gal``),
    ``knee`` (0: DGE 'min', 1: 'max') and ``norm_<region>`` per region. ``use`` names the terms of :data:`TERMS`.
    """

    def __init__(
        self,
        bc_model: bc.BCModel,
        bc_data: pd.DataFrame,
        regions: Mapping[str, RegionTerm],
        *,
        spectra: Mapping[str, Any],
        grammage_model: str,
        chi0: float,
        R0_TV: float,
        delta_c: float = 1.0,
        R_cut_TV: float = np.inf,
        free_transport,
        use=("bc", "gamma"),
        fit_delta_c: bool = False,
        prior_centres: Mapping[str, float] | None = None,
    ):
        bad = [t for t in use if t not in TERMS]
        if bad or not use:
            raise ValueError(f"use = {tuple(use)!r} is not allowed: expected a non-empty subset of {', '.join(TERMS)}")
        for p in free_transport:
            if p not in _HALO_NAMES:
                raise ValueError(f"free transport parameter {p!r} is not allowed: expected D0 and/or delta")
        if fit_delta_c and grammage_model not in ("advection_diffusion", "advection_diffusion_cutoff"):
            raise ValueError(
                f"fit_delta_c = True is not allowed with grammage_model = {grammage_model!r}: "
                "delta is a parameter of the advection-diffusion forms only"
            )
        self.bc_model, self.use = bc_model, tuple(use)
        self.grammage_model, self.R_cut_TV = grammage_model, R_cut_TV
        self.chi0_start, self.R0_start_TV, self.delta_c_start = chi0, R0_TV, delta_c
        d = bc_data[bc_data.used] if "used" in bc_data else bc_data
        self.bc_data = d.reset_index(drop=True)
        self.T = d.T_GeV_n.to_numpy(dtype=float)
        self.bc_y, self.bc_s = d.BC.to_numpy(dtype=float), d.sigma.to_numpy(dtype=float)
        self.free_transport = tuple(free_transport)
        self.fit_delta_c = fit_delta_c
        gamma_regions = [r for r in regions if r != NU_REGION] if "gamma" in use else []
        if "gamma" in use and not gamma_regions:
            raise ValueError("use = 'gamma' needs at least one gamma-ray region")
        if "icecube" in use and NU_REGION not in regions:
            raise ValueError(f"use = 'icecube' needs the region {NU_REGION!r} (the neutrino sky)")
        active = gamma_regions + ([NU_REGION] if "icecube" in use else [])
        self.regions = {r: regions[r] for r in active}
        self.prior_centres = {r: 1.0 for r in self.regions} | dict(prior_centres or {})
        self._spectra = dict(spectra)
        self._y = {r: t.y for r, t in self.regions.items()}
        self._lo = {r: t.s_lo for r, t in self.regions.items()}
        self._hi = {r: t.s_hi for r, t in self.regions.items()}
        self._dge = {r: t.dge_at_observables() for r, t in self.regions.items()}
        for r, (lo, hi) in self._dge.items():
            if np.any(lo <= 0) or np.any(hi <= 0):
                raise ValueError(f"region {r!r}: the DGE vanishes at an observable; the profile needs it positive")
        self._rows = {r: t.factor * t.rows for r, t in self.regions.items()}
        self._names = self._parameter_names()
        self._stack_regions()
        self._basis_cache: dict = {}
        self._cocoon_cache: dict = {}  # the emissivity per unit chi0, by (production, R0, delta)
        self._cocoon_rows_cache: dict = {}  # its flux at a region's observables, by (region, production, R0, delta)

    # --- names and limits ---
    @property
    def names(self) -> list[str]:
        return list(self._names)

    def _parameter_names(self) -> tuple[str, ...]:
        out = ["chi0", "log10_R0_TV"] + (["delta_c"] if self.fit_delta_c else [])
        if "bc" in self.use:
            out += [_HALO_NAMES[p] for p in self.free_transport]
        if self.regions:
            out += ["knee"] + [f"norm_{r}" for r in self.regions]
        return tuple(out)

    def limits(self) -> dict[str, tuple[float, float]]:
        lim = {
            "chi0": bc_fit.CHI0_LIMITS,
            "log10_R0_TV": tuple(np.log10(R0_LIMITS_TV)),
            "delta_c": DELTA_C_LIMITS,
            "D0": bc_fit.TRANSPORT_LIMITS["D0"],
            "delta_gal": bc_fit.TRANSPORT_LIMITS["delta"],
            "knee": (0.0, 1.0),
        }
        return {n: lim.get(n, (0.0, 10.0)) for n in self.names}

    def start(self) -> dict[str, float]:
        """Start values: the chapter's chi0, R0, delta and transport; the knee in the middle; each norm at its prior's
        centre."""
        s = {
            "chi0": self.chi0_start,
            "log10_R0_TV": math.log10(self.R0_start_TV),
            "delta_c": self.delta_c_start,
            "D0": self.bc_model.halo.D0,
            "delta_gal": self.bc_model.halo.delta,
            "knee": 0.5,
        }
        s |= {f"norm_{r}": self.prior_centres[r] for r in self.regions}
        return {n: s[n] for n in self.names}

    def _complete(self, values: Mapping[str, float]) -> dict[str, float]:
        unknown = [k for k in values if k not in self.names]
        if unknown:
            raise ValueError(f"unknown parameter(s) {unknown}: this likelihood has {', '.join(self.names)}")
        return {**self.start(), **values}

    # --- model pieces ---
    def _delta_c(self, v) -> float:
        return v.get("delta_c", self.delta_c_start)

    def bc_basis(self, R0: float, delta_c: float, halo: Mapping[str, float]) -> dict:
        """:meth:`cocoonlib.transport.bc.BCModel.bc_basis` at the data energies for the cocoon R0 [TV], delta and the transport
        ``halo`` ({Halo attribute: value}); kept for the fit."""
        key = (R0, delta_c, tuple(sorted(halo.items())))
        if key not in self._basis_cache:
            if len(self._basis_cache) > 4096:
                self._basis_cache.clear()
            m = self.bc_model
            model = bc.BCModel(
                m.network,
                m.halo,
                m.phi,
                m.abundances,
                self.grammage_model,
                R0,
                delta_c,
                self.R_cut_TV,
                m.cocoon_daughters,
            )
            self._basis_cache[key] = model.bc_basis(self.T, **halo)
        return self._basis_cache[key]

    def cocoon_per_chi0(self, region: str, R0: float, delta_c: float) -> np.ndarray:
        """The cocoons per unit chi0 at the observables of ``region`` for R0 [TV] and delta (the emissivity is a
        weighted sum of the region's production matrices; linear in chi0, [AESB25] eq. 7)."""
        t = self.regions[region]
        key = (id(t.production), R0, delta_c)
        if key not in self._cocoon_cache:
            if len(self._cocoon_cache) > 4096:
                self._cocoon_cache.clear()
                self._cocoon_rows_cache.clear()
            chi = lambda R: grammage(R, self.grammage_model, 1.0, R0, delta_c, self.R_cut_TV)  # noqa: E731
            self._cocoon_cache[key] = t.production.emissivity(self._spectra, chi)["total"]
        rows_key = (region, *key)
        if rows_key not in self._cocoon_rows_cache:
            self._cocoon_rows_cache[rows_key] = self._rows[region] @ t.cocoon_curve(self._cocoon_cache[key])
        return self._cocoon_rows_cache[rows_key]

    def halo_of(self, v: Mapping[str, float]) -> dict[str, float]:
        return {p: v[_HALO_NAMES[p]] for p in self.free_transport}

    def bc_prediction(self, values: Mapping[str, float]) -> dict[str, np.ndarray]:
        """B/C parts (total, galactic, cocoon) at the data energies."""
        v = self._complete(values)
        basis = self.bc_basis(10.0 ** v["log10_R0_TV"], self._delta_c(v), self.halo_of(v))
        return bc.bc_from_basis(basis, v["chi0"])

    def gamma_prediction(self, values: Mapping[str, float]) -> dict[str, dict[str, np.ndarray]]:
        """{region: {"dge": a_r DGE(knee), "cocoon": chi0 U_r, "total": their sum}} at the observables."""
        v = self._complete(values)
        R0, dc = 10.0 ** v["log10_R0_TV"], self._delta_c(v)
        out = {}
        for r in self.regions:
            lo, hi = self._dge[r]
            dge = v[f"norm_{r}"] * (lo + v["knee"] * (hi - lo))
            coc = v["chi0"] * self.cocoon_per_chi0(r, R0, dc)
            out[r] = {"dge": dge, "cocoon": coc, "total": dge + coc}
        return out

    def curves(self, values: Mapping[str, float], region: str) -> dict[str, np.ndarray]:
        """The model of ``region`` on its sky's energies (``E``) for ``values``: ``dge`` (a_r times the DGE at the
        knee), ``cocoon`` and ``total``, in the measured quantity (E^2 I, or E^2 F per flavour for IceCube)."""
        v = self._complete(values)
        t = self.regions[region]
        R0, dc = 10.0 ** v["log10_R0_TV"], self._delta_c(v)
        self.cocoon_per_chi0(region, R0, dc)  # fills the emissivity cache
        Q = self._cocoon_cache[(id(t.production), R0, dc)]
        lo, hi = t.dge_curves()
        dge = t.factor * v[f"norm_{region}"] * (lo + v["knee"] * (hi - lo))
        coc = t.factor * v["chi0"] * t.cocoon_curve(Q)
        return {"E": t.sky.E, "dge": dge, "cocoon": coc, "total": dge + coc}

    # --- chi^2 ---
    def chi2_terms(self, values: Mapping[str, float]) -> dict[str, float]:
        """chi^2 by term: ``B/C``, every observable by name, ``priors``."""
        v = self._complete(values)
        out = {}
        if "bc" in self.use:
            out["B/C"] = pulls.chi2(self.bc_prediction(v)["total"], self.bc_y, self.bc_s)
        if self.regions:
            pulls2 = self._region_pulls2(v)
            for t, region in zip(self.regions.values(), self._stacked["slices"]):
                for name, sl in t.slices().items():
                    out[name] = float(pulls2[region][sl].sum())
            out["priors"] = float(sum(self._prior_terms(v)))
        return out

    def chi2(self, values: Mapping[str, float]) -> float:
        return float(sum(self.chi2_terms(values).values()))

    def fcn(self, *par) -> float:
        """chi^2 of the parameters in the order of :attr:`names` (for Minuit): the sum of :meth:`chi2_terms`, the
        same sums region by region without the dictionary."""
        v = dict(zip(self._names, par))
        total = 0.0
        if "bc" in self.use:
            total += pulls.chi2(self.bc_prediction(v)["total"], self.bc_y, self.bc_s)
        if self.regions:
            pulls2 = self._region_pulls2(v)
            for region, prior in zip(self._stacked["slices"], self._prior_terms(v)):
                total += float(np.sum(pulls2[region]))
                total += prior
        return total

    def _region_pulls2(self, v: Mapping[str, float]) -> np.ndarray:
        """Squared pulls of every region's observables, in one array (:attr:`_stacked`), for complete ``values``:
        a_r (DGE at the knee) + chi0 times the cocoons per unit chi0 against the data."""
        st = self._stacked
        norms = [v[f"norm_{r}"] for r in self.regions]
        dge = np.repeat(norms, st["n"]) * (st["lo"] + v["knee"] * st["hi_minus_lo"])
        model = dge + v["chi0"] * self._cocoon_stacked(10.0 ** v["log10_R0_TV"], self._delta_c(v))
        return pulls.pull(model, st["y"], st["s_lo"], st["s_hi"]) ** 2

    def _prior_terms(self, v: Mapping[str, float]) -> list[float]:
        """((a_r - centre) / width)^2 of each region's norm, in the order of :attr:`regions`."""
        st = self._stacked
        return [((v[f"norm_{r}"] - c) / w) ** 2 for r, c, w in zip(self.regions, st["centres"], st["widths"])]

    def _stack_regions(self) -> None:
        """The regions' observables, DGE and priors in one array each, in the order of :attr:`regions` (for :meth:`fcn`)."""
        n = [self._y[r].size for r in self.regions]
        ends = np.cumsum([0, *n])
        lo = [self._dge[r][0] for r in self.regions]
        self._stacked = {
            "n": n,
            "slices": [slice(int(i), int(j)) for i, j in zip(ends[:-1], ends[1:])],
            "y": np.concatenate([self._y[r] for r in self.regions]) if n else np.zeros(0),
            "s_lo": np.concatenate([self._lo[r] for r in self.regions]) if n else np.zeros(0),
            "s_hi": np.concatenate([self._hi[r] for r in self.regions]) if n else np.zeros(0),
            "lo": np.concatenate(lo) if n else np.zeros(0),
            "hi_minus_lo": np.concatenate([self._dge[r][1] - self._dge[r][0] for r in self.regions])
            if n
            else np.zeros(0),
            "centres": [self.prior_centres[r] for r in self.regions],
            "widths": [t.prior_width for t in self.regions.values()],
        }

    def _cocoon_stacked(self, R0: float, delta_c: float) -> np.ndarray:
        """:meth:`cocoon_per_chi0` of every region, in one array."""
        key = ("stacked", R0, delta_c)
        if key not in self._cocoon_rows_cache:
            self._cocoon_rows_cache[key] = np.concatenate([self.cocoon_per_chi0(r, R0, delta_c) for r in self.regions])
        return self._cocoon_rows_cache[key]

    @property
    def n_data(self) -> int:
        """Points (B/C and gamma-ray points, one per published fit) plus one pseudo-measurement per prior."""
        n = self.T.size if "bc" in self.use else 0
        return n + sum(t.y.size + 1 for t in self.regions.values())

    # --- other data ---
    def with_data(
        self,
        bc_y=None,
        region_y: Mapping[str, np.ndarray] | None = None,
        prior_centres: Mapping[str, float] | None = None,
    ) -> JointLikelihood:
        """The same likelihood with other measured values (errors kept): for Asimov and pseudo-data."""
        new = object.__new__(JointLikelihood)
        new.__dict__.update(self.__dict__)
        if bc_y is not None:
            new.bc_y = np.asarray(bc_y, dtype=float)
        new._y = {**self._y, **{r: np.asarray(y, dtype=float) for r, y in (region_y or {}).items()}}
        new.prior_centres = {**self.prior_centres, **dict(prior_centres or {})}
        new._stack_regions()
        return new

    def predictions(self, values: Mapping[str, float]) -> tuple[np.ndarray | None, dict[str, np.ndarray]]:
        """(B/C at the data energies, {region: model at the observables}) for ``values``."""
        v = self._complete(values)
        bc_y = self.bc_prediction(v)["total"] if "bc" in self.use else None
        return bc_y, {r: p["total"] for r, p in self.gamma_prediction(v).items()} if self.regions else {}

    def asimov(self, values: Mapping[str, float]) -> JointLikelihood:
        """The likelihood of data equal to the model at ``values`` (every pull zero there, the priors centred on the
        norms)."""
        v = self._complete(values)
        bc_y, region_y = self.predictions(v)
        return self.with_data(bc_y, region_y, {r: v[f"norm_{r}"] for r in self.regions})

    def pseudo_data(self, values: Mapping[str, float], rng: np.random.Generator) -> JointLikelihood:
        """Data drawn around the model at ``values``: every point Gaussian with the mean of its two errors, every
        prior centre Gaussian with the prior's width (the gas models are measurements of the DGE too)."""
        v = self._complete(values)
        bc_y, region_y = self.predictions(v)
        if bc_y is not None:
            bc_y = bc_y + self.bc_s * rng.standard_normal(bc_y.size)
        region_y = {r: y + 0.5 * (self._lo[r] + self._hi[r]) * rng.standard_normal(y.size) for r, y in region_y.items()}
        centres = {r: v[f"norm_{r}"] + t.prior_width * rng.standard_normal() for r, t in self.regions.items()}
        return self.with_data(bc_y, region_y, centres)

    # --- profiles at fixed (chi0, R0) ---
    def profile_gamma(self, chi0, R0, delta_c: float | None = None, knee: float | None = None):
        """The gamma-ray chi^2 (priors included) minimised over the knee and the norms at fixed chi0 and R0 [TV], for
        every combination of the arrays ``R0`` (leading axis) and ``chi0``: (chi2, knee, {region: norm}), each of
        shape (len(R0), len(chi0)), or (len(chi0),) for a scalar R0. Exact in the norms (for a given knee the chi^2 is
        a convex, piecewise quadratic function of each norm, :func:`_min_over_scale`), golden-section search in the
        knee unless ``knee`` is given."""
        c = np.atleast_1d(np.asarray(chi0, dtype=float))
        R = np.atleast_1d(np.asarray(R0, dtype=float))
        dc = self.delta_c_start if delta_c is None else delta_c
        # C[r]: cocoons at the observables, (len(R0), len(chi0), n_obs)
        C = {
            r: c[None, :, None] * np.array([self.cocoon_per_chi0(r, float(x), dc) for x in R])[:, None, :]
            for r in self.regions
        }

        def at(k):  # k: scalar or (len(R0), len(chi0))
            kk = np.asarray(k, dtype=float)[..., None]
            total, norms = 0.0, {}
            for r, t in self.regions.items():
                lo, hi = self._dge[r]
                chi, a = _min_over_scale(
                    lo + kk * (hi - lo),
                    C[r],
                    self._y[r],
                    self._lo[r],
                    self._hi[r],
                    self.prior_centres[r],
                    t.prior_width,
                )
                total, norms[r] = total + chi, a
            return total, norms

        shape = (R.size, c.size)
        if knee is not None:
            k = np.full(shape, float(knee))
        else:
            k = _golden(lambda kk: at(kk.reshape(shape))[0].ravel(), R.size * c.size, 0.0, 1.0).reshape(shape)
        chi, norms = at(k)
        if np.ndim(R0) == 0:
            return chi[0], k[0], {r: v[0] for r, v in norms.items()}
        return chi, k, norms

    def profile_bc(
        self,
        chi0,
        R0: float,
        delta_c: float | None = None,
        D0_range: tuple | None = None,
        ln_D0_step: float = 0.1,
        ln_D0_margin: float = 0.2,
    ) -> tuple[np.ndarray, np.ndarray]:
        """chi^2 of B/C minimised over the transport at fixed R0 [TV], for each chi0 of an array: (chi2, D0).

        With ``free_transport`` = D0 the network is solved at values of D0 every ``ln_D0_step`` in ln D0 across
        ``D0_range`` (default: the exact best D0 at the smallest and largest chi0) widened by ``ln_D0_margin`` on
        both sides; each part of B/C (Galactic and cocoon boron and carbon at chi0 = 1) is interpolated by a cubic
        spline in ln D0, the minimum found by golden sections on the splines, and chi^2 computed there with the
        network solved at that D0 (the splines miss chi^2 by up to ~1e-3, the best D0 by ~1e-4: see the tests); a
        minimum at the edge of the nodes is redone with Migrad. No free transport: B/C at the chapter's transport. D0 and
        delta free: Migrad at every chi0 (slower)."""
        c = np.atleast_1d(np.asarray(chi0, dtype=float))
        dc = self.delta_c_start if delta_c is None else delta_c
        if not self.free_transport:
            basis = self.bc_basis(R0, dc, {})
            return np.array([self._bc_chi2(basis, x) for x in c]), np.full(c.shape, self.bc_model.halo.D0)
        if self.free_transport != ("D0",):
            out = [self._bc_min_exact(float(x), R0, dc) for x in c]
            return np.array([o[0] for o in out]), np.array([o[1]["D0"] for o in out])
        if D0_range is None:
            D0_range = tuple(self._bc_min_exact(float(x), R0, dc)[1]["D0"] for x in (c.min(), c.max()))
        lo, hi = math.log(min(D0_range)) - ln_D0_margin, math.log(max(D0_range)) + ln_D0_margin
        ln_nodes = np.linspace(lo, hi, max(6, int(math.ceil((hi - lo) / ln_D0_step)) + 1))
        parts = ("B_gal", "B_coc", "C_gal", "C_coc")
        table = np.array([[self.bc_basis(R0, dc, {"D0": float(np.exp(x))})[p] for p in parts] for x in ln_nodes])
        spline = CubicSpline(ln_nodes, table, axis=0)

        def chi2_at(x):  # x: ln D0 for each chi0
            b = spline(x)  # (len(chi0), 4, n_T)
            B, Cc = b[:, 0] + c[:, None] * b[:, 1], b[:, 2] + c[:, None] * b[:, 3]
            return pulls.chi2(B / Cc, self.bc_y, self.bc_s)

        x = _golden(chi2_at, c.size, ln_nodes[0], ln_nodes[-1])
        D0 = np.exp(x)
        chi = np.array([self._bc_chi2(self.bc_basis(R0, dc, {"D0": float(d)}), cc) for cc, d in zip(c, D0)])
        for i in np.flatnonzero(np.minimum(x - ln_nodes[0], ln_nodes[-1] - x) < 1e-3):  # at the edge: exact
            chi[i], best = self._bc_min_exact(float(c[i]), R0, dc)
            D0[i] = best["D0"]
        return chi, D0

    def _bc_chi2(self, basis, chi0) -> float:
        return pulls.chi2(bc.bc_from_basis(basis, chi0)["total"], self.bc_y, self.bc_s)

    def _bc_min_exact(self, chi0: float, R0: float, delta_c: float):
        from iminuit import Minuit

        names = [_HALO_NAMES[p] for p in self.free_transport]
        lim = self.limits() if "bc" in self.use else {"D0": (0.05, 50.0), "delta_gal": (0.1, 1.2)}

        def f(*par):
            halo = dict(zip(self.free_transport, par))
            return self._bc_chi2(self.bc_basis(R0, delta_c, halo), chi0)

        m = Minuit(f, *[getattr(self.bc_model.halo, p) for p in self.free_transport], name=names)
        m.errordef = Minuit.LEAST_SQUARES
        for n in names:
            m.limits[n] = lim[n]
        m.migrad()
        return float(m.fval), dict(zip(self.free_transport, map(float, m.values)))


def _golden(f, n: int, lo: float, hi: float, iterations: int = 36) -> np.ndarray:
    """argmin over [lo, hi] of f for n independent problems at once (f maps an array of n abscissae to n values):
    golden sections (to 1e-7 of the range), then the better of the result and the two ends (a minimum on the
    boundary is found exactly)."""
    g = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = np.full(n, float(lo)), np.full(n, float(hi))
    x1, x2 = b - g * (b - a), a + g * (b - a)
    f1, f2 = f(x1), f(x2)
    for _ in range(iterations):
        left = f1 < f2  # the minimum lies in [a, x2]
        b = np.where(left, x2, b)
        a = np.where(left, a, x1)
        new = np.where(left, b - g * (b - a), a + g * (b - a))
        f_new = f(new)
        x1, x2, f1, f2 = (
            np.where(left, new, x2),
            np.where(left, x1, new),
            np.where(left, f_new, f2),
            np.where(left, f1, f_new),
        )
    cands = np.stack([0.5 * (a + b), np.full(n, float(lo)), np.full(n, float(hi))])
    vals = np.stack([f(x) for x in cands])
    return cands[np.argmin(vals, axis=0), np.arange(n)]


def _min_over_scale(D, C, y, s_lo, s_hi, centre: float, width: float) -> tuple[np.ndarray, np.ndarray]:
    """min over a of sum_j ((a D_j + C_j - y_j)/s_j)^2 + ((a - centre)/width)^2, s_j = s_hi where the model lies
    above y_j and s_lo below, for every row of C (D > 0 may have the same leading axes as C or none): (chi2, a).

    The function is convex and piecewise quadratic in a, with breakpoints where a model value crosses its point:
    its derivative is evaluated at every breakpoint, the segment where it changes sign fixes the sides, and there
    the minimum is the root of a linear equation (exact, no iteration). ``width`` 0 fixes a at ``centre``."""
    D, C = np.asarray(D, dtype=float), np.asarray(C, dtype=float)
    D = np.broadcast_to(D, C.shape)
    b = y - C
    w_lo, w_hi = 1.0 / s_lo**2, 1.0 / s_hi**2
    if width == 0:
        a = np.full(C.shape[:-1], float(centre))
    else:
        p = 1.0 / width**2
        bp = np.sort(b / D, axis=-1)  # breakpoints
        r = bp[..., :, None] * D[..., None, :] - b[..., None, :]  # (..., breakpoint, point)
        w = np.where(r > 0, w_hi, w_lo)
        slope = (w * D[..., None, :] * r).sum(-1) + p * (bp - centre)
        k = (slope < 0).sum(-1)  # breakpoints left of the minimum
        n = bp.shape[-1]
        left = np.take_along_axis(bp, np.clip(k - 1, 0, n - 1)[..., None], -1)[..., 0]
        right = np.take_along_axis(bp, np.clip(k, 0, n - 1)[..., None], -1)[..., 0]
        below, above = left - 1.0 - abs(left), right + 1.0 + abs(right)  # beyond the first / last breakpoint
        inside = np.where(k == 0, below, np.where(k == n, above, 0.5 * (left + right)))
        ws = np.where(inside[..., None] * D - b > 0, w_hi, w_lo)
        a = ((ws * D * b).sum(-1) + p * centre) / ((ws * D * D).sum(-1) + p)
    resid = a[..., None] * D - b
    chi = (resid**2 * np.where(resid > 0, w_hi, w_lo)).sum(-1)
    if width:
        chi = chi + ((a - centre) / width) ** 2
    return chi, a


# --- the fit --------------------------------------------------------------------------------------
@dataclass
class JointFit(fits.FitSummary):
    """A fit of :class:`JointLikelihood`: best values, Hesse errors and covariance, chi^2 by term, profile
    intervals ({name: {1: [lo, hi], 2: [lo, hi]}}, in the parameter's units; R0 in TV)."""

    use: tuple
    free: list
    fixed: dict
    best: dict
    errors: dict
    covariance: dict
    chi2: float
    n_data: int
    chi2_by_term: dict
    intervals: dict = field(default_factory=dict)
    nfcn: int = 0
    seconds: float = 0.0
    # valid, at_limit (FitSummary): Migrad's verdict and the free parameters at a limit of JointLikelihood.limits
    # ("knee at its upper limit 1"), what a table of fits reports for a fit that did not converge

    @property
    def ndof(self) -> int:
        return self.n_data - len(self.free)

    @property
    def chi0(self) -> float:
        return self.best["chi0"]

    @property
    def R0_TV(self) -> float:
        return 10.0 ** self.best["log10_R0_TV"]

    def interval(self, name: str, n_sigma: int = 1) -> list[float]:
        """Profile interval of chi0 [g cm^-2] or R0 [TV] (``name`` 'R0') at 1 or 2 sigma."""
        return self.intervals[name][n_sigma]

    def values(self) -> dict:
        return {**self.best, **self.fixed}


def fit_to_json(fit: JointFit) -> dict:
    """The fit as a JSON-ready dict (interval keys as strings; infinite ends stay inf, which Python's json keeps)."""
    out = asdict(fit)
    out["use"] = list(fit.use)
    out["intervals"] = {n: {str(k): list(v) for k, v in ends.items()} for n, ends in fit.intervals.items()}
    return out


def fit_from_json(raw: Mapping) -> JointFit:
    """The :class:`JointFit` of :func:`fit_to_json`'s dict (or of that dict read back from JSON text)."""
    raw = dict(raw)
    raw["use"] = tuple(raw["use"])
    raw["intervals"] = {
        n: {int(k): [float(x) for x in v] for k, v in ends.items()} for n, ends in raw["intervals"].items()
    }
    return JointFit(**raw)


def fit_joint(
    like: JointLikelihood,
    fixed: Mapping[str, float] | None = None,
    start: Mapping[str, float] | None = None,
    intervals=("chi0", "R0"),
    two_sigma: bool = True,
    tol: float = 0.01,
) -> JointFit:
    """Minimise ``like`` with Migrad (iminuit), Hesse at the minimum, and Minos profile intervals (Delta chi^2 = 1
    and, with ``two_sigma``, 4) for the parameters named in ``intervals`` (``R0`` for log10_R0_TV, given in TV).

    ``fixed`` holds parameters at values; ``start`` overrides :meth:`JointLikelihood.start`. An interval end that
    runs into the parameter's limit is reported as that limit (for chi0 the limit 0 is physical, so 0; the upper
    limits of chi0 and R0 as inf). ``tol`` is Migrad's tolerance (0.01: the minimum to ~0.005 sigma).

    A minimum Migrad does not call valid (twice, and again after Hesse) is a result, not an error: the fit is
    returned with ``valid`` False and the parameters at a limit in ``at_limit``, and its intervals come from the
    profile of the chi^2 found by root-finding (:func:`_profile_ends`), since Minos refuses such a minimum; so does
    an end Minos fails to find at a valid minimum."""
    t0 = time.perf_counter()
    fixed = dict(fixed or {})
    names = like.names
    for n in [*fixed, *(start or {})]:
        if n not in names:
            raise ValueError(f"parameter {n!r} is not allowed: this likelihood has {', '.join(names)}")
    for n in intervals:
        if INTERVAL_PARAMETERS.get(n, n) not in names:
            raise ValueError(f"interval of {n!r} is not allowed: expected R0 or one of {', '.join(names)}")
    m = _minimise(like, {**like.start(), **dict(start or {}), **fixed}, fixed, tol)
    valid = bool(m.valid)
    free = [n for n in names if n not in fixed]
    best = {n: float(m.values[n]) for n in free}
    n_data = like.n_data - sum(n.startswith("norm_") for n in fixed)  # a fixed norm's prior measures nothing
    return JointFit(
        like.use,
        free,
        {n: float(v) for n, v in fixed.items()},
        best,
        {n: float(m.errors[n]) for n in free},
        {a: {b: float(m.covariance[a, b]) for b in free} for a in free},
        float(m.fval),
        n_data,
        like.chi2_terms({**best, **fixed}),
        _intervals(like, m, valid, fixed, intervals, (1, 2) if two_sigma else (1,)),
        int(m.nfcn),
        time.perf_counter() - t0,
        valid=valid,
        at_limit=fits.parameters_at_limit(m),
    )


#: the name an interval is asked for by -> the likelihood's parameter (R0 is fitted as log10 R0 [TV])
INTERVAL_PARAMETERS = {"R0": "log10_R0_TV"}


def _minimise(like: JointLikelihood, init: Mapping[str, float], fixed: Mapping[str, float], tol: float):
    """Migrad from ``init`` with ``fixed`` held, once more if its minimum is not valid; Hesse at the minimum, and once
    more Migrad and Hesse if Hesse finds it is not one (a parameter at its limit). Returns the Minuit object."""
    from iminuit import Minuit

    m = Minuit(like.fcn, *[init[n] for n in like.names], name=like.names)
    m.errordef = Minuit.LEAST_SQUARES
    m.tol = tol
    for n, lim in like.limits().items():
        m.limits[n] = lim
    for n, v in fixed.items():
        m.values[n] = v
        m.fixed[n] = True
    m.migrad()
    if not m.valid:
        m.migrad()
    if not m.valid:
        warnings.warn("joint fit: Migrad did not report a valid minimum", RuntimeWarning, stacklevel=3)
    m.hesse()
    if not m.valid:
        m.migrad()
        m.hesse()
    return m


def _intervals(like: JointLikelihood, m, valid: bool, fixed: Mapping[str, float], intervals, n_sigmas) -> dict:
    """{name: {n_sigma: [lo, hi]}} for the parameters ``intervals`` not held fixed: Minos at a valid minimum, the
    profile by root-finding where the minimum is not ``valid`` (as found before any Minos call) or Minos fails on a
    side (R0 given in TV)."""
    out = {}
    for n in intervals:
        par = INTERVAL_PARAMETERS.get(n, n)
        if par in fixed:
            continue
        ends = {}
        for ns in n_sigmas:
            lo, hi = fits.minos_ends(m, par, ns) if valid else (None, None)
            if lo is None or hi is None:  # no valid minimum, or Minos failed on a side: the profile, by root-finding
                p_lo, p_hi = _profile_ends(like, m, par, fixed, float(ns**2))
                lo, hi = p_lo if lo is None else lo, p_hi if hi is None else hi
            if par == "log10_R0_TV":
                lo, hi = 10.0**lo, (math.inf if not math.isfinite(hi) else 10.0**hi)
            ends[ns] = [float(lo), float(hi)]
        out[n] = ends
    return out


def _profile_ends(like: JointLikelihood, m, par: str, fixed: Mapping[str, float], level: float) -> tuple[float, float]:
    """Where the chi^2 of ``like`` minimised over every free parameter but ``par`` rises by ``level`` above ``m``'s
    minimum, below and above ``m``'s value of ``par`` (Brent's method): the lower limit of ``par`` if it stays below
    ``level`` down to it, inf if it does so up to the upper limit. Each minimisation (Migrad, twice if its minimum is
    not valid) starts from the nearest value of ``par`` already profiled, as chapter 2's profile does."""
    from iminuit import Minuit
    from scipy.optimize import brentq

    names, limits = like.names, like.limits()
    best, f0 = float(m.values[par]), float(m.fval)
    done: dict[float, dict] = {best: {n: float(m.values[n]) for n in names}}

    def rise(v: float) -> float:
        start = done[min(done, key=lambda k: abs(k - v))]
        mm = Minuit(like.fcn, *[start[n] for n in names], name=names)
        mm.errordef = Minuit.LEAST_SQUARES
        mm.tol = 0.001
        for n, lim in limits.items():
            mm.limits[n] = lim
        for n, val in {**fixed, par: v}.items():
            mm.values[n] = val
            mm.fixed[n] = True
        mm.migrad()
        if not mm.valid:
            mm.migrad()
        done[v] = {n: float(mm.values[n]) for n in names}
        return float(mm.fval) - f0 - level

    lo_lim, hi_lim = limits[par]
    lo = lo_lim if best - lo_lim < 1e-9 or rise(lo_lim) <= 0 else brentq(rise, lo_lim, best, xtol=1e-5)
    hi = math.inf if hi_lim - best < 1e-9 or rise(hi_lim) <= 0 else brentq(rise, best, hi_lim, xtol=1e-5)
    return lo, hi


# --- profile on a grid, for the contours ----------------------------------------------------------
@dataclass
class ProfileGrid:
    """chi^2 profiled over everything but (chi0, R0) on a grid: ``bc`` and ``gamma`` (n_R0, n_chi0), each minimised
    over its own parameters (given chi0 and R0 they share none), ``joint`` their sum."""

    chi0: np.ndarray
    R0_TV: np.ndarray
    bc: np.ndarray
    gamma: np.ndarray
    D0: np.ndarray
    knee: np.ndarray
    seconds: float = 0.0

    @property
    def joint(self) -> np.ndarray:
        return self.bc + self.gamma

    def delta(self, which: str = "joint") -> np.ndarray:
        """Delta chi^2 from the grid's minimum of ``which`` (joint, bc, gamma)."""
        a = getattr(self, which)
        return a - a.min()

    def profile(self, which: str = "joint", along: str = "chi0") -> tuple[np.ndarray, np.ndarray]:
        """The 1D profile (x, chi^2) in chi0 or R0: minimised over the other axis, the smallest grid value refined by
        the vertex of the parabola through it and its two neighbours (in log10 R0, or in chi0) where that vertex
        lies between them. Subtract the minimum of a fit for Delta chi^2."""
        d = getattr(self, which)
        if along == "chi0":
            return self.chi0, _parabola_min(d, np.log10(self.R0_TV))
        if along == "R0":
            return self.R0_TV, _parabola_min(d.T, self.chi0)
        raise ValueError(f"along = {along!r} is not allowed: expected 'chi0' or 'R0'")

    def best(self, which: str = "joint") -> tuple[float, float, float]:
        """(chi0, R0, chi^2) at the grid's minimum."""
        a = getattr(self, which)
        i, j = np.unravel_index(np.argmin(a), a.shape)
        return float(self.chi0[j]), float(self.R0_TV[i]), float(a[i, j])


def _parabola_min(values, x) -> np.ndarray:
    """Minimum over axis 0 of ``values`` (rows at abscissae ``x``) for every column, refined by the vertex of the
    parabola through the smallest value and its neighbours when the vertex lies between them."""
    v = np.asarray(values, dtype=float)
    i = np.argmin(v, axis=0)
    out = v[i, np.arange(v.shape[1])]
    for j in np.flatnonzero((i > 0) & (i < v.shape[0] - 1)):
        k = i[j]
        x0, x1, x2 = x[k - 1], x[k], x[k + 1]
        y0, y1, y2 = v[k - 1, j], v[k, j], v[k + 1, j]
        den = (x0 - x1) * (x0 - x2) * (x1 - x2)
        a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / den
        b = (x2**2 * (y0 - y1) + x1**2 * (y2 - y0) + x0**2 * (y1 - y2)) / den
        if a > 0:
            xv = -b / (2 * a)
            if x0 < xv < x2:
                out[j] = min(out[j], y1 - a * (xv - x1) ** 2)
    return out


#: Delta chi^2 of the 1 and 2 sigma regions for two parameters (68.27 % and 95.45 %)
#: (the chi^2 quantile, two degrees of freedom, of the probability of chi^2 < 1 and 4 for one)
CONTOUR_LEVELS_2D = tuple(float(chdtri(2, 1.0 - chdtr(1, dchi2))) for dchi2 in (1.0, 4.0))


def profile_grid(like: JointLikelihood, chi0_values, R0_values_TV) -> ProfileGrid:
    """The chi^2 of ``like`` profiled on the grid chi0 x R0 (:class:`ProfileGrid`): B/C over the transport
    (:meth:`JointLikelihood.profile_bc`), the gamma rays over the knee and the norms
    (:meth:`JointLikelihood.profile_gamma`); a term the likelihood does not use is zero. delta_c at its start value."""
    t0 = time.perf_counter()
    c = np.asarray(chi0_values, dtype=float)
    R = np.asarray(R0_values_TV, dtype=float)
    if c.ndim != 1 or R.ndim != 1 or np.any(c < 0) or np.any(R <= 0):
        raise ValueError("chi0_values must be >= 0 and R0_values_TV > 0, both one-dimensional")
    shape = (R.size, c.size)
    bc_chi, g_chi, D0, knee = np.zeros(shape), np.zeros(shape), np.full(shape, np.nan), np.full(shape, np.nan)
    if "bc" in like.use:
        D0_range = None
        for i, r in enumerate(R):  # the best D0 hardly depends on R0: each row spans the D0 of the one before
            bc_chi[i], D0[i] = like.profile_bc(c, float(r), D0_range=D0_range)
            D0_range = (D0[i].min(), D0[i].max())
    if like.regions:
        g_chi, knee, _ = like.profile_gamma(c, R)
    return ProfileGrid(c, R, bc_chi, g_chi, D0, knee, time.perf_counter() - t0)


# --- tension --------------------------------------------------------------------------------------
def goodness_of_fit(fit: JointFit) -> dict[str, float]:
    """chi^2, ndof, its probability ``p`` and the scale factor ``S`` = sqrt(chi^2 / ndof) (1 if smaller): the factor by
    which the errors of a poor fit are scaled (as the Particle Data Group does for inconsistent measurements)."""
    p = fit.p_value
    return {
        "chi2": fit.chi2,
        "ndof": fit.ndof,
        "p": p,
        "S": max(1.0, math.sqrt(fit.chi2 / fit.ndof)) if fit.ndof > 0 else 1.0,
    }


def tension(
    bc_alone: JointFit, gamma_alone: JointFit, joint: JointFit, parameter: str = "chi0", gamma_scale: float = 1.0
) -> dict[str, float]:
    """How far B/C alone and the gamma rays alone are from each other.

    ``difference_sigma``: the difference of the best values of ``parameter`` over the quadrature sum of the two
    1 sigma profile half-widths on the sides that face each other. ``delta_chi2``: chi^2 of the joint fit minus
    those of the two separate fits (the parameter goodness-of-fit statistic of Maltoni & Schwetz 2003), with
    ``dof`` = the free parameters of the separate fits minus those of the joint one (the parameters both share),
    its probability ``p`` and the Gaussian equivalent ``delta_chi2_sigma`` (two-sided). ``gamma_scale`` multiplies the
    gamma rays' half-width in ``difference_sigma`` (:func:`goodness_of_fit`'s S for a poor fit)."""
    a, b = bc_alone.best[parameter], gamma_alone.best[parameter]
    ia, ib = bc_alone.interval(parameter, 1), gamma_alone.interval(parameter, 1)
    if b >= a:
        sa, sb = ia[1] - a, b - ib[0]
    else:
        sa, sb = a - ia[0], ib[1] - b
    sb *= gamma_scale
    diff_sigma = abs(b - a) / math.hypot(sa, sb) if math.isfinite(sa) and math.isfinite(sb) else 0.0
    dchi2 = joint.chi2 - bc_alone.chi2 - gamma_alone.chi2
    dof = len(bc_alone.free) + len(gamma_alone.free) - len(joint.free)
    if dof <= 0:
        raise ValueError("the separate fits share no free parameter with each other: no parameter tension to test")
    p = fits.chi2_probability(max(dchi2, 0.0), dof)
    return {
        "difference": b - a,
        "difference_sigma": float(diff_sigma),
        "delta_chi2": float(dchi2),
        "dof": dof,
        "p": p,
        "delta_chi2_sigma": fits.two_sided_sigma(p),
    }


# --- the regions of the sky --------------------------------------------------------------------------
def region_terms(
    skies: Mapping[str, Any],
    productions: Mapping[int, Production],
    prior_scale: float = 1.0,
    widths: Mapping[str, float] | None = None,
) -> dict[str, RegionTerm]:
    """A :class:`RegionTerm` for every region a sky of ``skies`` ({region: GammaSky}) holds among :data:`REGIONS`
    and :data:`NU_REGION`: the measured points, HAWC's fit, IceCube's pi0 fit, with the cocoon production matrices
    ``productions[id(sky)]`` on each sky's energies; the prior width from
    :func:`prior_widths` (at :data:`PRIOR_ENERGY_GEV`, times ``prior_scale``) unless given in ``widths``."""
    if not prior_scale > 0:
        raise ValueError(f"prior_scale = {prior_scale!r} is not allowed: expected a number > 0")
    out = {}
    for r, sky in skies.items():
        if r not in (*REGIONS, NU_REGION):
            raise ValueError(f"region {r!r} is not allowed: expected one of {', '.join((*REGIONS, NU_REGION))}")
        if r in POINT_REGIONS:
            obs = tuple(point_observables(sky.E, r))
        elif r == HAWC_REGION:
            obs = (hawc_observable(sky.E),)
        else:
            obs = (icecube_observable(sky.E),)
        w = widths[r] if widths and r in widths else float(prior_widths(sky, [r]).loc[r, "width"])
        out[r] = RegionTerm(
            r,
            sky,
            productions[id(sky)],
            obs,
            prior_scale * w,
            neutrino.allsky_flux_per_flavour(1.0) if r == NU_REGION else 1.0,
        )
    return out


def grid_crossings(x, delta_chi2, level: float = 1.0) -> tuple[float, float]:
    """Where a Delta chi^2 tabulated on the grid ``x`` crosses ``level`` below and above its smallest value, by
    linear interpolation on each side (a profile monotonic on either side of its minimum; an end beyond the grid is
    the grid's end): a check of the Minos interval from the profile grid."""
    x, d = np.asarray(x, dtype=float), np.asarray(delta_chi2, dtype=float)
    i = int(np.argmin(d))
    return float(np.interp(level, d[: i + 1][::-1], x[: i + 1][::-1])), float(np.interp(level, d[i:], x[i:]))
