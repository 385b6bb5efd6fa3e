"""Nuclei of the B/C network and their cross sections on interstellar gas.

Kinematics per nucleon (the weighted-slab convention of Evoli, Aloisio & Blasi
2019 and the CRAMS code, Methods, methods-slab-transport): ``T`` is the kinetic energy per
nucleon [GeV/n], every nucleon has the proton mass, the momentum per nucleon is
``p_n = sqrt(T (T + 2 m_p))`` [GeV/c] and the rigidity ``R = (A/Z) p_n`` [GV].
Spallation conserves ``T`` (straight-ahead approximation).

Cross-section tables (all in the data registry, Methods, methods-cross-sections):

``evoli2019``
    DRAGON2's default cumulative fragmentation table ("Evoli2019", Evoli et al.
    2018 JCAP 07 006 and its 2019 update), 0.01 GeV/n - 1 TeV/n. Default: it is
    the parametrisation of the authors' CRAMS code. Its parents are the C, N, O
    isotopes and 20Ne, 24Mg, 28Si, 32S, 56Fe.
``galprop_opt12``
    GALPROP option 12 partial cross sections in USINE v3.5 format (Genolini),
    0.01 - 10 GeV/n, every isotope up to Fe. The table has no short-lived fragments
    (no 11C or 10C), so it is read as already cumulative.
``tripathi99`` / ``crosec`` (inelastic)
    Total inelastic cross sections on hydrogen from CRAMS v1.1: Tripathi et al.
    1999 (default) or CROSEC (Barashenkov), 0.1 GeV/n - 1.25 TeV/n, for the nuclei
    of the Evoli2019 table. For ``tripathi99`` the nuclei the CRAMS table lacks
    (Na, Al, P-Mn and the rarer isotopes) are taken from the USINE v3.5 tabulation
    of the same parametrisation (0.05 - 6.3 GeV/n); CROSEC has no such complement.

Above a table's last energy the cross sections are held constant (they are flat
there to better than 1 %); below its first energy :class:`CrossSections` raises.
Cross sections on the He of the ISM are the hydrogen ones times 4^(2/3)
(Methods, methods-slab-transport, as CRAMS).

The network (:func:`network_nuclei`) is every nuclide of the CRAMS v1.1 nuclei list
from boron to nickel (Z = 5-28) that the chosen fragmentation table names and the
chosen inelastic table covers, plus the unstable nuclei that decay into one of them
(10Be -> 10B). Nuclides that live less than :data:`FOLD_BELOW_MYR` (14C) and fragments
absent from the list (ghosts, e.g. 11C -> 11B) are folded into their decay products
(:func:`fold_production`); longer-lived ones decay in the halo into the daughters of
:data:`DECAY_DAUGHTERS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from cocoonlib.io.data import fetch

__all__ = [
    "charge_and_mass",
    "Nucleus",
    "ELEMENTS",
    "Z_MAX",
    "NETWORK",
    "PRIMARIES",
    "DECAY_DAUGHTERS",
    "FOLD_BELOW_MYR",
    "FRAGMENTATION_TABLES",
    "INELASTIC_TABLES",
    "nuclei_list",
    "isotopic_fractions",
    "ghost_decays",
    "fold_production",
    "network_nuclei",
    "CrossSections",
]


@dataclass(frozen=True, order=True)
class Nucleus:
    """A nuclide: charge Z, mass number A, and (for 10Be) the decay time at rest [Myr]."""

    A: int
    Z: int
    name: str
    tau_Myr: float = -1.0
    daughter: str | None = None

    @property
    def key(self) -> str:
        return f"{self.A}{self.name}"

    @property
    def unstable(self) -> bool:
        return self.tau_Myr > 0


#: Element symbols, index = charge Z (0: the neutron).
ELEMENTS = (
    "n",
    "H",
    "He",
    "Li",
    "Be",
    "B",
    "C",
    "N",
    "O",
    "F",
    "Ne",
    "Na",
    "Mg",
    "Al",
    "Si",
    "P",
    "S",
    "Cl",
    "Ar",
    "K",
    "Ca",
    "Sc",
    "Ti",
    "V",
    "Cr",
    "Mn",
    "Fe",
    "Co",
    "Ni",
    "Cu",
    "Zn",
)
_Z_OF = {s: z for z, s in enumerate(ELEMENTS)}

#: Heaviest charge of the network (nickel: the CRAMS nuclei list ends there).
Z_MAX = 28

#: The C-N-O network of the first edition of chapter 2, heaviest first (the order in which it is solved).
#: 14C decays in ~8 kyr, immediately on Galactic time scales, so its production is added to 14N.
#: 10Be decays (tau = 2.178 Myr at rest, CRAMS nucleilist) into 10B.
NETWORK: tuple[Nucleus, ...] = (
    Nucleus(18, 8, "O"),
    Nucleus(17, 8, "O"),
    Nucleus(16, 8, "O"),
    Nucleus(15, 7, "N"),
    Nucleus(14, 7, "N"),
    Nucleus(13, 6, "C"),
    Nucleus(12, 6, "C"),
    Nucleus(11, 5, "B"),
    Nucleus(10, 5, "B"),
    Nucleus(10, 4, "Be", tau_Myr=2.178, daughter="10B"),
)

#: Primary elements of the C-N-O network and their isotopes' fractions (solar-system isotopic fractions,
#: the ``ISM_isotopic_fraction`` column of CRAMS' nucleilist.csv, in per cent; :func:`isotopic_fractions`
#: reads every element from the file).
PRIMARIES: dict[str, dict[str, float]] = {
    "C": {"12C": 98.8922, "13C": 1.1078},
    "N": {"14N": 99.6337, "15N": 0.3663},
    "O": {"16O": 99.7628, "17O": 0.0372, "18O": 0.20004},
}

#: Decay products of the unstable nuclides of the CRAMS nuclei list, as CRAMS v1.1 feeds them
#: (``Particle::buildSecondarySource``): beta- for 10Be, 14C, 36Cl, 54Mn (fully stripped, 54Mn cannot
#: capture an electron), beta+ for 26Al.
DECAY_DAUGHTERS = {"10Be": "10B", "14C": "14N", "26Al": "26Mg", "36Cl": "36Ar", "54Mn": "54Fe"}

#: Nuclides with a decay time at rest below this [Myr] are folded into their decay product at production
#: (assumed: 14C, 8.3 kyr, decays before it travels a fraction of the ~10-100 Myr it would need to leave
#: the halo; the next shortest, 36Cl at 0.44 Myr, is kept and decays in the halo).
FOLD_BELOW_MYR = 0.1

FRAGMENTATION_TABLES = {
    "evoli2019": "spallation_xsec/dragon2/crxsecs_fragmentation_Evoli2019_cumulative_modified.dat",
    "galprop_opt12": "spallation_xsec/usine_v3.5/sigProdGALPROP17_OPT12.dat",
}
INELASTIC_TABLES = {
    "tripathi99": "spallation_xsec/crams/xsecs_total_Tripathi99_0.1_100_1.1.txt",
    "crosec": "spallation_xsec/crams/xsecs_total_CROSEC_0.1_100_1.1.txt",
}
#: the USINE v3.5 tabulation of Tripathi et al. 1999 (Z = 1-30): the complement of the CRAMS table
INELASTIC_COMPLEMENT = {"tripathi99": "spallation_xsec/usine_v3.5/sigInelTripathi99+Coste12.dat"}
NUCLEI_LIST = "spallation_xsec/crams/nucleilist.csv"
GHOST_LIST = "spallation_xsec/xs4gcr/ghost_list.txt"


def _key(Z: int, A: int) -> str:
    return f"{A}{ELEMENTS[Z] if 0 <= Z < len(ELEMENTS) else 'Z' + str(Z)}"


_ISOTOPE = re.compile(r"^(\d+)([A-Z][a-z]?)$")


def charge_and_mass(key: str) -> tuple[int, int]:
    """'12C' -> (Z, A) = (6, 12)."""
    m = _ISOTOPE.match(key)
    if not m or m.group(2) not in _Z_OF:
        raise ValueError(f"{key!r} is not a nuclide name such as '12C'")
    return _Z_OF[m.group(2)], int(m.group(1))


# --- the nuclei list and the decays -------------------------------------------------------
@cache
def nuclei_list() -> pd.DataFrame:
    """CRAMS v1.1 nuclei list, indexed by nuclide name: Z, A, tau_Myr (-1: stable), iso_fraction_pct.

    ``iso_fraction_pct`` is the solar-system isotopic fraction within the element (per cent). The file's
    injection-abundance column is zero for every nuclide (CRAMS sets the abundances in its code; see
    :func:`cocoonlib.transport.bc.crams_abundances`) and is not read.
    """
    raw = pd.read_csv(
        fetch(NUCLEI_LIST),
        comment="#",
        header=None,
        skipinitialspace=True,
        names=["Z", "A", "tertiary", "tau_Myr", "iso_fraction_pct", "injection", "slope"],
    )
    raw = raw[(raw.Z >= 1) & (raw.tertiary == 0)]
    raw.index = [_key(z, a) for z, a in zip(raw.Z, raw.A)]
    return raw[["Z", "A", "tau_Myr", "iso_fraction_pct"]].astype({"Z": int, "A": int})


def isotopic_fractions(element: str) -> dict[str, float]:
    """Solar-system isotopic fractions [per cent] of an element's nuclides with a non-zero share (nuclei list)."""
    lst = nuclei_list()
    if element not in _Z_OF:
        raise ValueError(f"element = {element!r} is not allowed: expected a chemical symbol such as 'Fe'")
    sel = lst[(lst.Z == _Z_OF[element]) & (lst.iso_fraction_pct > 0)]
    return {k: float(f) for k, f in sel.iso_fraction_pct.items()}


