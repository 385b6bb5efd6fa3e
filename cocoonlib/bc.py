"""The boron-to-carbon ratio with cocoon source grammage, and its fit to AMS-02, CALET and DAMPE.

The model (:class:`BCModel`) is the weighted-slab network of
:mod:`cocoonlib.transport` seen at the top of the atmosphere through the force
field; the fit (:func:`fit_bc`) minimises a chi^2 with iminuit and profiles it in
chi0 (PHYSICS.md 6.7). The fit result can be saved to and read from a JSON file
(:func:`save_fit`, :func:`load_fit`) so that other chapters may use the fitted chi0.
"""
from __future__ import annotations

import json
import math
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import brentq, least_squares

from . import paths
from .data import kiss_total_error, load_bc, read_kiss
from .numerics import loglog_interp
from .nuclear import NETWORK, PRIMARIES, T_from_rigidity
from .transport import Halo, SlabNetwork, force_field
from .units import M_PROTON_GEV

__all__ = [
    "FIT_EXPERIMENTS",
    "bc_fit_data",
    "BCModel",
    "BCFit",
    "fit_bc",
    "calibrate_abundances",
    "abundance_data",
    "outputs_dir",
    "save_fit",
    "load_fit",
    "FIT_FILENAME",
    "FREE_TRANSPORT",
    "halo_from_params",
    "model_from_params",
    "resolve_chi0",
    "fit_from_params",
    "fit_variants",
    "variant_row",
    "isotopes",
]

#: Which registry table stands for each experiment (``ams02_table`` picks the AMS-02 one).
FIT_EXPERIMENTS = {
    "AMS-02": {"PRL2018": "AMS-02 (PRL 2018, SSDC)", "PRL2016": "AMS-02"},
    "CALET": "CALET",
    "DAMPE": "DAMPE",
}
FIT_FILENAME = "bc_fit.json"
#: the letter's cocoon grammage: value and range allowed by its B/C fit [g cm^-2] ([AESB25] abstract and
#: Sec. 3, [ICRC25] Sec. 3); quoted for comparison, never used as a result
LETTER_CHI0 = (0.4, 0.3, 0.6)


def isotopes(element: str) -> tuple[str, ...]:
    """The network's isotopes of an element (e.g. ``'B'`` -> ``('11B', '10B')``)."""
    keys = tuple(n.key for n in NETWORK if n.name == element)
    if not keys:
        raise ValueError(f"element = {element!r} is not allowed: expected one of "
                         f"{', '.join(dict.fromkeys(n.name for n in NETWORK))}")
    return keys


def bc_fit_data(ams02_table: str = "PRL2018", T_min: float = 20.0) -> pd.DataFrame:
    """The B/C points of the fit, one row per point.

    Columns: experiment, T_GeV_n, BC, sigma (statistical and systematic errors added in
    quadrature, then the lower and upper sides averaged), used (T >= T_min), reference, doi.
    AMS-02: ``PRL2018`` is PRL 120, 021101 (the SSDC export gives stat+sys combined);
    ``PRL2016`` is PRL 117, 231102 (CRDB, stat and sys separate).
    """
    if ams02_table not in FIT_EXPERIMENTS["AMS-02"]:
        raise ValueError(f"ams02_table = {ams02_table!r} is not allowed: expected one of "
                         f"{', '.join(FIT_EXPERIMENTS['AMS-02'])}")
    frames = []
    for exp, table in FIT_EXPERIMENTS.items():
        name = table[ams02_table] if isinstance(table, dict) else table
        d = load_bc(name)
        frames.append(pd.DataFrame({
            "experiment": exp, "T_GeV_n": d.T_GeV_n, "BC": d.BC, "sigma": 0.5 * (d.err_lo + d.err_hi),
            "used": d.T_GeV_n >= T_min, "reference": d.attrs["reference"], "doi": d.attrs["doi"],
        }))
    return pd.concat(frames, ignore_index=True)


