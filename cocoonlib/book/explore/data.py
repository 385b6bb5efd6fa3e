"""The book's Explore page: everything its live figures need that does not depend on its controls, made once
when the book is built.

The page (``book/explore.md``, drawn by :mod:`cocoonlib.book.explore.page`) lets a reader move chi0, R0, the form of
the cocoon grammage, the production model of the cocoons, their sources' normalisation (the letter's efficiencies, or
those of the cocoons as the Galaxy's sources with the transport B/C fits: a factor per projectile species on the
cocoons, and for the transport sea its DGE at that transport) and the gas model, cosmic-ray sea and cross sections
of the DGE, and redraws the LHAASO windows (chapter 3), B/C (chapter 2) and the all-sky neutrino flux
(chapter 4) in the browser, with no server and no kernel. The physics keeps the browser's share small:

* the emissivity of one cocoon is linear in its grammage, Q(E) = sum_ch M_ch (w_ch chi_c(R_ch)) ([AESB25]
  eq. 7, :meth:`cocoonlib.production.Production.grammage_operator`): the matrices M (banded, float32) and the
  projectile weights w are embedded, the browser evaluates chi_c on the projectile grid and, for Kelner, the
  n-tilde of the delta approximation below 100 GeV, which depends on chi_c;
* the cocoon curve of a window is Q times a fixed factor (J with absorption, solid angle, mask: [AESB25] eq. 8),
  embedded per window;
* the DGE does not depend on the cocoons: its bands (knee variants min and max) are embedded for every gas
  model, sea and production model;
* B/C is linear in chi0 for a given grammage shape (:func:`cocoonlib.transport.bc.bc_from_basis`), but the shape enters
  the network solution: the basis is embedded for every form of :data:`GRAMMAGE_FORMS` and every R0 of
  :data:`R0_NODES_TV`. R0 therefore moves on those nodes, for the gamma rays and neutrinos too, so that the
  three figures always show one and the same setting.

Every other parameter is the default of the chapters (:func:`chapter_defaults`); B/C is drawn at the transport
chapter 2 fits at its defaults (D0 free), held fixed while chi0 and the grammage move.

:func:`evaluate` is the browser's arithmetic in numpy on the embedded arrays; the tests compare it with
cocoonlib's own functions at the same parameters, and the numbers the browser draws with both.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import product

import numpy as np

from cocoonlib.book.chapters import CHAPTERS
from cocoonlib.book.params import HALO_PARAMETERS, PARAMETERS, RESOLVED_SOURCES, ParameterError, from_params, validate
from cocoonlib.core import pulls
from cocoonlib.core.units import TEV_GEV
from cocoonlib.io.data import load_lhaaso_km2a
from cocoonlib.production import MODELS
from cocoonlib.sky import diffuse, gamma, gas, neutrino
from cocoonlib.source.grammage import DIFFUSION_REGIMES, grammage
from cocoonlib.transport import bc

__all__ = [
    "R0_NODES_TV",
    "GRAMMAGE_FORMS",
    "GrammageForm",
    "CHI0_SLIDER",
    "Setting",
    "chapter_defaults",
    "explore_data",
    "encode_operator",
    "band_matvec",
    "cocoon_emissivity",
    "evaluate",
    "E_SHARE_GEV",
    "projectile",
    "dge_key",
    "SEA_TRANSPORT_KEY",
]

#: the R0 values the page offers [TV] (assumed: the 1-1.5-2-3-5-7 series from 1 TV to 1 PV; it holds the
#: default 20 TV and every value of the R0 appendix's default grid)
R0_NODES_TV = (
    1.0,
    1.5,
    2.0,
    3.0,
    5.0,
    7.0,
    10.0,
    15.0,
    20.0,
    30.0,
    50.0,
    70.0,
    100.0,
    150.0,
    200.0,
    300.0,
    500.0,
    700.0,
    1000.0,
)

#: the chi0 slider [g cm^-2]: (first, last, step); last = the upper end of chapter 2's chi0 profile
CHI0_SLIDER = (0.01, PARAMETERS["chi0_scan_max"].default, 0.01)

#: energies [GeV] of the cocoon shares the page shows (as chapter 3's table)
E_SHARE_GEV = (1.0e3, 1.0e4)


@dataclass(frozen=True)
class GrammageForm:
    """One choice of the page's grammage control: a model of :mod:`cocoonlib.source.grammage` with its delta and R_cut."""

    label: str
    model: str
    delta: float
    R_cut: float

    def chi(self, R_GV, chi0: float, R0_TV: float):
        """chi_c(R) [g cm^-2] of this form (:func:`cocoonlib.source.grammage.grammage`)."""
        return grammage(R_GV, self.model, chi0, R0_TV, self.delta, self.R_cut)


