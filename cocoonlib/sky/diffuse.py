"""Diffuse gamma-ray intensity of a sky window: the gas lit by the cosmic-ray sea (DGE) and the cocoons.

Both are line-of-sight integrals of an emissivity; both lose photons on the CMB on the way.

* DGE ([AESB25] Sec. 2 took it from DRAGON2+HERMES maps, which this book replaces by its own calculation):

      I_DGE(E) = (1/4 pi) (1/Omega) Int dOmega Int ds n_H(s) exp(-s/lambda(E))
                 x sum_i Int dE_i 4 pi j_i(E_i) g_i(r, z, R_i) dsigma_i(E_i, E)/dE,

  j_i the local (fitted) flux of species i, g_i the cosmic-ray density relative to the Sun at the projectile's
  rigidity (:data:`CR_SEAS`: from the 2D transport model, uniform, or the source profile), n_H a 3-D gas model
  (:mod:`cocoonlib.sky.gas`), lambda the mean free path on the CMB (:mod:`cocoonlib.sky.absorption`). The sea is
  normalised to the local data at the Sun (g = 1 there), as the letter's DGE was. For a sea without energy
  dependence this is q(E) N_H / 4 pi, q the emissivity per H atom of the local flux.
* Cocoons ([AESB25] eq. 8 = [ICRC25] eq. 3): I_c(E) = Q(E) J(E) / (4 pi Omega), Q per cocoon, J the
  line-of-sight integral of the cocoon birth rate (with the same absorption weight).

Intensities are in GeV^-1 cm^-2 s^-1 sr^-1, averaged over the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from cocoonlib.core.geometry import SkyWindow, SunCentredRays, line_of_sight_integral
from cocoonlib.core.numerics import loglog_interp
from cocoonlib.core.units import KPC_CM, PER_YR_KPC2_TO_PER_S_CM2
from cocoonlib.io import paths
from cocoonlib.io.array_cache import cached_array, source_digest
from cocoonlib.sky.gas import GAS_MODELS, GasModel
from cocoonlib.sky.inverse_compton import ICField
from cocoonlib.source.cocoon_disk import CocoonDisk

__all__ = [
    "CR_SEAS",
    "UniformSea",
    "SourceProfileSea",
    "TransportSea",
    "CRWeightedGas",
    "sea_from_name",
    "sea_columns",
    "sea_columns_by_species",
    "effective_column_cm2",
    "effective_J",
    "line_of_sight_columns",
    "dge_intensity",
    "dge_intensity_resolved",
    "cocoon_intensity",
    "photon_index",
    "integral_emissivity_per_sr",
    "HARDER_BY",
    "hardness",
]

CR_SEAS = ("transport", "uniform", "sources")
"""The cosmic-ray density across the Galaxy relative to the Sun, g (parameter ``cr_sea``): ``transport`` solves
chapter 2's disk-halo model in two dimensions for the cocoons as sources (:mod:`cocoonlib.transport.transport2d`; g depends
on r, z and rigidity); ``uniform`` is the local flux everywhere; ``sources`` follows the radial profile of the
sources (Green 2015, normalised at the Sun, not truncated), the steepest gradient one can argue for (no
diffusive smoothing)."""


@dataclass(frozen=True)
class UniformSea:
    """g = 1: the local cosmic-ray flux everywhere (no energy dependence: ``rigidity_nodes_GV`` is None)."""

    name = "uniform"
    rigidity_nodes_GV = None

    def basis(self, species: str, r_kpc, z_kpc):
        """g at points (r, z) as one basis function (shape (1, *points)); see :meth:`TransportSea.basis`."""
        return np.ones((1, *np.broadcast_shapes(np.shape(r_kpc), np.shape(z_kpc))))

    def loadings(self, species: str):
        return np.ones((1, 1))

    def cache_key(self) -> str:
        return "UniformSea()"


@dataclass(frozen=True)
class SourceProfileSea:
    """g(r) = f(r), the radial profile of the cocoon disk (f(R_sun) = 1; not truncated at R_disk)."""

    disk: CocoonDisk
    name = "sources"
    rigidity_nodes_GV = None

    def basis(self, species: str, r_kpc, z_kpc):
        shape = np.broadcast_shapes(np.shape(r_kpc), np.shape(z_kpc))
        return np.broadcast_to(self.disk.radial_shape(r_kpc), shape)[None]

    def loadings(self, species: str):
        return np.ones((1, 1))

    def cache_key(self) -> str:
        return f"SourceProfileSea({self.disk!r})"


@dataclass(frozen=True, eq=False)
class TransportSea:
    """g(r, z, R) of the 2D transport model (:class:`cocoonlib.transport.transport2d.GalacticSea`) for H and He.

    g is tabulated at :attr:`rigidity_nodes_GV` (``per_decade`` per decade) on a grid in r and |z| (0.1 kpc and
    25 pc, divided by ``grid_scale``, up to R_gal and ``z_top_kpc``; zero outside) and factorised by a
    singular-value decomposition, g(x, R_m) = sum_k L[m, k] b_k(x), keeping the terms down to 1e-8 of the first: a
    handful of basis functions b_k (interpolated bilinearly in space) carry every rigidity, so a column of g n_H
    costs a few line-of-sight integrals instead of one per node. The tables are made on first use (not at all when
    the columns come from the disk cache). ``key`` names everything they depend on (it keys that cache)."""

    key: str
    solutions: dict  # species -> GalacticSea
    grid_scale: int = 1
    per_decade: int = 4
    z_top_kpc: float = 4.0
    name = "transport"
    tolerance = 1e-8
    #: the steps of the tables in r and |z| [kpc] (divided by grid_scale)
    r_step_kpc = 0.1
    z_step_kpc = 0.025

    @cached_property
    def rigidity_nodes_GV(self) -> np.ndarray:
        lo = max(s.rigidity_GV[0] for s in self.solutions.values())
        hi = min(s.rigidity_GV[-1] for s in self.solutions.values())
        return np.geomspace(lo, hi, int(np.ceil(np.log10(hi / lo) * self.per_decade * self.grid_scale)) + 1)

    @cached_property
    def grids(self) -> tuple[np.ndarray, np.ndarray]:
        """(r, z) of the tables [kpc]."""
        sea = next(iter(self.solutions.values()))
        z_top = min(self.z_top_kpc, sea.H)
        return (
            np.linspace(0.0, sea.R_gal, int(round(sea.R_gal / self.r_step_kpc)) * self.grid_scale + 1),
            np.linspace(0.0, z_top, int(round(z_top / self.z_step_kpc)) * self.grid_scale + 1),
        )

    @cached_property
    def factors(self) -> dict:
        """{species: (basis (r * z, K), loadings (nodes, K))}."""
        r, z = self.grids
        out = {}
        for sp, sea in self.solutions.items():
            table = sea.table(r, z, self.rigidity_nodes_GV).reshape(self.rigidity_nodes_GV.size, -1)
            U, S, Vt = np.linalg.svd(table, full_matrices=False)
            K = int(np.sum(S > self.tolerance * S[0]))
            sign = np.where(Vt[:K].sum(axis=1) < 0, -1.0, 1.0)  # a fixed sign convention for each pair
            out[sp] = (np.ascontiguousarray(Vt[:K].T * sign), U[:, :K] * S[:K] * sign)
        return out

    def basis(self, species: str, r_kpc, z_kpc):
        """The basis functions at points (r, z): shape (K, *points), bilinear in the grid, zero outside it."""
        r_grid, z_grid = self.grids
        r, az = np.broadcast_arrays(np.asarray(r_kpc, dtype=float), np.abs(np.asarray(z_kpc, dtype=float)))
        nz = z_grid.size
        fr = np.clip(r.ravel() / r_grid[1], 0.0, r_grid.size - 1.000001)
        fz = np.clip(az.ravel() / z_grid[1], 0.0, nz - 1.000001)
        i, j = fr.astype(int), fz.astype(int)
        wr, wz = (fr - i)[:, None], (fz - j)[:, None]
        t, k = self.factors[species][0], i * nz + j
        out = (1 - wr) * ((1 - wz) * t[k] + wz * t[k + 1]) + wr * ((1 - wz) * t[k + nz] + wz * t[k + nz + 1])
        out[(r.ravel() >= r_grid[-1]) | (az.ravel() >= z_grid[-1])] = 0.0
        return np.moveaxis(out.reshape(*r.shape, -1), -1, 0)

    def loadings(self, species: str):
        """L (nodes, K): g at node m is sum_k L[m, k] basis_k."""
        return self.factors[species][1]

    def ratio(self, species: str, r_kpc, z_kpc):
        """g at points (r, z) for every rigidity node, from the tables: shape (nodes, *points)."""
        return np.tensordot(self.loadings(species), self.basis(species, r_kpc, z_kpc), axes=1)

    def cache_key(self) -> str:
        return f"{self.key}, per_decade={self.per_decade}, z_top={self.z_top_kpc}, tolerance={self.tolerance}"


@dataclass(frozen=True, eq=False)
class CRWeightedGas(SunCentredRays):
    """A gas model weighted by the basis functions of a sea's cosmic-ray density (relative to the Sun) for
    ``species``: b_k n_H, one density per basis function on a leading axis. A column of this field times the
    sea's loadings is the column of g n_H at each rigidity node (:func:`sea_columns`)."""

    gas: GasModel
    sea: object = UniformSea()
    species: str = "H"

    @property
    def R_sun(self) -> float:
        return self.gas.R_sun

    def density(self, r_kpc, z_kpc):
        return self.gas.density(r_kpc, z_kpc) * self.sea.basis(self.species, r_kpc, z_kpc)

    def ray_bounds_kpc(self) -> tuple[float, float]:
        return self.gas.ray_bounds_kpc()

    def radial_breaks_kpc(self) -> np.ndarray:
        """Those of the gas model (the cosmic-ray density is smooth inside the cylinder)."""
        return self.gas.radial_breaks_kpc()

    def cache_key(self) -> str:
        return f"CRWeightedGas({self.gas!r}, {self.sea.cache_key()}, {self.species!r})"