class BCModel:
    """B/C (and C/O, N/O) at the top of the atmosphere as a function of transport and cocoon parameters.

    Parameters
    ----------
    network : SlabNetwork
    halo : Halo
        Transport parameters; :meth:`bc` accepts overrides (e.g. ``D0``, ``delta``).
    phi_GV : float
        Force-field potential.
    abundances : dict
        Source abundances ``{'C': 1, 'N': y_N, 'O': y_O}`` at equal T/n.
    grammage_model, R0, delta_c, R_cut : cocoon grammage chi_c(R) (chapter 1).
    """

    def __init__(self, network: SlabNetwork, halo: Halo, phi_GV: float, abundances: dict,
                 grammage_model: str = "exponential", R0: float = 20.0, delta_c: float = 1.0,
                 R_cut: float = np.inf):
        self.network, self.halo, self.phi = network, halo, phi_GV
        self.abundances = dict(abundances)
        self.grammage_model, self.R0, self.delta_c, self.R_cut = grammage_model, R0, delta_c, R_cut

    def lis(self, chi0: float, **halo_changes) -> dict[str, np.ndarray]:
        """LIS intensities of the network, ``{key: (2, nT)}`` (row 0 Galactic, row 1 cocoon)."""
        halo = self.halo.with_(**halo_changes) if halo_changes else self.halo
        return self.network.solve(halo, self.abundances, chi0, self.R0, self.grammage_model, self.delta_c,
                                  self.R_cut)

    def _toa(self, lis, keys, T, row=None):
        net = self.network
        out = 0.0
        for k in keys:
            n = net.nuclei[k]
            x = lis[k].sum(axis=0) if row is None else lis[k][row]
            out = out + force_field(T, net.T, x, n.A, n.Z, self.phi)
        return out

    def bc_basis(self, T_GeV_n, **halo_changes) -> dict[str, np.ndarray]:
        """TOA boron and carbon at T [GeV/n], split into the Galactic part and the cocoon part per unit chi0.

        The cocoon source term is linear in chi0 (every grammage model is chi0 times a shape, and the
        cocoon secondaries do not feed back on the primaries), so one network solution at chi0 = 1
        gives B/C for every chi0: see :func:`bc_from_basis`. Keys ``B_gal``, ``B_coc``, ``C_gal``, ``C_coc``.
        """
        T = np.asarray(T_GeV_n, dtype=float)
        lis = self.lis(1.0, **halo_changes)
        return {f"{el}_{part}": self._toa(lis, isotopes(el), T, row=row)
                for el in ("B", "C") for part, row in (("gal", 0), ("coc", 1))}

    def bc_parts(self, T_GeV_n, chi0: float, **halo_changes) -> dict[str, np.ndarray]:
        """B/C at TOA kinetic energy per nucleon: ``total``, ``galactic`` and ``cocoon`` parts."""
        return bc_from_basis(self.bc_basis(T_GeV_n, **halo_changes), chi0)

    def bc(self, T_GeV_n, chi0: float, **halo_changes) -> np.ndarray:
        """B/C at TOA kinetic energy per nucleon T [GeV/n]."""
        return self.bc_parts(T_GeV_n, chi0, **halo_changes)["total"]

    def element_flux_rigidity(self, lis, element: str, R_GV) -> np.ndarray:
        """TOA flux of an element per unit rigidity (arbitrary units): sum over isotopes of I(T(R)) dT/dR."""
        R = np.asarray(R_GV, dtype=float)
        out = 0.0
        for k in isotopes(element):
            n = self.network.nuclei[k]
            T = T_from_rigidity(R, n.A, n.Z)
            dTdR = (n.Z / n.A) ** 2 * R / (T + M_PROTON_GEV)
            out = out + self._toa(lis, (k,), T) * dTdR
        return out


def bc_from_basis(basis: dict[str, np.ndarray], chi0: float) -> dict[str, np.ndarray]:
    """B/C parts for cocoon grammage ``chi0`` from :meth:`BCModel.bc_basis` (no new network solution):

    B/C = (B_gal + chi0 B_coc) / (C_gal + chi0 C_coc), split into the Galactic and the cocoon numerator.
    """
    C = basis["C_gal"] + chi0 * basis["C_coc"]
    gal, coc = basis["B_gal"] / C, chi0 * basis["B_coc"] / C
    return {"total": gal + coc, "galactic": gal, "cocoon": coc}