_R_CUT = PARAMETERS["R_cut"].default
#: the forms of the cocoon grammage the page offers: the letter's exponential ([AESB25] eq. 6) and the
#: advection-to-diffusion form of its App. C for the three turbulence regimes, and with the cut-off at R_cut
GRAMMAGE_FORMS = {
    "exponential": GrammageForm("exponential, eq. 6 of the letter", "exponential", PARAMETERS["delta"].default, _R_CUT),
    "kolmogorov": GrammageForm(
        "advection-diffusion, delta = 1/3", "advection_diffusion", DIFFUSION_REGIMES["kolmogorov"], _R_CUT
    ),
    "kraichnan": GrammageForm(
        "advection-diffusion, delta = 1/2", "advection_diffusion", DIFFUSION_REGIMES["kraichnan"], _R_CUT
    ),
    "bohm": GrammageForm("advection-diffusion, delta = 1", "advection_diffusion", DIFFUSION_REGIMES["bohm"], _R_CUT),
    "bohm_cutoff": GrammageForm(
        f"advection-diffusion, delta = 1, cut-off at {_R_CUT:g} TV",
        "advection_diffusion_cutoff",
        DIFFUSION_REGIMES["bohm"],
        _R_CUT,
    ),
}


def chapter_defaults() -> dict:
    """{"gamma": the defaults of chapter 3 (chapter 4 takes the same), "bc": those of chapter 2}: what the page
    holds fixed."""
    return {"gamma": validate({}, CHAPTERS["gamma"].parameters), "bc": validate({}, CHAPTERS["bc"].parameters)}


@dataclass(frozen=True)
class Setting:
    """One position of the page's controls (defaults: the chapters')."""

    chi0: float = PARAMETERS["chi0"].default
    R0: float = PARAMETERS["R0"].default
    form: str = "exponential"
    production_model: str = PARAMETERS["production_model"].default
    gas_model: str = PARAMETERS["gas_model"].default
    cr_sea: str = PARAMETERS["cr_sea"].default
    dge_production_model: str = PARAMETERS["dge_production_model"].default
    source_normalisation: str = PARAMETERS["source_normalisation"].default

    def __post_init__(self):
        lo, hi, _ = CHI0_SLIDER
        if not lo <= PARAMETERS["chi0"].check(self.chi0) <= hi:
            raise ParameterError(f"chi0 = {self.chi0!r} is not allowed on the Explore page: expected {lo:g} to {hi:g}")
        if self.R0 not in R0_NODES_TV:
            raise ParameterError(
                f"R0 = {self.R0!r} is not allowed on the Explore page: expected one of "
                f"{', '.join(f'{r:g}' for r in R0_NODES_TV)} TV"
            )
        if self.form not in GRAMMAGE_FORMS:
            raise ParameterError(f"form = {self.form!r} is not allowed: expected one of {', '.join(GRAMMAGE_FORMS)}")
        for name in ("production_model", "gas_model", "cr_sea", "dge_production_model", "source_normalisation"):
            PARAMETERS[name].check(getattr(self, name))

    def parameters(self, chapter: str = "gamma") -> dict:
        """The validated parameters of ``chapter`` ("gamma", "neutrino" or "bc") at this setting."""
        f = GRAMMAGE_FORMS[self.form]
        values = {"R0": self.R0, "grammage_model": f.model, "delta": f.delta, "R_cut": f.R_cut}
        if chapter != "bc":
            values |= {
                "chi0": self.chi0,
                "production_model": self.production_model,
                "gas_model": self.gas_model,
                "cr_sea": self.cr_sea,
                "dge_production_model": self.dge_production_model,
                "source_normalisation": self.source_normalisation,
            }
        return validate(values, CHAPTERS[chapter].parameters)

    def resolved_parameters(self, chapter: str = "gamma") -> dict:
        """:meth:`parameters` with the sources resolved as the page resolves them: for 'sea', the efficiencies and
        the transport of the chapters' defaults (B/C refitted with the default grammage), which the page keeps while
        the grammage moves (the refit, and so the sea's efficiencies, would change by a few 1e-3 with it)."""
        P = self.parameters(chapter)
        if self.source_normalisation == "letter":
            return P
        sea = from_params.resolve_sources({**chapter_defaults()["gamma"], "source_normalisation": "sea"})
        return {**P, **{k: sea[k] for k in ("eps_p", "eps_He", "transport_source", RESOLVED_SOURCES, *HALO_PARAMETERS)}}