@cache
def ghost_decays() -> dict[str, tuple[tuple[str, float], ...]]:
    """Short-lived fragments (ghosts) -> ((product, products per decay), ...), from the XS4GCR ghost list.

    The branching ratios are in per cent in the file; 8Be -> 2 4He is written as 200 %.
    """
    out: dict[str, list] = {}
    for line in fetch(GHOST_LIST).read_text().splitlines():
        parts = line.split()
        if not parts or line.lstrip().startswith("#") or len(parts) < 5:
            continue
        par, dau = _key(_Z_OF[parts[0]], int(parts[1])), _key(_Z_OF[parts[2]], int(parts[3]))
        out.setdefault(par, []).append((dau, float(parts[4]) / 100.0))
    return {k: tuple(v) for k, v in out.items()}


def _fold_map(nuclide_set: set[str]) -> dict[str, tuple[tuple[str, float], ...]]:
    """What each fragment that is not propagated turns into: ghosts (absent from the nuclei list) by the
    ghost list, listed nuclides shorter-lived than FOLD_BELOW_MYR by DECAY_DAUGHTERS."""
    lst = nuclei_list()
    fold = {k: v for k, v in ghost_decays().items() if k not in lst.index}
    for k, row in lst.iterrows():
        if 0 < row.tau_Myr < FOLD_BELOW_MYR:
            fold[k] = ((DECAY_DAUGHTERS[k], 1.0),)
    return {k: v for k, v in fold.items() if k not in nuclide_set}