# --- source abundances ------------------------------------------------------------------------
def abundance_data(R_min: float = 20.0, R_max: float = 1000.0) -> pd.DataFrame:
    """AMS-02 C/O and N/O versus rigidity (Phys. Rep. 894, 1, 2021) between R_min and R_max [GV].

    C/O is the published ratio; N/O is the N flux interpolated (log-log) to the O bins,
    divided by the O flux, errors added in quadrature (correlations ignored).
    """
    co = read_kiss("bc_ratio/AMS-02_C_O_rigidity.txt")
    N = read_kiss("bc_ratio/AMS-02_N_rigidity.txt")
    O = read_kiss("bc_ratio/AMS-02_O_rigidity.txt")

    err = kiss_total_error
    Nint = loglog_interp(O.x, N.x, N.y)
    Nerr = loglog_interp(O.x, N.x, err(N)) / Nint
    no = Nint / O.y
    rows = [pd.DataFrame({"ratio": "C/O", "R_GV": co.x, "value": co.y, "sigma": err(co)}),
            pd.DataFrame({"ratio": "N/O", "R_GV": O.x, "value": no, "sigma": no * np.hypot(Nerr, err(O) / O.y)})]
    df = pd.concat(rows, ignore_index=True)
    return df[(df.R_GV >= R_min) & (df.R_GV <= R_max)].reset_index(drop=True)


def calibrate_abundances(model: BCModel, data: pd.DataFrame | None = None) -> dict[str, float]:
    """Source abundances of N and O (relative to C = 1) that fit AMS-02 C/O and N/O (least squares).

    The network is linear in the sources, so the three one-element solutions are
    computed once and combined; the cocoon term is left out (it changes C, N, O by < 1 %).
    """
    data = abundance_data() if data is None else data
    basis = {}
    for el in PRIMARIES:
        m = BCModel(model.network, model.halo, model.phi, {e: float(e == el) for e in PRIMARIES})
        lis = m.lis(0.0)
        basis[el] = {x: m.element_flux_rigidity(lis, x, data.R_GV) for x in ("C", "N", "O")}

    def flux(x, y):
        return basis["C"][x] + y[0] * basis["N"][x] + y[1] * basis["O"][x]

    def resid(y):
        O = flux("O", y)
        pred = np.where(data.ratio == "C/O", flux("C", y) / O, flux("N", y) / O)
        return (pred - data.value) / data.sigma

    sol = least_squares(resid, x0=[0.2, 1.0], bounds=([0, 0], [10, 10]))
    return {"C": 1.0, "N": float(sol.x[0]), "O": float(sol.x[1])}


# --- the fit ----------------------------------------------------------------------------------
@dataclass
class BCFit:
    """Result of the B/C fit (all that other chapters need, JSON-serialisable)."""

    free: list
    best: dict
    errors: dict
    covariance: dict
    chi2: float
    ndof: int
    chi2_by_experiment: dict
    n_by_experiment: dict
    chi0_interval_1sigma: list
    chi0_interval_2sigma: list
    profile_chi0: list
    profile_dchi2: list
    chi2_no_cocoon: float
    best_no_cocoon: dict
    settings: dict = field(default_factory=dict)

    @property
    def chi0(self) -> float:
        return self.best["chi0"]

    @property
    def delta_chi2_no_cocoon(self) -> float:
        return self.chi2_no_cocoon - self.chi2


