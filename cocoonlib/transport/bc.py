"""The boron-to-carbon ratio with cocoon source grammage.

The model (:class:`BCModel`) is the weighted-slab network of :mod:`cocoonlib.transport.slab` seen at the top of the
atmosphere through the force field (Methods, methods-bc-fit); its fit to AMS-02, CALET and DAMPE is
:mod:`cocoonlib.stats.bc_fit`, the measured tables are :mod:`cocoonlib.io.cosmic_ray_data`.

The network holds every nucleus from boron to nickel the cross-section tables cover; its source
abundances are calibrated on the AMS-02 primaries (:func:`calibrate_abundances`) or taken from the CRAMS
code (:func:`crams_abundances`). :func:`boron_by_parent_group` splits boron by the primary it comes from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from cocoonlib.core import pulls
from cocoonlib.core.kinematics import T_from_rigidity
from cocoonlib.core.units import M_PROTON_GEV
from cocoonlib.io.cosmic_ray_data import ELEMENT_FLUX_TABLES, abundance_data
from cocoonlib.io.data import read_transcribed
from cocoonlib.transport.nuclear import ELEMENTS, NETWORK
from cocoonlib.transport.slab import Halo, SlabNetwork, force_field, galactic_grammage

__all__ = [
    "abundance_table",
    "BCModel",
    "GrammageCrossing",
    "grammage_crossing",
    "calibrate_abundances",
    "CALIBRATED_ELEMENTS",
    "crams_injection",
    "predicted_ratios",
    "crams_abundances",
    "source_abundances",
    "SOURCE_ABUNDANCES",
    "PARENT_GROUPS",
    "boron_by_parent_group",
    "heavy_parent_share",
    "LIGHT_PARENT_GROUPS",
    "cocoon_share_of_bc",
    "isotopes",
]

#: the letter's cocoon grammage: value and range allowed by its B/C fit [g cm^-2] ([AESB25] abstract and
#: Sec. 3, [ICRC25] Sec. 3); quoted for comparison, never used as a result
LETTER_CHI0 = (0.4, 0.3, 0.6)


@dataclass(frozen=True)
class GrammageCrossing:
    """Where the cocoon grammage reaches the Galactic one: the rigidity [GV] (nan if it never does on the grid),
    and the largest ratio cocoon / Galactic with its rigidity [GV]."""

    R_GV: float
    peak_ratio: float
    R_peak_GV: float


#: the rigidities [GV] on which :func:`grammage_crossing` looks (3 GV - 300 TV, 60 points per decade)
CROSSING_GRID_GV = np.logspace(0.5, 5.5, 300)


def grammage_crossing(halo: Halo, chi_c, A: int = 12, Z: int = 6, R_GV=CROSSING_GRID_GV) -> GrammageCrossing:
    """The first rigidity on the grid ``R_GV`` where the cocoon grammage ``chi_c(R)`` [g cm^-2] reaches the Galactic
    grammage of nucleus (A, Z) in ``halo`` (:func:`cocoonlib.transport.slab.galactic_grammage`), interpolated
    log-log between the grid points on either side (book, Methods: the secondary ratio (methods-secondary-ratio))."""
    R = np.asarray(R_GV, dtype=float)
    ratio = chi_c(R) / galactic_grammage(T_from_rigidity(R, A, Z), A, Z, halo)
    above = np.flatnonzero(ratio >= 1.0)
    R_equal = math.nan
    if above.size and above[0] > 0:
        i = above[0]
        R_equal = float(np.exp(np.interp(0.0, np.log(ratio[i - 1 : i + 1]), np.log(R[i - 1 : i + 1]))))
    return GrammageCrossing(R_equal, float(ratio.max()), float(R[np.argmax(ratio)]))


def isotopes(element: str, network: SlabNetwork | None = None) -> tuple[str, ...]:
    """The network's isotopes of an element (e.g. ``'B'`` -> ``('11B', '10B')``); the C-N-O network's if
    ``network`` is None."""
    nuclei = NETWORK if network is None else [network.nuclei[k] for k in network.order]
    keys = tuple(n.key for n in nuclei if n.name == element)
    if not keys:
        raise ValueError(
            f"element = {element!r} is not allowed: expected one of {', '.join(dict.fromkeys(n.name for n in nuclei))}"
        )
    return keys


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
        Source abundances at equal T/n, by element (``{'C': 1, 'N': y_N, 'O': y_O, ...}``) or by nucleus
        (``{'12C': ..., '56Fe': ...}``): :func:`source_abundances`.
    grammage_model, R0, delta_c, R_cut : cocoon grammage chi_c(R) (chapter 1).
    cocoon_daughters : {'all', 'secondaries'}
        Which nuclei get the cocoon source term (:meth:`cocoonlib.transport.slab.SlabNetwork.solve`).
    """

    def __init__(
        self,
        network: SlabNetwork,
        halo: Halo,
        phi_GV: float,
        abundances: dict,
        grammage_model: str = "exponential",
        R0: float = 20.0,
        delta_c: float = 1.0,
        R_cut: float = np.inf,
        cocoon_daughters: str = "all",
    ):
        self.network, self.halo, self.phi = network, halo, phi_GV
        self.abundances = dict(abundances)
        self.grammage_model, self.R0, self.delta_c, self.R_cut = grammage_model, R0, delta_c, R_cut
        self.cocoon_daughters = cocoon_daughters

    def with_abundances(self, abundances: dict) -> BCModel:
        """The same model with other source abundances (the network is shared)."""
        return BCModel(
            self.network,
            self.halo,
            self.phi,
            abundances,
            self.grammage_model,
            self.R0,
            self.delta_c,
            self.R_cut,
            self.cocoon_daughters,
        )

    def lis(self, chi0: float, **halo_changes) -> dict[str, np.ndarray]:
        """LIS intensities of the network, ``{key: (2, nT)}`` (row 0 Galactic, row 1 cocoon)."""
        halo = self.halo.with_(**halo_changes) if halo_changes else self.halo
        return self.network.solve(
            halo, self.abundances, chi0, self.R0, self.grammage_model, self.delta_c, self.R_cut, self.cocoon_daughters
        )

    def _toa(self, lis, keys, T, row=None):
        """TOA intensity of the nuclei ``keys`` summed, from their LIS rows ``row`` (an index, a slice: both rows
        at once, or None: their sum)."""
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
        out = {}
        for el in ("B", "C"):
            out[f"{el}_gal"], out[f"{el}_coc"] = self._toa(lis, isotopes(el, self.network), T, row=slice(None))
        return out

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
        for k in isotopes(element, self.network):
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
#: the elements whose source abundances are fitted to AMS-02 with ``source_abundances = "fit"`` (the mostly
#: primary elements with data; Na, Al and S, about half secondary, are left to the check of the chapter)
CALIBRATED_ELEMENTS = ("C", "N", "O", "Ne", "Mg", "Si", "Fe")