# --- the cocoon emissivity as the browser computes it ---------------------------------------------------
def _band(M) -> dict:
    """A matrix as rows of its non-zero band: row i holds columns start[i] <= j < stop[i], its values at
    values[offset[i]:offset[i] + stop[i] - start[i]] (float32)."""
    M = np.asarray(M, dtype=float)
    nz = M != 0.0
    any_nz = nz.any(axis=1)
    start = np.where(any_nz, nz.argmax(axis=1), 0)
    stop = np.where(any_nz, M.shape[1] - nz[:, ::-1].argmax(axis=1), 0)
    offset = np.concatenate([[0], np.cumsum(stop - start)[:-1]])
    values = np.concatenate([M[i, a:b] for i, (a, b) in enumerate(zip(start, stop))] or [np.zeros(0)])
    return {
        "start": start.astype(np.int32),
        "stop": stop.astype(np.int32),
        "offset": offset.astype(np.int32),
        "values": values.astype(np.float32),
        "shape": list(M.shape),
    }


def band_matvec(B: dict, v) -> np.ndarray:
    """M @ v for a matrix stored by :func:`_band` (float64 sums, as the browser's)."""
    out = np.zeros(B["shape"][0])
    values = B["values"].astype(float)
    for i, (a, b, o) in enumerate(zip(B["start"], B["stop"], B["offset"])):
        out[i] = values[o : o + b - a] @ v[a:b]
    return out


def encode_operator(op: dict) -> dict:
    """:meth:`~cocoonlib.production.Production.grammage_operator` as the page embeds it: the channels (weights,
    projectile rigidities, name of their matrix), each distinct matrix once as a band, and the delta
    approximation's parts (None for AAfrag)."""
    names: dict[int, str] = {}
    matrices = {}
    channels = []
    for ch, M in op["matrix"].items():
        if id(M) not in names:
            names[id(M)] = f"m{len(names)}"
            matrices[names[id(M)]] = _band(M)
        channels.append(
            {
                "name": ch,
                "w": np.asarray(op["weights"][ch], dtype=float),
                "R_GV": np.asarray(op["rigidity_GV"][ch], dtype=float),
                "matrix": names[id(M)],
            }
        )
    d = op["delta"]
    delta = (
        None
        if d is None
        else {
            "rows": np.asarray(d["rows"], dtype=np.int32),
            "matrix": _band(d["matrix"]),
            "full_100": np.asarray(d["full_100"], dtype=float),
            "delta_100": np.asarray(d["delta_100"], dtype=float),
        }
    )
    return {"channels": channels, "matrices": matrices, "delta": delta}


#: the projectile of each channel of the cocoon emissivity ("p-He": protons on helium)
def projectile(channel: str) -> str:
    """'H' or 'He': the species of the projectile of a channel named "<projectile>-<target>"."""
    return "H" if channel.split("-")[0] == "p" else "He"


def cocoon_emissivity(encoded: dict, chi, scale: dict | None = None) -> np.ndarray:
    """Q(E) of one cocoon [GeV^-1] from an :func:`encode_operator` result and a grammage chi(R_GV): the sum the
    browser makes (Kelner: n-tilde per channel, 1 where no projectile reaches 100 GeV photons). ``scale``:
    {species: factor} on the injection of each projectile (the efficiencies of another source normalisation)."""
    mats = encoded["matrices"]
    d = encoded["delta"]
    Q = None
    for ch in encoded["channels"]:
        v = ch["w"] * chi(ch["R_GV"]) * (1.0 if scale is None else scale[projectile(ch["name"])])
        q = band_matvec(mats[ch["matrix"]], v)
        if d is not None:
            den = float(d["delta_100"] @ v)
            n_tilde = float(d["full_100"] @ v) / den if den > 0 else 1.0
            q[d["rows"]] = n_tilde * band_matvec(d["matrix"], v)
        Q = q if Q is None else Q + q
    return Q