def fit_bc(model: BCModel, data: pd.DataFrame, free_transport=("D0", "delta"), chi0_max: float = 1.5,
           n_profile: int = 31, two_sigma: bool = True) -> BCFit:
    """Fit chi0 (>= 0) and the ``free_transport`` halo parameters to the ``used`` B/C points.

    chi^2 = sum ((model - data)/sigma)^2 with sigma = stat (+) sys, minimised with Migrad (iminuit).
    Returns the best fit with the Hesse covariance; the 1 (and, with ``two_sigma``, 2) sigma interval
    of chi0 from Minos, i.e. where the profile of chi^2 in chi0 (all other free parameters minimised)
    rises by 1 (4), clipped at chi0 = 0 and open (inf) if it does not rise before chi0 = 10; the profile
    itself on ``n_profile`` points across the best fit -+ :data:`PROFILE_HALF_WIDTH` Hesse errors, within
    [0, chi0_max] (0: none); chi^2 per experiment; and the fit with chi0 = 0. If Minos fails, the interval is found by root-finding on the profile instead.

    The network is solved once per set of halo parameters (:meth:`BCModel.bc_basis`); chi0 then
    enters in closed form (:func:`bc_from_basis`), so a step in chi0 alone costs no solution.
    """
    from iminuit import Minuit

    for p in free_transport:
        if p not in ("D0", "delta"):
            raise ValueError(f"free transport parameter {p!r} is not allowed: expected D0 and/or delta")
    d = data[data.used]
    T, y, s = d.T_GeV_n.to_numpy(), d.BC.to_numpy(), d.sigma.to_numpy()
    if len(y) <= len(free_transport) + 1:
        raise ValueError(f"only {len(y)} B/C points above the energy cut: too few for the fit")
    start = {p: getattr(model.halo, p) for p in free_transport}
    names = ["chi0", *free_transport]
    bases: dict[tuple, dict] = {}  # halo parameters -> basis at the data points (this fit only)

    def predict(chi0, halo_values):
        key = tuple(halo_values)
        if key not in bases:
            bases[key] = model.bc_basis(T, **dict(zip(free_transport, key)))
        return bc_from_basis(bases[key], chi0)["total"]

    def chi2(*par):
        return float(np.sum(((predict(par[0], par[1:]) - y) / s) ** 2))

    def minimise(chi0_fixed=None, init=None):
        init = init or {"chi0": 0.4, **start}
        m = Minuit(chi2, *[init[n] for n in names], name=names)
        m.errordef = Minuit.LEAST_SQUARES
        m.limits["chi0"] = CHI0_LIMITS
        if "D0" in names:
            m.limits["D0"] = (0.05, 50.0)
        if "delta" in names:
            m.limits["delta"] = (0.1, 1.2)
        if chi0_fixed is not None:
            m.values["chi0"] = chi0_fixed
            m.fixed["chi0"] = True
        m.migrad()
        return m

    m = minimise()
    if not m.valid:
        warnings.warn("B/C fit: Migrad did not report a valid minimum", RuntimeWarning)
    m.hesse()
    best = dict(zip(names, map(float, m.values)))
    chi2_min = float(m.fval)

    cache: dict[float, tuple[float, dict]] = {}

    def prof(c):
        c = float(c)
        if c not in cache:
            near = min(cache, key=lambda k: abs(k - c)) if cache else None
            init = {**best, **(cache[near][1] if near is not None else {})}
            mm = minimise(c, init)
            cache[c] = (float(mm.fval), dict(zip(names, map(float, mm.values))))
        return cache[c][0] - chi2_min

    half = PROFILE_HALF_WIDTH * float(m.errors["chi0"])
    grid = np.linspace(max(0.0, best["chi0"] - half), min(chi0_max, best["chi0"] + half), n_profile)
    dchi2 = [prof(c) for c in grid]

    def interval(n_sigma):
        m.minos("chi0", cl=n_sigma)
        me = m.merrors["chi0"]
        lo = 0.0 if me.at_lower_limit else best["chi0"] + me.lower
        hi = math.inf if me.at_upper_limit else best["chi0"] + me.upper
        if (me.lower_valid or me.at_lower_limit) and (me.upper_valid or me.at_upper_limit):
            return [float(lo), float(hi)]
        warnings.warn(f"B/C fit: Minos failed for the {n_sigma} sigma interval of chi0; root-finding on the profile",
                      RuntimeWarning)
        return profile_interval(prof, best["chi0"], n_sigma**2)

    i1 = interval(1)
    i2 = interval(2) if two_sigma else [math.nan, math.nan]
    resid2 = ((predict(best["chi0"], [best[p] for p in free_transport]) - y) / s) ** 2
    parts = {e: float(resid2[(d.experiment == e).to_numpy()].sum()) for e in d.experiment.unique()}
    m0 = minimise(0.0, best)
    cov = {a: {b: float(m.covariance[a, b]) for b in names} for a in names}
    return BCFit(
        free=names, best=best, errors={n: float(m.errors[n]) for n in names}, covariance=cov,
        chi2=chi2_min, ndof=int(len(y) - len(names)), chi2_by_experiment=parts,
        n_by_experiment={e: int((d.experiment == e).sum()) for e in d.experiment.unique()},
        chi0_interval_1sigma=i1, chi0_interval_2sigma=i2,
        profile_chi0=[float(c) for c in grid], profile_dchi2=[float(v) for v in dchi2],
        chi2_no_cocoon=float(m0.fval), best_no_cocoon=dict(zip(names, map(float, m0.values))),
    )