SOURCE_ABUNDANCES = ("fit", "crams")


def predicted_ratios(model: BCModel, data: pd.DataFrame) -> np.ndarray:
    """The model's X/O at the rows of :func:`abundance_data` (TOA, no cocoon term)."""
    lis = model.lis(0.0)
    O = model.element_flux_rigidity(lis, "O", data.R_GV)
    out = np.empty(len(data))
    for x in dict.fromkeys(data.element):
        sel = (data.element == x).to_numpy()
        out[sel] = model.element_flux_rigidity(lis, x, data.R_GV[sel]) / O[sel]
    return out


def crams_injection() -> dict[str, float]:
    """CRAMS v1.1 injection abundance q_Z of each element (``data/transcribed/crams_injection_abundances.csv``)."""
    t = read_transcribed("crams_injection_abundances.csv")
    return dict(zip(t.element, t.q.astype(float)))


def _main_mass_number(network: SlabNetwork, element: str) -> int:
    fractions = network.element_fractions(element)
    return network.nuclei[max(fractions, key=fractions.get)].A


def _crams_ratio(network: SlabNetwork, element: str, reference: str) -> float:
    """CRAMS's source abundance of ``element`` over ``reference`` in this book's units (equal T/n, per
    element): q_X A_X^(3 - gamma) / (q_ref A_ref^(3 - gamma)), A the mass number of the main isotope."""
    q, g = crams_injection(), network.gamma_nuclei
    return (
        q[element]
        * _main_mass_number(network, element) ** (3.0 - g)
        / (q[reference] * _main_mass_number(network, reference) ** (3.0 - g))
    )