def sea_columns(gas: GasModel, sea, window: SkyWindow, absorption_length_kpc, grid_scale: int = 1) -> np.ndarray:
    """Mean column of g n_H over the window [cm^-2], one row per absorption length (none for
    ``absorption_length_kpc`` None) and one column per rigidity node of the sea (one column for a sea without
    energy dependence), for H; see :func:`effective_column_cm2`."""
    return sea_columns_by_species(gas, sea, window, absorption_length_kpc, grid_scale)["H"]


def sea_columns_by_species(gas: GasModel, sea, window: SkyWindow, absorption_length_kpc, grid_scale: int = 1) -> dict:
    """{"H": columns, "He": columns} as :func:`sea_columns` (the same array twice for a sea without energy
    dependence)."""
    species = ("H", "He") if sea.rigidity_nodes_GV is not None else ("H",)
    lam = np.atleast_1d(np.asarray(np.inf if absorption_length_kpc is None else absorption_length_kpc, dtype=float))
    out = {}
    for sp in species:
        field = CRWeightedGas(gas, sea, sp)

        def compute():
            c = np.asarray(line_of_sight_integral(field, window, grid_scale, lam))  # (lengths, basis functions)
            return c.reshape(lam.size, -1) @ sea.loadings(sp).T * KPC_CM / window.solid_angle_sr

        if _cacheable(field) and type(window) is SkyWindow:  # the columns at the nodes, never the basis's
            key = (field.cache_key(), repr(window), int(grid_scale), lam, _los_code_and_tables())
            out[sp] = cached_array("sea", key, compute)
        else:
            out[sp] = compute()
        if absorption_length_kpc is None:
            out[sp] = out[sp][0]
    out.setdefault("He", out["H"])
    return out