#: the profile of chi0 spans the best fit -+ this many Hesse errors (Delta chi^2 ~ 20 for a parabola, beyond
#: the 2 sigma interval and the range the chapter draws; assumed)
PROFILE_HALF_WIDTH = 4.5

#: the range Migrad may give chi0 [g cm^-2] (assumed: ten times the letter's best fit, far outside any interval)
CHI0_LIMITS = (0.0, 10.0)


def profile_interval(profile, best: float, level: float) -> list[float]:
    """Where ``profile(c)`` (Delta chi^2 in chi0) crosses ``level`` below and above ``best``, by Brent's method;
    0 if it stays below ``level`` down to chi0 = 0, inf if it does so up to the upper chi0 limit."""
    lo = 0.0 if profile(0.0) <= level else brentq(lambda c: profile(c) - level, 0.0, best, xtol=1e-5)
    top = CHI0_LIMITS[1]
    hi = math.inf if profile(top) < level else brentq(lambda c: profile(c) - level, best, top, xtol=1e-5)
    return [float(lo), float(hi)]


# --- from the book's parameters ---------------------------------------------------------------
#: ``free_transport`` parameter -> the halo parameters fitted with chi0.
FREE_TRANSPORT = {"D0": ("D0",), "D0+delta": ("D0", "delta"), "none": ()}


def halo_from_params(P: dict) -> Halo:
    """The :class:`Halo` of a validated parameter dict (names of :data:`cocoonlib.params.PARAMETERS`)."""
    return Halo(D0=P["D0"], delta=P["delta_gal"], ddelta=P["ddelta"], s=P["s_break"], R_b=P["R_b"],
                H=P["H_halo"], v_A=P["v_A"], mu=P["mu_disk"], f_He=P["f_He"])


#: energy nodes per decade of the B/C network (assumed: with the second-order slab step, 20 per decade
#: changes no key number of chapter 2 by more than 0.1 % when doubled; ``grid_scale`` multiplies it)
ENERGY_PER_DECADE = 20


#: the parameters the B/C network (cross sections on the energy grid) depends on
NETWORK_PARAMETERS = ("xsec_fragmentation", "xsec_inelastic", "f_He", "gamma_nuclei", "grid_scale")


def network_from_params(P: dict) -> SlabNetwork:
    """The B/C network of a validated parameter dict (built once, then solved many times)."""
    return SlabNetwork(P["xsec_fragmentation"], P["xsec_inelastic"], P["f_He"], P["gamma_nuclei"],
                       per_decade=ENERGY_PER_DECADE * P.get("grid_scale", 1))


def model_from_params(P: dict, abundances: dict | None = None, network: SlabNetwork | None = None) -> BCModel:
    """The B/C model of a validated parameter dict; source abundances from y_N, y_O unless given; the
    network is built unless one made from the same :data:`NETWORK_PARAMETERS` is given."""
    net = network_from_params(P) if network is None else network
    ab = abundances if abundances is not None else {"C": 1.0, "N": P["y_N"], "O": P["y_O"]}
    return BCModel(net, halo_from_params(P), P["phi"], ab, P["grammage_model"], P["R0"], P["delta"],
                   P.get("R_cut", np.inf))


def fit_from_params(P: dict, model: BCModel | None = None, n_profile: int | None = None,
                    two_sigma: bool = True) -> tuple[BCModel, pd.DataFrame, BCFit]:
    """Model, data and fit for a validated parameter dict (the chapter's defaults unless changed)."""
    model = model_from_params(P) if model is None else model
    data = bc_fit_data(P["ams02_table"], P["T_min_fit"])
    extra = {} if n_profile is None else {"n_profile": n_profile}
    fit = fit_bc(model, data, FREE_TRANSPORT[P["free_transport"]], P["chi0_scan_max"], two_sigma=two_sigma, **extra)
    fit.settings = {k: P[k] for k in ("xsec_fragmentation", "xsec_inelastic", "ams02_table", "T_min_fit",
                                      "free_transport", "grammage_model", "R0", "delta", "R_cut", "phi", "y_N", "y_O")
                    if k in P}
    # the transport the fit was made with, by parameter name, best-fit values in place (read by transport_source = fit)
    fit.settings["halo"] = {k: P[k] for k in ("D0", "delta_gal", "ddelta", "s_break", "R_b", "H_halo", "v_A", "mu_disk",
                                              "f_He")} | {name: fit.best[p] for p, name in (("D0", "D0"), ("delta", "delta_gal"))
                                                          if p in fit.best}
    return model, data, fit