def tied_elements(network: SlabNetwork, calibrated) -> dict[str, tuple[str, float]]:
    """Elements of the network that have a CRAMS injection abundance but are not calibrated, with the
    calibrated element they follow and the CRAMS ratio to it: ``{X: (reference, ratio)}``.

    The reference is the calibrated element nearest in charge (the lighter one on a tie); elements with
    neither data nor a CRAMS abundance (F, Cl, K, Sc-V, Mn, Co) are not injected: pure secondaries.
    """
    q = crams_injection()
    z = {el: ELEMENTS.index(el) for el in network.elements}
    out = {}
    for el in network.injectable:
        if el in calibrated or q.get(el, 0.0) <= 0:
            continue
        ref = min(calibrated, key=lambda c: (abs(ELEMENTS.index(c) - z[el]), ELEMENTS.index(c)))
        out[el] = (ref, _crams_ratio(network, el, ref))
    return out


def calibrate_abundances(model: BCModel, data: pd.DataFrame | None = None, elements=None) -> dict[str, float]:
    """Source abundances (per element at equal T/n, relative to C = 1) that fit the AMS-02 ratios X/O.

    ``elements``: the calibrated elements, by default those of :data:`CALIBRATED_ELEMENTS` the network has
    (C, N, O for the C-N-O network); the other elements with a CRAMS abundance follow their nearest
    calibrated neighbour (:func:`tied_elements`). The network is linear in the sources, so one solution per
    calibrated element (with its followers) is computed once and the ratios are fitted by least squares;
    the cocoon term is left out (it changes the primaries by < 1 %).
    """
    net = model.network
    elements = [e for e in CALIBRATED_ELEMENTS if e in net.injectable] if elements is None else list(elements)
    missing = [e for e in elements if e not in net.injectable]
    if missing or "C" not in elements or "O" not in elements:
        raise ValueError(
            f"calibrated elements {elements!r}: C and O are needed, and {', '.join(missing) or '-'} "
            f"are not in the network ({', '.join(net.injectable)})"
        )
    data = abundance_data(elements=elements) if data is None else data
    ties = tied_elements(net, elements)
    numerators = list(dict.fromkeys(data.element))
    basis = {}
    for el in elements:
        m = model.with_abundances({el: 1.0, **{x: r for x, (ref, r) in ties.items() if ref == el}})
        lis = m.lis(0.0)
        basis[el] = {x: m.element_flux_rigidity(lis, x, data.R_GV) for x in [*numerators, "O"]}
    free = [e for e in elements if e != "C"]
    rows = {x: (data.element == x).to_numpy() for x in numerators}

    def flux(x, y):
        return basis["C"][x] + sum(v * basis[e][x] for e, v in zip(free, y))

    def resid(y):
        pred = np.zeros(len(data))
        O = flux("O", y)
        for x, sel in rows.items():
            pred[sel] = (flux(x, y) / O)[sel]
        return (pred - data.value.to_numpy()) / data.sigma.to_numpy()

    start = [_crams_ratio(net, e, "C") for e in free]
    sol = least_squares(resid, x0=start, bounds=(0.0, 100.0), x_scale="jac", xtol=1e-12, ftol=1e-12, gtol=1e-12)
    out = {"C": 1.0, **{e: float(v) for e, v in zip(free, sol.x)}}
    out.update({x: r * out[ref] for x, (ref, r) in ties.items()})
    return out