# --- the data of the page -----------------------------------------------------------------------------
def _key(*parts) -> str:
    return "|".join(parts)


def _nearest_node(E_grid, E) -> np.ndarray:
    """Indices of the grid nodes at the energies E, which must be nodes (to 1e-9)."""
    i = np.abs(np.log(np.asarray(E, dtype=float))[:, None] - np.log(E_grid)[None, :]).argmin(axis=1)
    if not np.allclose(E_grid[i], E, rtol=1e-9, atol=0.0):
        raise ValueError("the Explore page needs every measured energy on its grid (gamma.sky_energies puts it there)")
    return i.astype(np.int32)


def _band_edges(band) -> dict:
    """{"lo": low edge, "hi": high edge} of a band given as (low, high), in float32 (the page's size)."""
    lo, hi = band
    return {"lo": np.asarray(lo, dtype=np.float32), "hi": np.asarray(hi, dtype=np.float32)}


def _cocoon_factor(sky: gamma.GammaSky, window: str) -> np.ndarray:
    """The curve of the cocoons in a window per unit emissivity (Q = 1 GeV^-1 at every E): J, solid angle, mask."""
    return replace(sky, Q_cocoon={"unit": np.ones_like(sky.E)}).cocoon(window, "unit")


def _operators(P, E, secondary) -> dict:
    spectra = from_params.injection_spectra(P)
    return {
        m: encode_operator(prod.grammage_operator(spectra))
        for m, prod in from_params.cocoon_productions(P, E, secondary).items()
    }


#: the key of the DGE of the transport sea at the transport of source_normalisation = 'sea' (the other seas do not
#: depend on the transport)
SEA_TRANSPORT_KEY = "transport-sea"


def dge_key(s: Setting) -> str:
    """The sea part of a DGE key of the page at a setting."""
    return SEA_TRANSPORT_KEY if s.source_normalisation == "sea" and s.cr_sea == "transport" else s.cr_sea


def _gamma_part(P, P_sea) -> dict:
    skies = {s: from_params.gamma_sky({**P, "cr_sea": s}) for s in diffuse.CR_SEAS}
    skies[SEA_TRANSPORT_KEY] = from_params.gamma_sky({**P_sea, "cr_sea": "transport"})
    sky = skies[P["cr_sea"]]
    E = sky.E
    km2a = {w: load_lhaaso_km2a(w) for w in gamma.GAMMA_WINDOWS}
    return {
        "E": E,
        "windows": list(gamma.GAMMA_WINDOWS),
        "mask": {w: float(sky.mask[w]) for w in gamma.GAMMA_WINDOWS},
        "geometry": {
            w: [sky.windows[w].l_min, sky.windows[w].l_max, sky.windows[w].b_min, sky.windows[w].b_max]
            for w in gamma.GAMMA_WINDOWS
        },
        "cocoon_factor": {w: _cocoon_factor(sky, w) for w in gamma.GAMMA_WINDOWS},
        "dge": {
            _key(s, g, m, w): _band_edges(skies[s].dge_band(w, g, m))
            for s, g, m, w in product(
                (*diffuse.CR_SEAS, SEA_TRANSPORT_KEY), gas.GAS_MODELS, MODELS, gamma.GAMMA_WINDOWS
            )
        },
        "km2a": {
            w: {
                "E": d.E_GeV.to_numpy(float),
                "y": d.E2_flux.to_numpy(float),
                "err_lo": d.E2_err_lo.to_numpy(float),
                "err_hi": d.E2_err_hi.to_numpy(float),
                "index": _nearest_node(E, d.E_GeV.to_numpy(float)),
                "reference": str(d.reference.iloc[0]),
            }
            for w, d in km2a.items()
        },
        "share_index": _nearest_node(E, E_SHARE_GEV),
        "operator": _operators(P, E, "gamma"),
    }