def fold_production(
    production: dict[str, np.ndarray], keep: set[str], fold: dict[str, tuple[tuple[str, float], ...]]
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Fold the production of short-lived fragments into their decay products.

    ``production``: fragment -> cross section (one parent); ``keep``: the nuclides that are propagated;
    ``fold``: fragment -> ((product, products per decay), ...). A fragment in ``keep`` is kept as it is; one
    in ``fold`` is replaced by its products, recursively (ghost chains); any other is returned in the
    second dict (not propagated: lighter than the network, or not in the tables). Returns
    ``(kept, lost)``. Products per decay that sum to one conserve the number of nuclei produced.
    """
    kept: dict[str, np.ndarray] = {}
    lost: dict[str, np.ndarray] = {}

    def add(frag, sigma, depth=0):
        if depth > 20:
            raise ValueError(f"fold_production: the decay chain through {frag} does not end")
        if frag in keep:
            kept[frag] = kept.get(frag, 0.0) + sigma
        elif frag in fold:
            for product, n in fold[frag]:
                add(product, n * sigma, depth + 1)
        else:
            lost[frag] = lost.get(frag, 0.0) + sigma

    for frag, sigma in production.items():
        add(frag, sigma)
    return kept, lost


# --- table readers -------------------------------------------------------------------------
@cache
def _read_evoli2019() -> tuple[np.ndarray, dict[tuple[str, str], np.ndarray]]:
    """DRAGON2 Evoli2019 table -> (T grid [GeV/n], {(parent, daughter): sigma_H [mb]})."""
    # first line is a header opening with a stray double quote: read the columns as text
    raw = np.loadtxt(fetch(FRAGMENTATION_TABLES["evoli2019"]), skiprows=1, usecols=(0, 1, 2, 3), dtype=str)
    df = pd.DataFrame(
        {"parent": raw[:, 0], "daughter": raw[:, 1], "E_MeV": raw[:, 2].astype(float), "sigma": raw[:, 3].astype(float)}
    )

    def key(zaa: str) -> str:
        z, a = zaa.split(".")
        return _key(int(z), int(a))

    out, grid = {}, None
    for (par, dau), g in df.groupby(["parent", "daughter"], sort=False):
        T = g.E_MeV.to_numpy() * 1e-3
        if grid is None:
            grid = T
        elif len(T) != len(grid) or not np.allclose(T, grid, rtol=1e-3):
            raise ValueError(f"{FRAGMENTATION_TABLES['evoli2019']}: channel {par}->{dau} has its own energy grid")
        out[(key(par), key(dau))] = g.sigma.to_numpy(dtype=float)
    return grid, out


def _usine_blocks(name: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """A USINE v3.5 table -> (T grid [GeV/n], {block title: rows of (sigma_H, sigma_He) [mb]})."""
    lines = fetch(name).read_text().splitlines()
    body = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    # body[0]: 'sigma mb H,He'; body[1]: 'EknMIN EknMAX nEkn'; then blocks: a title + nEkn rows
    tmin, tmax, n = body[1].split()
    n = int(n)
    titles = body[2 :: n + 1]
    values = np.array(" ".join(ln for i, ln in enumerate(body[2:]) if i % (n + 1)).split(), dtype=float)
    values = values.reshape(len(titles), n, -1)
    return np.geomspace(float(tmin), float(tmax), n), dict(zip(titles, values))


@cache
def _read_usine() -> tuple[np.ndarray, dict[tuple[str, str], np.ndarray]]:
    """USINE v3.5 production table -> (T grid [GeV/n], {(parent, daughter): sigma_H [mb]})."""
    grid, blocks = _usine_blocks(FRAGMENTATION_TABLES["galprop_opt12"])
    out = {}
    for title, rows in blocks.items():
        par, _, dau = (s.strip() for s in title.partition("->"))
        if _ISOTOPE.match(par) and _ISOTOPE.match(dau):
            out[(par, dau)] = rows[:, 0]
    return grid, out


@cache
def _read_crams_inelastic(table: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """CRAMS v1.1 inelastic table -> (T grid [GeV/n], {nucleus: sigma_H [mb]}); grid 0.1 * 1.1^i GeV/n."""
    out = {}
    for line in fetch(INELASTIC_TABLES[table]).read_text().splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        Z, A = int(parts[0]), int(parts[1])
        out[_key(Z, A)] = np.array(parts[2:], dtype=float)
    n = len(next(iter(out.values())))
    return 0.1 * 1.1 ** np.arange(n), out


@cache
def _read_usine_inelastic(table: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """USINE v3.5 inelastic table -> (T grid [GeV/n], {nucleus: sigma_H [mb]})."""
    grid, blocks = _usine_blocks(INELASTIC_COMPLEMENT[table])
    return grid, {k: rows[:, 0] for k, rows in blocks.items() if _ISOTOPE.match(k)}


def _fragmentation(table: str):
    if table not in FRAGMENTATION_TABLES:
        raise ValueError(
            f"xsec_fragmentation = {table!r} is not allowed: expected one of {', '.join(FRAGMENTATION_TABLES)}"
        )
    return _read_evoli2019() if table == "evoli2019" else _read_usine()


def _inelastic_sources(table: str) -> list[tuple[str, np.ndarray, dict[str, np.ndarray]]]:
    """[(file, T grid, {nucleus: sigma_H})] for an inelastic choice: the CRAMS table, then its complement."""
    if table not in INELASTIC_TABLES:
        raise ValueError(f"xsec_inelastic = {table!r} is not allowed: expected one of {', '.join(INELASTIC_TABLES)}")
    out = [(INELASTIC_TABLES[table], *_read_crams_inelastic(table))]
    if table in INELASTIC_COMPLEMENT:
        out.append((INELASTIC_COMPLEMENT[table], *_read_usine_inelastic(table)))
    return out


def _solving_order(nuclei: list[Nucleus], edges: set[tuple[str, str]]) -> tuple[Nucleus, ...]:
    """Heaviest first, every parent (fragmentation or decay) before its daughters; a cycle is an error."""
    by_key = {n.key: n for n in nuclei}
    incoming = {k: {p for p, d in edges if d == k and p in by_key and p != k} for k in by_key}
    order, left = [], set(by_key)
    while left:
        ready = [k for k in left if not (incoming[k] & left)]
        if not ready:
            raise ValueError(f"the network has a cycle of reactions among {', '.join(sorted(left))}")
        nxt = max(ready, key=lambda k: (by_key[k].A, by_key[k].Z))
        order.append(by_key[nxt])
        left.remove(nxt)
    return tuple(order)


@cache
def network_nuclei(
    fragmentation: str = "evoli2019", inelastic: str = "tripathi99", z_max: int = Z_MAX
) -> tuple[Nucleus, ...]:
    """The nuclei propagated for B/C with the given tables, in solving order (heaviest first).

    Every nuclide of the CRAMS nuclei list with 5 <= Z <= ``z_max`` that is a parent or (after folding
    short-lived fragments, :func:`fold_production`) a fragment in the fragmentation table and has an
    inelastic cross section, plus the unstable nuclides that decay into one of them (10Be -> 10B).
    """
    lst = nuclei_list()
    _, frag = _fragmentation(fragmentation)
    inel = set().union(*(set(t) for _, _, t in _inelastic_sources(inelastic)))
    listed = {k for k, r in lst.iterrows() if not 0 < r.tau_Myr < FOLD_BELOW_MYR and r.Z <= z_max}
    fold = _fold_map(listed)
    named = set()
    for par, dau in frag:
        named.add(par)
        named |= set(fold_production({dau: 0.0}, listed, fold)[0])
    stable = {k for k in named & listed & inel if lst.Z[k] >= 5}
    decaying = {k for k in named & listed & inel if DECAY_DAUGHTERS.get(k) in stable}
    keys = stable | decaying
    nuclei = []
    for k in keys:
        tau = float(lst.tau_Myr[k])
        if tau > 0 and k not in DECAY_DAUGHTERS:
            raise ValueError(f"nuclide {k} decays (tau = {tau} Myr) but its decay product is not known")
        dau = DECAY_DAUGHTERS.get(k) if tau > 0 and DECAY_DAUGHTERS.get(k) in keys else None
        nuclei.append(Nucleus(int(lst.A[k]), int(lst.Z[k]), ELEMENTS[int(lst.Z[k])], tau if dau else -1.0, dau))
    edges = {(p, d) for (p, d0) in frag for d in fold_production({d0: 0.0}, keys, fold)[0]}
    edges |= {(n.key, n.daughter) for n in nuclei if n.daughter}
    return _solving_order(nuclei, edges)


def _interp_loglin(T, grid, values, what: str):
    """Interpolate linearly in log T; constant above the grid; error below it."""
    T = np.asarray(T, dtype=float)
    if np.any(T < grid[0] * (1 - 1e-9)):
        raise ValueError(f"T = {T.min():.4g} GeV/n is below the {what} table, which starts at {grid[0]:.4g} GeV/n")
    return np.interp(np.log(T), np.log(grid), values)


class CrossSections:
    """Fragmentation and inelastic cross sections of the network on ISM gas, on an energy grid.

    Parameters
    ----------
    T_GeV_n : array
        Kinetic energies per nucleon [GeV/n] at which all cross sections are wanted.
    fragmentation : {'evoli2019', 'galprop_opt12'}
    inelastic : {'tripathi99', 'crosec'}
    f_He : float
        He/H number ratio of the ISM (scales hydrogen cross sections by (1 + 4^(2/3) f_He)/(1 + f_He)).
    nuclei : tuple of Nucleus, optional
        The nuclei to propagate, in solving order; default :func:`network_nuclei` of the two tables
        (:data:`NETWORK` gives the C-N-O network).

    Attributes ``inelastic_mb[key]`` and ``partial_mb[(parent, daughter)]`` hold the
    per-ISM-atom cross sections [mb] on the grid (parent and daughter in ``nuclei``;
    short-lived fragments folded into their products); ``inelastic_table[key]`` names the file each
    inelastic cross section comes from; ``left_out[key]`` is the production [mb] of nuclides of
    Z >= 5 that the tables make but the network does not propagate (summed over parents).
    """

    def __init__(
        self,
        T_GeV_n,
        fragmentation: str = "evoli2019",
        inelastic: str = "tripathi99",
        f_He: float = 0.1,
        nuclei: tuple[Nucleus, ...] | None = None,
    ):
        tfr, frag = _fragmentation(fragmentation)
        sources = _inelastic_sources(inelastic)
        self.nuclei = network_nuclei(fragmentation, inelastic) if nuclei is None else None
        self.T = np.asarray(T_GeV_n, dtype=float)
        self.fragmentation, self.inelastic = fragmentation, inelastic
        self.he_factor = (1.0 + 4.0 ** (2.0 / 3.0) * f_He) / (1.0 + f_He)

        if nuclei is not None:
            named = {p for p, _ in frag} | {d for _, d in frag}
            absent = [n.key for n in nuclei if n.key not in named]
            if absent:
                raise ValueError(
                    f"{FRAGMENTATION_TABLES[fragmentation]} has no fragmentation cross section for {', '.join(absent)}"
                )
        self.inelastic_mb, self.inelastic_table = {}, {}
        for n in self.nuclei or nuclei:
            found = next(((name, grid, t[n.key]) for name, grid, t in sources if n.key in t), None)
            if found is None:
                raise ValueError(f"{INELASTIC_TABLES[inelastic]} has no inelastic cross section for {n.key}")
            name, grid, sigma = found
            self.inelastic_table[n.key] = name
            self.inelastic_mb[n.key] = self.he_factor * _interp_loglin(self.T, grid, sigma, f"{inelastic} inelastic")

        keys = {n.key for n in (self.nuclei or nuclei)}
        fold = _fold_map(keys)
        self.partial_mb: dict[tuple[str, str], np.ndarray] = {}
        self.left_out: dict[str, np.ndarray] = {}
        for par in dict.fromkeys(p for p, _ in frag):
            if par not in keys:
                continue
            raw = {d: sig for (p, d), sig in frag.items() if p == par}
            kept, lost = fold_production(raw, keys - {par}, fold)
            what = f"{fragmentation} fragmentation"
            for dau, sig in kept.items():
                self.partial_mb[(par, dau)] = self.he_factor * _interp_loglin(self.T, tfr, sig, what)
            for dau, sig in lost.items():
                if charge_and_mass(dau)[0] >= 5 and dau != par:
                    s = self.he_factor * _interp_loglin(self.T, tfr, sig, what)
                    self.left_out[dau] = self.left_out.get(dau, 0.0) + s

        if self.nuclei is None:  # given nuclei: put every parent (fragmentation or decay) first
            edges = set(self.partial_mb) | {(n.key, n.daughter) for n in nuclei if n.daughter}
            self.nuclei = _solving_order(list(nuclei), edges)

    def parents_of(self, key: str) -> list[str]:
        """Network nuclei that fragment into ``key``."""
        return [p for (p, d) in self.partial_mb if d == key]