def sea_from_name(name: str, disk: CocoonDisk | None = None, transport: TransportSea | None = None):
    """The sea called ``name`` (one of :data:`CR_SEAS`); ``sources`` needs the cocoon disk, ``transport`` the tables."""
    if name == "uniform":
        return UniformSea()
    if name == "sources":
        if disk is None:
            raise ValueError("cr_sea = 'sources' needs the cocoon disk for its radial profile")
        return SourceProfileSea(disk)
    if name == "transport":
        if transport is None:
            raise ValueError("cr_sea = 'transport' needs the tabulated transport solution (TransportSea)")
        return transport
    raise ValueError(f"cr_sea = {name!r} is not allowed: expected one of {', '.join(CR_SEAS)}")


def effective_column_cm2(field: SunCentredRays, window: SkyWindow, absorption_length_kpc, grid_scale: int = 1):
    """Mean over the window of Int ds n_H g exp(-s/lambda) [cm^-2], one value per absorption length."""
    return line_of_sight_columns(field, window, grid_scale, absorption_length_kpc) * KPC_CM / window.solid_angle_sr


def effective_J(disk: CocoonDisk, window: SkyWindow, absorption_length_kpc, grid_scale: int = 1):
    """J with each cocoon weighted by the survival probability of its photons [yr^-1 kpc^-2], per length."""
    return line_of_sight_columns(disk, window, grid_scale, absorption_length_kpc)


