"""Nuclei of the B/C network and their cross sections on interstellar gas.

Kinematics per nucleon (the weighted-slab convention of Evoli, Aloisio & Blasi
2019 and the CRAMS code, PHYSICS.md 6.1): ``T`` is the kinetic energy per
nucleon [GeV/n], every nucleon has the proton mass, the momentum per nucleon is
``p_n = sqrt(T (T + 2 m_p))`` [GeV/c] and the rigidity ``R = (A/Z) p_n`` [GV].
Spallation conserves ``T`` (straight-ahead approximation).

Cross-section tables (all in the data registry, PHYSICS.md 6.3):

``evoli2019``
    DRAGON2's default cumulative fragmentation table ("Evoli2019", Evoli et al.
    2018 JCAP 07 006 and its 2019 update), 0.01 GeV/n - 1 TeV/n. Default: it is
    the parametrisation of the authors' CRAMS code.
``galprop_opt12``
    GALPROP option 12 partial cross sections in USINE v3.5 format (Genolini),
    0.01 - 10 GeV/n. The table has no short-lived fragments (no 11C or 10C), so it
    is read as already cumulative.
``tripathi99`` / ``crosec`` (inelastic)
    Total inelastic cross sections on hydrogen from CRAMS v1.1: Tripathi et al.
    1999 (default) or CROSEC (Barashenkov), 0.1 GeV/n - 1.25 TeV/n.

Above a table's last energy the cross sections are held constant (they are flat
there to better than 1 %); below its first energy :class:`CrossSections` raises.
Cross sections on the He of the ISM are the hydrogen ones times 4^(2/3)
(PHYSICS.md 6.1, as CRAMS).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .data import fetch
from .units import M_PROTON_GEV

__all__ = [
    "Nucleus",
    "NETWORK",
    "PRIMARIES",
    "FRAGMENTATION_TABLES",
    "INELASTIC_TABLES",
    "momentum_per_nucleon",
    "rigidity_from_T",
    "T_from_rigidity",
    "beta_from_T",
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


_ELEMENTS = {4: "Be", 5: "B", 6: "C", 7: "N", 8: "O"}

#: The network, heaviest first (the order in which it is solved). 14C decays in
#: ~8 kyr, immediately on Galactic time scales, so its production is added to 14N.
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

#: Primary elements and their isotopes' fractions (solar-system isotopic fractions,
#: the ``ISM_isotopic_fraction`` column of CRAMS' nucleilist.csv, in per cent).
PRIMARIES: dict[str, dict[str, float]] = {
    "C": {"12C": 98.8922, "13C": 1.1078},
    "N": {"14N": 99.6337, "15N": 0.3663},
    "O": {"16O": 99.7628, "17O": 0.0372, "18O": 0.20004},
}

#: 14C -> 14N (tau = 8.27e-3 Myr): folded into the production of 14N.
_FOLDED = {"14C": "14N"}

FRAGMENTATION_TABLES = {
    "evoli2019": "spallation_xsec/dragon2/crxsecs_fragmentation_Evoli2019_cumulative_modified.dat",
    "galprop_opt12": "spallation_xsec/usine_v3.5/sigProdGALPROP17_OPT12.dat",
}
INELASTIC_TABLES = {
    "tripathi99": "spallation_xsec/crams/xsecs_total_Tripathi99_0.1_100_1.1.txt",
    "crosec": "spallation_xsec/crams/xsecs_total_CROSEC_0.1_100_1.1.txt",
}


def momentum_per_nucleon(T_GeV_n):
    """p_n = sqrt(T (T + 2 m_p)) [GeV/c] for kinetic energy per nucleon T [GeV/n]."""
    T = np.asarray(T_GeV_n, dtype=float)
    return np.sqrt(T * (T + 2.0 * M_PROTON_GEV))


def beta_from_T(T_GeV_n):
    """v/c of a nucleus with kinetic energy per nucleon T [GeV/n]."""
    T = np.asarray(T_GeV_n, dtype=float)
    return momentum_per_nucleon(T) / (T + M_PROTON_GEV)


def rigidity_from_T(T_GeV_n, A: int, Z: int):
    """R = (A/Z) p_n [GV]."""
    return (A / Z) * momentum_per_nucleon(T_GeV_n)


def T_from_rigidity(R_GV, A: int, Z: int):
    """Kinetic energy per nucleon [GeV/n] of a nucleus (A, Z) of rigidity R [GV]."""
    p = np.asarray(R_GV, dtype=float) * Z / A
    return np.sqrt(p**2 + M_PROTON_GEV**2) - M_PROTON_GEV


# --- table readers -------------------------------------------------------------------------
_ISOTOPE = re.compile(r"^(\d+)([A-Z][a-z]?)$")


@lru_cache(maxsize=None)
def _read_evoli2019() -> tuple[np.ndarray, dict[tuple[str, str], np.ndarray]]:
    """DRAGON2 Evoli2019 table -> (T grid [GeV/n], {(parent, daughter): sigma_H [mb]})."""
    # first line is a header opening with a stray double quote: read the columns as text
    raw = np.loadtxt(fetch(FRAGMENTATION_TABLES["evoli2019"]), skiprows=1, usecols=(0, 1, 2, 3), dtype=str)
    df = pd.DataFrame({"parent": raw[:, 0], "daughter": raw[:, 1], "E_MeV": raw[:, 2].astype(float),
                       "sigma": raw[:, 3].astype(float)})

    def key(zaa: str) -> str:
        z, a = zaa.split(".")
        return f"{int(a)}{_ELEMENTS.get(int(z), 'Z' + z)}"

    out, grid = {}, None
    for (par, dau), g in df.groupby(["parent", "daughter"], sort=False):
        T = g.E_MeV.to_numpy() * 1e-3
        if grid is None:
            grid = T
        elif len(T) != len(grid) or not np.allclose(T, grid, rtol=1e-3):
            raise ValueError(f"{FRAGMENTATION_TABLES['evoli2019']}: channel {par}->{dau} has its own energy grid")
        out[(key(par), key(dau))] = g.sigma.to_numpy(dtype=float)
    return grid, out


@lru_cache(maxsize=None)
def _read_usine() -> tuple[np.ndarray, dict[tuple[str, str], np.ndarray]]:
    """USINE v3.5 production table -> (T grid [GeV/n], {(parent, daughter): sigma_H [mb]})."""
    lines = fetch(FRAGMENTATION_TABLES["galprop_opt12"]).read_text().splitlines()
    body = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    # body[0]: 'sigma mb H,He'; body[1]: 'EknMIN EknMAX nEkn'; then blocks 'P -> F' + nEkn rows
    tmin, tmax, n = body[1].split()
    n = int(n)
    grid = np.geomspace(float(tmin), float(tmax), n)
    out = {}
    i = 2
    while i < len(body):
        par, _, dau = body[i].partition("->")
        rows = np.array([r.split() for r in body[i + 1 : i + 1 + n]], dtype=float)
        m1, m2 = _ISOTOPE.match(par.strip()), _ISOTOPE.match(dau.strip())
        if m1 and m2:
            out[(par.strip(), dau.strip())] = rows[:, 0]
        i += 1 + n
    return grid, out


@lru_cache(maxsize=None)
def _read_crams_inelastic(table: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """CRAMS v1.1 inelastic table -> (T grid [GeV/n], {nucleus: sigma_H [mb]}); grid 0.1 * 1.1^i GeV/n."""
    out = {}
    for line in fetch(INELASTIC_TABLES[table]).read_text().splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        Z, A = int(parts[0]), int(parts[1])
        out[f"{A}{_ELEMENTS.get(Z, 'Z' + str(Z))}"] = np.array(parts[2:], dtype=float)
    n = len(next(iter(out.values())))
    return 0.1 * 1.1 ** np.arange(n), out


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

    Attributes ``inelastic_mb[key]`` and ``partial_mb[(parent, daughter)]`` hold the
    per-ISM-atom cross sections [mb] on the grid (parent and daughter in ``NETWORK``;
    14C production already folded into 14N).
    """

    def __init__(self, T_GeV_n, fragmentation: str = "evoli2019", inelastic: str = "tripathi99", f_He: float = 0.1):
        if fragmentation not in FRAGMENTATION_TABLES:
            raise ValueError(f"xsec_fragmentation = {fragmentation!r} is not allowed: expected one of "
                             f"{', '.join(FRAGMENTATION_TABLES)}")
        if inelastic not in INELASTIC_TABLES:
            raise ValueError(f"xsec_inelastic = {inelastic!r} is not allowed: expected one of {', '.join(INELASTIC_TABLES)}")
        self.T = np.asarray(T_GeV_n, dtype=float)
        self.fragmentation, self.inelastic = fragmentation, inelastic
        self.he_factor = (1.0 + 4.0 ** (2.0 / 3.0) * f_He) / (1.0 + f_He)

        tin, inel = _read_crams_inelastic(inelastic)
        self.inelastic_mb = {}
        for n in NETWORK:
            if n.key not in inel:
                raise ValueError(f"{INELASTIC_TABLES[inelastic]} has no inelastic cross section for {n.key}")
            self.inelastic_mb[n.key] = self.he_factor * _interp_loglin(self.T, tin, inel[n.key], f"{inelastic} inelastic")

        tfr, frag = _read_evoli2019() if fragmentation == "evoli2019" else _read_usine()
        keys = {n.key for n in NETWORK}
        self.partial_mb: dict[tuple[str, str], np.ndarray] = {}
        for (par, dau), sig in frag.items():
            dau = _FOLDED.get(dau, dau)
            if par in keys and dau in keys and par != dau:
                s = self.he_factor * _interp_loglin(self.T, tfr, sig, f"{fragmentation} fragmentation")
                self.partial_mb[(par, dau)] = self.partial_mb.get((par, dau), 0.0) + s

    def parents_of(self, key: str) -> list[str]:
        """Network nuclei that fragment into ``key``."""
        return [p for (p, d) in self.partial_mb if d == key]