def _neutrino_part(P, P_sea) -> dict:
    E = gamma.energy_grid(P["grid_scale"], 2, 6)  # as chapter 4: Kelner neutrinos exist above 100 GeV only
    seas = {**{s: {**P, "cr_sea": s} for s in diffuse.CR_SEAS}, SEA_TRANSPORT_KEY: {**P_sea, "cr_sea": "transport"}}
    skies = {s: from_params.gamma_sky(Q, E, secondary="nu_all", window_names=("allsky",)) for s, Q in seas.items()}
    flavour = neutrino.allsky_flux_per_flavour
    return {
        "E": E,
        "cocoon_factor": flavour(_cocoon_factor(skies[P["cr_sea"]], "allsky")),
        "dge": {
            _key(s, g, m): _band_edges(flavour(np.stack(skies[s].dge_band("allsky", g, m))))
            for s, g, m in product((*diffuse.CR_SEAS, SEA_TRANSPORT_KEY), gas.GAS_MODELS, MODELS)
        },
        "icecube": {
            name: {"E": b.E_GeV, "best": b.best, "low": b.low, "high": b.high}
            for name, b in neutrino.icecube_bands().items()
        },
        "operator": _operators(P, E, "nu_all"),
    }


#: kinetic energies per nucleon of the B/C curve [GeV/n] (chapter 2's figure), the data's energies added
BC_T_RANGE = (0.4, 2.0e4, 61)


def _bc_part(Pb) -> dict:
    model, data, fit = from_params.bc_fit(Pb, n_profile=0, two_sigma=False)
    transport = {k: v for k, v in fit.best.items() if k != "chi0"}
    fitted = data[data.used]
    T = np.union1d(np.geomspace(*BC_T_RANGE), fitted.T_GeV_n.to_numpy(float))
    basis = {}
    for (name, f), (i, R0) in product(GRAMMAGE_FORMS.items(), enumerate(R0_NODES_TV)):
        m = from_params.bc_model(
            {**Pb, "grammage_model": f.model, "R0": R0, "delta": f.delta, "R_cut": f.R_cut},
            model.abundances,
            model.network,
        )
        basis[_key(name, str(i))] = m.bc_basis(T, **transport)
    first = next(iter(basis.values()))
    return {
        "T": T,
        "transport": {k: float(v) for k, v in transport.items()},
        "chi0_fit": float(fit.chi0),
        "B_gal": first["B_gal"].astype(np.float32),
        "C_gal": first["C_gal"].astype(np.float32),
        "cocoon": {
            k: {"B": b["B_coc"].astype(np.float32), "C": b["C_coc"].astype(np.float32)} for k, b in basis.items()
        },
        "data": {
            e: {
                "T": d.T_GeV_n.to_numpy(float),
                "y": d.BC.to_numpy(float),
                "sigma": d.sigma.to_numpy(float),
                "reference": str(d.reference.iloc[0]),
            }
            for e, d in data.groupby("experiment", sort=False)
        },
        "fitted": {
            "index": _nearest_node(T, fitted.T_GeV_n),
            "y": fitted.BC.to_numpy(float),
            "sigma": fitted.sigma.to_numpy(float),
        },
        "T_min_fit": float(Pb["T_min_fit"]),
    }


def explore_data(defaults: dict | None = None) -> dict:
    """Everything the Explore page embeds, at the chapters' defaults (:func:`chapter_defaults`): a nested dict of
    numbers, strings and numpy arrays, keys as :func:`evaluate` reads them."""
    defaults = chapter_defaults() if defaults is None else defaults
    P, Pb = defaults["gamma"], defaults["bc"]
    P_sea = from_params.resolve_sources({**P, "source_normalisation": "sea"})
    return {
        "controls": {
            "chi0": list(CHI0_SLIDER),
            "chi0_default": float(P["chi0"]),
            "R0_TV": list(R0_NODES_TV),
            "R0_default": R0_NODES_TV.index(P["R0"]),
            "TEV_GEV": TEV_GEV,
            "forms": {
                k: {"label": f.label, "model": f.model, "delta": f.delta, "R_cut": f.R_cut}
                for k, f in GRAMMAGE_FORMS.items()
            },
            "form_default": "exponential",
            "production_models": list(MODELS),
            "production_model_default": P["production_model"],
            "gas_models": list(gas.GAS_MODELS),
            "gas_model_default": P["gas_model"],
            "seas": list(diffuse.CR_SEAS),
            "cr_sea_default": P["cr_sea"],
            "dge_production_model_default": P["dge_production_model"],
            "normalisations": {
                "letter": f"letter: eps_p = {P['eps_p']:.3g}, eps_He = {P['eps_He']:.3g}",
                "sea": f"cocoons as the Galaxy's sources: eps_p = {P_sea['eps_p']:.3g}, eps_He = {P_sea['eps_He']:.3g}",
            },
            "normalisation_default": P["source_normalisation"],
            # factors on the injection of each projectile, against the parameters' efficiencies
            "injection_scale": {
                "letter": {"H": 1.0, "He": 1.0},
                "sea": {"H": P_sea["eps_p"] / P["eps_p"], "He": P_sea["eps_He"] / P["eps_He"]},
            },
        },
        "gamma": _gamma_part(P, P_sea),
        "neutrino": _neutrino_part(P, P_sea),
        "bc": _bc_part(Pb),
    }