def line_of_sight_columns(field, window, grid_scale, absorption_length_kpc):
    """:func:`~cocoonlib.core.geometry.line_of_sight_integral` of ``field`` in ``window``, from the array cache for the
    book's own fields (:func:`_cached_line_of_sight`: cocoon disks, gas models, the inverse Compton field)."""
    if type(field) is CRWeightedGas:  # basis functions: cached only as columns at the nodes (sea_columns_by_species)
        return line_of_sight_integral(field, window, grid_scale, absorption_length_kpc)
    return _cached_line_of_sight(field, window, grid_scale, absorption_length_kpc)


def _cached_line_of_sight(field, window, grid_scale, absorption_length_kpc):
    """:func:`~cocoonlib.core.geometry.line_of_sight_integral`, kept on disk (:mod:`cocoonlib.io.array_cache`) for the
    book's own fields: a column depends only on the field's parameters (its repr), the window, the grid, the
    absorption lengths, the code of the modules that compute it and the gas tables in ``data/``, all of
    which name the file. A field of any other class (e.g. a gas model written in a notebook) is computed."""
    if not _cacheable(field) or type(window) is not SkyWindow:
        return line_of_sight_integral(field, window, grid_scale, absorption_length_kpc)
    lam = None if absorption_length_kpc is None else np.atleast_1d(np.asarray(absorption_length_kpc, dtype=float))
    out = cached_array(
        "los",
        (repr(field), repr(window), int(grid_scale), "unabsorbed" if lam is None else lam, _los_code_and_tables()),
        lambda: np.asarray(line_of_sight_integral(field, window, grid_scale, absorption_length_kpc)),
    )
    return float(out) if out.ndim == 0 else out


def _cacheable(field) -> bool:
    gas_classes = tuple(GAS_MODELS.values())
    if type(field) is CRWeightedGas:  # cached by sea_columns_by_species, with the sea's key
        sea = field.sea
        return type(field.gas) in gas_classes and (
            type(sea) in (UniformSea, TransportSea) or (type(sea) is SourceProfileSea and type(sea.disk) is CocoonDisk)
        )
    return type(field) in (CocoonDisk, ICField) or type(field) in gas_classes


@lru_cache(maxsize=1)
def _los_code_and_tables() -> str:
    """Digest of the modules a line-of-sight integral runs through (the transport tables included) and of every
    table under ``data/``."""
    from cocoonlib.core import geometry, kinematics, numerics, units
    from cocoonlib.production import kelner
    from cocoonlib.sky import gas, inverse_compton
    from cocoonlib.source import cocoon_disk, injection
    from cocoonlib.transport import nuclear, slab, transport2d

    modules = [
        m.__file__
        for m in (
            geometry,
            kinematics,
            numerics,
            units,
            kelner,
            gas,
            inverse_compton,
            cocoon_disk,
            injection,
            nuclear,
            slab,
            transport2d,
        )
    ]
    return source_digest(*modules, __file__, *sorted(p for p in paths.DATA.rglob("*") if p.is_file()))


def dge_intensity(q_per_H, column_cm2):
    """I = q N_H / (4 pi) [GeV^-1 cm^-2 s^-1 sr^-1] from q [GeV^-1 s^-1 per H atom] and N_H [cm^-2]."""
    return np.asarray(q_per_H) * np.asarray(column_cm2) / (4.0 * np.pi)


def _bracket(x, nodes):
    """(j, w) with f(x) = (1 - w) f(nodes[j]) + w f(nodes[j + 1]): linear in ln x between the nodes, constant beyond
    the ends (x <= 0, e.g. a projectile below its rest mass, takes the first node)."""
    lx = np.log(np.clip(np.asarray(x, dtype=float), nodes[0], nodes[-1]))
    ln = np.log(nodes)
    j = np.clip(np.searchsorted(ln, lx, side="right") - 1, 0, ln.size - 2)
    return j, (lx - ln[j]) / (ln[j + 1] - ln[j])