def variant_row(fit: BCFit, P: dict) -> dict:
    """One row of :func:`fit_variants` from a fit and the parameters it was made with."""
    return {
        "chi0": fit.chi0, "chi0_lo": fit.chi0_interval_1sigma[0], "chi0_hi": fit.chi0_interval_1sigma[1],
        "chi2": fit.chi2, "ndof": fit.ndof, "D0": fit.best.get("D0", P["D0"]),
        "delta_gal": fit.best.get("delta", P["delta_gal"]), "delta_chi2_no_cocoon": fit.delta_chi2_no_cocoon,
    }


def fit_variants(P: dict, variants: dict[str, dict]) -> pd.DataFrame:
    """Refit B/C for each ``label -> {parameter: value}`` change of ``P``; one row per variant.

    Columns: chi0, chi0_lo, chi0_hi (1 sigma), chi2, ndof, D0, delta_gal, delta_chi2_no_cocoon.
    Only the best fit, the 1 sigma interval and the fit without cocoons are made (no profile grid, no
    2 sigma interval). Variants that keep the :data:`NETWORK_PARAMETERS` share one network; a variant
    that changes a cross-section table recalibrates the source abundances of N and O first.
    """
    rows, networks = {}, {}
    for label, changes in variants.items():
        Q = {**P, **changes}
        key = tuple(Q.get(k) for k in NETWORK_PARAMETERS)
        if key not in networks:
            networks[key] = network_from_params(Q)
        model = model_from_params(Q, network=networks[key])
        if {"xsec_fragmentation", "xsec_inelastic"} & set(changes):  # new tables: recalibrate C:N:O
            model = model_from_params(Q, calibrate_abundances(model), networks[key])
        _, _, f = fit_from_params(Q, model, n_profile=0, two_sigma=False)
        rows[label] = variant_row(f, Q)
    return pd.DataFrame.from_dict(rows, orient="index")


def resolve_chi0(chi0: float, chi0_source: str = "parameter", path: str | Path | None = None) -> float:
    """The chi0 a chapter should use: its own parameter, or the best fit saved by chapter 2 (``'fit'``)."""
    if chi0_source == "parameter":
        return chi0
    if chi0_source == "fit":
        return load_fit(path).chi0
    raise ValueError(f"chi0_source = {chi0_source!r} is not allowed: expected one of 'parameter', 'fit'")


# --- saving and reading -----------------------------------------------------------------------
def outputs_dir() -> Path:
    """Where chapters write files for other chapters: ``$COCOON_OUTPUT_DIR`` or ``<repo>/outputs``."""
    return paths.env_path("COCOON_OUTPUT_DIR") or paths.ROOT / "outputs"


def save_fit(fit: BCFit, path: str | Path | None = None) -> Path:
    """Write the fit as JSON (default ``outputs_dir()/bc_fit.json``); returns the path."""
    path = Path(path) if path is not None else outputs_dir() / FIT_FILENAME
    path.parent.mkdir(parents=True, exist_ok=True)
    out = asdict(fit)
    out["chi0_interval_1sigma"] = [v if math.isfinite(v) else None for v in fit.chi0_interval_1sigma]
    out["chi0_interval_2sigma"] = [v if math.isfinite(v) else None for v in fit.chi0_interval_2sigma]
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    tmp.replace(path)
    return path


def load_fit(path: str | Path | None = None) -> BCFit:
    """Read a fit saved by :func:`save_fit`; a clear error if chapter 2 has not been run."""
    path = Path(path) if path is not None else outputs_dir() / FIT_FILENAME
    if not path.exists():
        raise FileNotFoundError(f"no B/C fit at {path}: run chapter 2 first (cocoon run bc -o DIR, then set "
                                f"COCOON_OUTPUT_DIR=DIR) or build the book")
    raw = json.loads(path.read_text())
    for k in ("chi0_interval_1sigma", "chi0_interval_2sigma"):
        raw[k] = [math.inf if v is None else v for v in raw[k]]
    return BCFit(**raw)