def abundance_table(
    model: BCModel, fitted: dict | None = None, elements=None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Chapter 2's table of the source abundances per element and how they meet AMS-02: (table, the X/O points of
    ``elements`` (default: every element with a flux table) that the network holds, the model's X/O at them).

    Table columns, per element relative to carbon at equal T/n: fitted to AMS-02 (``fitted``, e.g. the model's own
    abundances when they are the fit; :func:`calibrate_abundances` if None; calibrated elements only), CRAMS v1.1 (:func:`crams_abundances`), used by ``model``; the chi^2 of its X/O points
    (:func:`cocoonlib.core.pulls.pull`), their number, and model/data at the first and last point."""
    net = model.network
    shown = [e for e in (elements or ELEMENT_FLUX_TABLES) if e in ELEMENT_FLUX_TABLES and e != "O"]
    data = abundance_data(elements=["O", *shown])
    in_net = data[data.element.isin(net.injectable)]
    pred = pd.Series(predicted_ratios(model, in_net), index=in_net.index)
    calibrated = [e for e in CALIBRATED_ELEMENTS if e in net.injectable]
    fitted = calibrate_abundances(model) if fitted is None else fitted
    element_of = lambda k: k if k in ELEMENTS else net.nuclei[k].name  # noqa: E731
    ends = (pred / in_net.value).groupby(in_net.element).agg(lambda r: f"{r.iloc[0]:.2f} -> {r.iloc[-1]:.2f}")
    table = pd.DataFrame(
        {
            "fitted to AMS-02": pd.Series({e: fitted[e] for e in calibrated if e in fitted}),
            "CRAMS v1.1": pd.Series(crams_abundances(net)).groupby(lambda k: net.nuclei[k].name).sum(),
            "used (this run)": pd.Series(model.abundances).groupby(element_of).sum(),
            "chi2 of X/O": (pulls.pull(pred, in_net.value, in_net.sigma) ** 2).groupby(in_net.element).sum(),
            "points": in_net.groupby("element").size(),
            "model/data, 20 GV -> 1 TV": ends,
        }
    )
    return table.reindex([e for e in net.elements[::-1] if e in table.index]), in_net, pred


def crams_abundances(network: SlabNetwork) -> dict[str, float]:
    """Source abundances of the network's nuclei as CRAMS v1.1 injects them (``source_abundances = "crams"``).

    Per nucleus, at equal T/n and relative to C: q_Z f_iso A^(3 - gamma) / (q_C 12^(3 - gamma)), with q_Z of
    :func:`crams_injection`, f_iso the isotopic fraction (:meth:`cocoonlib.transport.slab.SlabNetwork.element_fractions`)
    and A^(3 - gamma) because CRAMS injects A q beta^-1 (A p_n)^(2 - gamma) where this book injects
    y beta^-1 p_n^(2 - gamma). Elements with q_Z > 0 that the network lacks are left out
    (:func:`crams_left_out`).
    """
    q, g = crams_injection(), network.gamma_nuclei
    norm = q["C"] * 12.0 ** (3.0 - g)
    out = {}
    for el in network.injectable:
        if q.get(el, 0.0) > 0:
            for iso, pct in network.element_fractions(el).items():
                out[iso] = q[el] * pct / 100.0 * network.nuclei[iso].A ** (3.0 - g) / norm
    return out


def crams_left_out(network: SlabNetwork) -> list[str]:
    """Elements heavier than He that CRAMS injects but the network's cross-section tables do not cover."""
    return [
        el for el, v in crams_injection().items() if v > 0 and ELEMENTS.index(el) >= 3 and el not in network.injectable
    ]


def source_abundances(choice: str, model: BCModel) -> dict[str, float]:
    """The source abundances of ``model``'s network for the parameter ``source_abundances``: ``'fit'``
    (:func:`calibrate_abundances`, at the model's transport) or ``'crams'`` (:func:`crams_abundances`)."""
    if choice == "fit":
        return calibrate_abundances(model)
    if choice == "crams":
        return crams_abundances(model.network)
    raise ValueError(
        f"source_abundances = {choice!r} is not allowed: expected one of "
        f"{', '.join(repr(c) for c in SOURCE_ABUNDANCES)}"
    )


def cocoon_share_of_bc(model: BCModel, T_GeV_n, chi0: float, **halo_changes):
    """The cocoons' share of B/C at T [GeV/n]: the boron made in the cocoons over all boron at TOA (the cocoon part of
    :meth:`BCModel.bc_parts` over the total), at cocoon grammage ``chi0`` and the transport of ``model`` changed by
    ``halo_changes`` (e.g. a fitted D0)."""
    return model.bc_parts(T_GeV_n, chi0, **halo_changes)["cocoon"] / model.bc(T_GeV_n, chi0, **halo_changes)


#: the parent groups of :data:`PARENT_GROUPS` that are not heavier than oxygen
LIGHT_PARENT_GROUPS = ("C", "N", "O")


def heavy_parent_share(shares: pd.DataFrame, T_GeV_n: float) -> float:
    """Share of the boron at T [GeV/n] (a row of :func:`boron_by_parent_group`) made from injected nuclei heavier
    than oxygen: the groups other than C, N and O."""
    heavy = [g for g in shares.columns if g not in (*LIGHT_PARENT_GROUPS, "sum")]
    return float(shares.loc[T_GeV_n, heavy].sum())


#: parent groups for the origin of boron: charge ranges (inclusive) of the injected nuclei
PARENT_GROUPS = {"C": (6, 6), "N": (7, 7), "O": (8, 8), "Ne-S": (9, 16), "Cl-Ca": (17, 20), "Fe group": (21, 28)}


def _by_nucleus(network: SlabNetwork, abundances: dict) -> dict[str, float]:
    out: dict[str, float] = {}
    for el, y in abundances.items():
        fractions = {el: 100.0} if el in network.nuclei else network.element_fractions(el)
        for iso, pct in fractions.items():
            out[iso] = out.get(iso, 0.0) + y * pct / 100.0
    return out


def boron_by_parent_group(model: BCModel, T_GeV_n, chi0: float = 0.0, **halo_changes) -> pd.DataFrame:
    """Share of the TOA boron at T [GeV/n] made from the injected nuclei of each :data:`PARENT_GROUPS` group.

    Boron is attributed to the primary it descends from (oxygen's boron includes what oxygen makes through
    carbon). The network is linear in its sources: each group is solved alone and divided by the boron of
    the whole network; column ``sum`` adds the groups (1 up to the discretisation of the losses, which is
    not exactly linear: see the tests). Groups without an injected nucleus are left out.
    """
    T = np.asarray(T_GeV_n, dtype=float)
    net = model.network
    per_nucleus = _by_nucleus(net, model.abundances)
    boron = isotopes("B", net)
    total = model._toa(model.lis(chi0, **halo_changes), boron, T)
    out = {}
    for group, (zlo, zhi) in PARENT_GROUPS.items():
        sub = {k: y for k, y in per_nucleus.items() if zlo <= net.nuclei[k].Z <= zhi and y > 0}
        if sub:
            m = model.with_abundances(sub)
            out[group] = m._toa(m.lis(chi0, **halo_changes), boron, T) / total
    df = pd.DataFrame(out, index=pd.Index(T, name="T_GeV_n"))
    df["sum"] = df.sum(axis=1)
    return df


# --- the fit ----------------------------------------------------------------------------------


# --- saving and reading -----------------------------------------------------------------------