def dge_intensity_resolved(responses, weighted_columns, rigidity_nodes_GV=None):
    """I(E) [GeV^-1 cm^-2 s^-1 sr^-1] of gas lit by a sea whose density relative to the Sun depends on rigidity:

        I(E) = (1/4 pi) sum_ch sum_p r_ch[E, p] C_s(ch)(E, R_ch(p)),

    with r_ch the emissivity per H atom resolved by projectile (:meth:`Production.response_per_H_atom`: a dict
    channel -> (matrix (E, projectiles), projectile rigidities)) and C_s the mean column of g_s n_H along the lines
    of sight of the window (absorbed as photons of energy E), given per species ("H" for p-p and p-He, "He" for
    He-p and He-He) as an array (E, rigidity nodes), interpolated linearly in ln R between the nodes. For a sea
    without energy dependence (``rigidity_nodes_GV`` None, columns (E,) or (E, 1)) this is q(E) C(E) / 4 pi."""
    total = 0.0
    for ch, (r, R) in responses.items():
        C = np.asarray(weighted_columns["H" if ch.startswith("p-") else "He"], dtype=float)
        if rigidity_nodes_GV is None:
            total = total + r.sum(axis=1) * C.reshape(C.shape[0], -1)[:, 0]
        else:
            j, w = _bracket(R, rigidity_nodes_GV)
            total = total + np.einsum("ep,ep->e", r, C[:, j] * (1.0 - w) + C[:, j + 1] * w)
    return total / (4.0 * np.pi)


def cocoon_intensity(Q_per_cocoon, J_per_yr_kpc2, solid_angle_sr: float):
    """I = Q J / (4 pi Omega) [GeV^-1 cm^-2 s^-1 sr^-1] ([AESB25] eq. 8 averaged over the window), from Q
    [GeV^-1 per cocoon] and J [yr^-1 kpc^-2]."""
    return (
        np.asarray(Q_per_cocoon) * np.asarray(J_per_yr_kpc2) * PER_YR_KPC2_TO_PER_S_CM2 / (4.0 * np.pi * solid_angle_sr)
    )


def integral_emissivity_per_sr(E_GeV, q_per_GeV_s, E_threshold_GeV) -> np.ndarray:
    """q(>E_th) / 4 pi [s^-1 sr^-1 per H atom]: the emissivity per H atom ``q_per_GeV_s`` [GeV^-1 s^-1] on the
    grid ``E_GeV`` integrated above each threshold (trapezoids in ln E, from the first grid energy at or above the
    threshold), per steradian, as Fermi-LAT's local HI emissivity is quoted (Abdo et al. 2009)."""
    E, q = np.asarray(E_GeV, dtype=float), np.asarray(q_per_GeV_s, dtype=float)
    out = []
    for e in np.atleast_1d(E_threshold_GeV):
        keep = E >= e
        out.append(np.trapezoid((q * E)[keep], np.log(E[keep])) / (4.0 * np.pi))
    return np.array(out)


#: how much smaller a photon index must be to count as harder (assumed: the book quotes indices to three decimals
#: and does not read a difference below 0.005 as a difference in hardness)
HARDER_BY = 0.005


def hardness(index: float, other: float, margin: float = HARDER_BY) -> str:
    """``"harder than"``, ``"softer than"`` or ``"as hard as"``: a photon index against another, counted as harder
    or softer only beyond ``margin`` (:data:`HARDER_BY`)."""
    if index < other - margin:
        return "harder than"
    return "softer than" if index > other + margin else "as hard as"


def photon_index(E_model, I_model, E1: float, E2: float) -> float:
    """Mean photon index between E1 and E2, Gamma = -ln[I(E2)/I(E1)] / ln(E2/E1), for I = dN/dE."""
    return float(-np.log(loglog_interp(E2, E_model, I_model) / loglog_interp(E1, E_model, I_model)) / np.log(E2 / E1))


def local_photon_index(E_model, I_model, E0: float, half_width_dex: float = 0.25) -> float:
    """The photon index at E0: :func:`photon_index` between E0 10^-w and E0 10^+w (w = ``half_width_dex``)."""
    return photon_index(E_model, I_model, E0 * 10.0**-half_width_dex, E0 * 10.0**half_width_dex)