# --- the browser's arithmetic, in numpy -------------------------------------------------------------------
def _best_chi2_in_band(y, err_lo, err_hi, lo, hi, add, n: int = 101) -> tuple[float, float]:
    """min over t of chi^2(lo + t (hi - lo) + add) at the points (model at the points' nodes): the browser's
    :func:`cocoonlib.stats.compare.best_chi2_in_band`."""
    best = (np.inf, 0.0)
    for t in np.linspace(0.0, 1.0, n):
        chi2_t = pulls.chi2(lo + t * (hi - lo) + add, y, err_lo, err_hi)
        if chi2_t < best[0]:
            best = (chi2_t, float(t))
    return best


def evaluate(data: dict, s: Setting) -> dict:
    """The page's curves and numbers at one setting, computed from the embedded ``data`` as the browser does.

    Returns {"gamma": {window: {cocoon, dge_lo, dge_hi, share (at E_SHARE_GEV), chi2_km2a, chi2_km2a_dge}},
    "neutrino": {cocoon, dge_lo, dge_hi}, "bc": {total, galactic, cocoon, chi2, n}}; curves on the embedded grids."""
    form = GRAMMAGE_FORMS[s.form]
    chi = lambda R: form.chi(R, s.chi0, s.R0)  # noqa: E731
    out = {"gamma": {}, "neutrino": {}, "bc": {}}
    g = data["gamma"]
    scale = data["controls"]["injection_scale"][s.source_normalisation]
    Q = cocoon_emissivity(g["operator"][s.production_model], chi, scale)
    for w in g["windows"]:
        c = g["cocoon_factor"][w] * Q
        band = g["dge"][_key(dge_key(s), s.gas_model, s.dge_production_model, w)]
        lo, hi = band["lo"], band["hi"]
        k = g["km2a"][w]
        i = g["share_index"]
        at = lambda x: x[k["index"]]  # noqa: E731
        out["gamma"][w] = {
            "cocoon": c,
            "dge_lo": lo,
            "dge_hi": hi,
            "share": c[i] / (c[i] + 0.5 * (lo[i] + hi[i])),
            "chi2_km2a": _best_chi2_in_band(k["y"], k["err_lo"], k["err_hi"], at(lo), at(hi), at(c))[0],
            "chi2_km2a_dge": _best_chi2_in_band(k["y"], k["err_lo"], k["err_hi"], at(lo), at(hi), 0.0)[0],
        }
    n = data["neutrino"]
    band = n["dge"][_key(dge_key(s), s.gas_model, s.dge_production_model)]
    lo, hi = band["lo"], band["hi"]
    out["neutrino"] = {
        "cocoon": n["cocoon_factor"] * cocoon_emissivity(n["operator"][s.production_model], chi, scale),
        "dge_lo": lo,
        "dge_hi": hi,
    }
    b = data["bc"]
    coc = b["cocoon"][_key(s.form, str(R0_NODES_TV.index(s.R0)))]
    basis = {"B_gal": b["B_gal"], "C_gal": b["C_gal"], "B_coc": coc["B"], "C_coc": coc["C"]}
    parts = bc.bc_from_basis({k: v.astype(float) for k, v in basis.items()}, s.chi0)
    f = b["fitted"]
    out["bc"] = {**parts, "chi2": pulls.chi2(parts["total"][f["index"]], f["y"], f["sigma"]), "n": int(f["index"].size)}
    return out
