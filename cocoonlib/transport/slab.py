"""Galactic transport of nuclei in the weighted-slab form of a 1D disk-halo model.

The model is that of Evoli, Aloisio & Blasi 2019 (PRD 99, 103023) as coded in
CRAMS and updated after Schroer, Evoli & Blasi 2021 (PRD 103, 123010); Methods,
methods-transport gives every equation. Sources and gas sit in a thin disk of surface
density ``mu``; cosmic rays diffuse in a halo of half-height ``H`` and are
advected away from the disk at speed ``v_A``. For a nucleus of kinetic energy per
nucleon ``T`` [GeV/n] the disk intensity ``I(T)`` obeys (Methods, methods-slab-transport)

    I/X(T) - d/dT [ b(T) I ] + (sigma/m) I = Q(T),

with ``X`` the Galactic grammage, ``b = -dT/dx`` the energy loss per grammage
(ionisation and adiabatic), ``sigma/m`` the spallation rate per grammage and ``Q``
the source per grammage (primary injection, fragmentation of heavier nuclei,
and the cocoon term of Methods, methods-cocoon-secondaries).

Units: T in GeV/n, grammage in g cm^-2, b in GeV/n per g cm^-2, cross sections per
mass in cm^2 g^-1, D in cm^2 s^-1. Intensities are in arbitrary but common units:
only ratios (B/C, C/O, N/O) are used by the book.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from math import pi

import numpy as np
from scipy.linalg.lapack import dgtsv as _dgtsv

from cocoonlib.core.kinematics import beta_from_T, momentum_per_nucleon, rigidity_from_T
from cocoonlib.core.units import C_CM_S, KPC_CM, M_ELECTRON_GEV, M_PROTON_G, M_PROTON_GEV, MB_CM2, MYR_S, R_ELECTRON_CM
from cocoonlib.source import grammage as _grammage
from cocoonlib.transport.nuclear import ELEMENTS, PRIMARIES, CrossSections, Nucleus, isotopic_fractions

__all__ = [
    "Halo",
    "HALO_FIELDS",
    "diffusion_coefficient",
    "diffusion_shape",
    "galactic_grammage",
    "grammage_of_diffusion",
    "mean_ism_mass_g",
    "adiabatic_loss",
    "ionisation_loss",
    "slab_solution",
    "force_field",
    "secondary_to_primary",
    "SlabNetwork",
]

#: Mean excitation energies of H and He [GeV], Mannheim & Schlickeiser 1994 (as CRAMS, Methods, methods-slab-transport).
I_H_GEV, I_HE_GEV = 19e-9, 44e-9


@dataclass(frozen=True)
class Halo:
    """Parameters of the disk-halo transport model (Methods, methods-diffusion). No defaults here: the book's are
    those of the parameters D0, delta_gal, ... (:func:`cocoonlib.book.params.from_params.halo`, CRAMS after Schroer+2021).

    D0 [1e28 cm^2/s at 1 GV], delta, ddelta, s, R_b [GV], H [kpc], v_A [km/s],
    mu [mg cm^-2], f_He (He/H by number in the ISM).
    """

    D0: float
    delta: float
    ddelta: float
    s: float
    R_b: float
    H: float
    v_A: float
    mu: float
    f_He: float

    def with_(self, **changes) -> Halo:
        return replace(self, **changes)


HALO_FIELDS = tuple(Halo.__dataclass_fields__)


def mean_ism_mass_g(f_He: float) -> float:
    """Mean mass per ISM atom, m = m_p (1 + 4 f_He)/(1 + f_He) [g] (Methods, methods-slab-transport)."""
    return M_PROTON_G * (1.0 + 4.0 * f_He) / (1.0 + f_He)


def diffusion_coefficient(R_GV, beta, halo: Halo):
    """D(R) = D0 beta (R/GV)^delta [1 + (R/R_b)^(ddelta/s)]^(-s) + 2 v_A H  [cm^2 s^-1].

    Methods, methods-diffusion (CRAMS ``Grammage::D``): a smoothly broken power law with a
    low-energy plateau 2 v_A H.
    """
    return _diffusion_from_shape(beta, *diffusion_shape(R_GV, halo), halo)


def diffusion_shape(R_GV, halo: Halo) -> tuple[np.ndarray, np.ndarray]:
    """The parts of :func:`diffusion_coefficient` that depend on rigidity: ((R/GV)^delta, [1 + (R/R_b)^(ddelta/s)]^s);
    they do not change with D0, v_A or H (a network keeps them while a fit varies those)."""
    R = np.asarray(R_GV, dtype=float)
    return R**halo.delta, (1.0 + (R / halo.R_b) ** (halo.ddelta / halo.s)) ** halo.s


def _diffusion_from_shape(beta, power, smooth, halo: Halo):
    return halo.D0 * 1e28 * beta * power / smooth + 2.0 * halo.v_A * 1e5 * halo.H * KPC_CM


def galactic_grammage(T_GeV_n, A: int, Z: int, halo: Halo, tau_Myr: float = -1.0):
    """Grammage X(T) [g cm^-2] of the disk-halo model (Methods, methods-slab-transport and methods-secondary-ratio).

    Stable nuclei: X = (mu v / 2 v_A) [1 - exp(-v_A H / D)]. For a nucleus with
    decay time ``tau_Myr`` at rest, decay in the halo shortens it (CRAMS form,
    Methods, methods-secondary-ratio): X = (mu v/2 v_A) 2 (1 - e^(-xi Delta)) / [(1 + Delta) - (1 - Delta) e^(-xi Delta)],
    xi = v_A H / D, Delta = sqrt(1 + 4 D / (v_A^2 gamma tau)).
    """
    T = np.asarray(T_GeV_n, dtype=float)
    beta = beta_from_T(T)
    return grammage_of_diffusion(T, beta, diffusion_coefficient(rigidity_from_T(T, A, Z), beta, halo), halo, tau_Myr)


def grammage_of_diffusion(T_GeV_n, beta, D_cm2_s, halo: Halo, tau_Myr: float = -1.0):
    """:func:`galactic_grammage` [g cm^-2] from the diffusion coefficient D [cm^2 s^-1] at T [GeV/n] (speed
    ``beta``)."""
    D = D_cm2_s
    u = halo.v_A * 1e5
    norm = halo.mu * 1e-3 * beta * C_CM_S / (2.0 * u)
    xi = u * halo.H * KPC_CM / D
    if tau_Myr <= 0:
        return norm * -np.expm1(-xi)
    gamma = 1.0 + T_GeV_n / M_PROTON_GEV
    Delta = np.sqrt(1.0 + 4.0 * D / (u**2 * gamma * tau_Myr * MYR_S))
    e = np.exp(-xi * Delta)
    return norm * 2.0 * (1.0 - e) / ((1.0 + Delta) - (1.0 - Delta) * e)


def adiabatic_loss(T_GeV_n, halo: Halo):
    """b_ad = -dT/dx = (2 v_A / 3 mu c) p_n c  [GeV/n per g cm^-2] (Methods, methods-slab-transport)."""
    return 2.0 * halo.v_A * 1e5 / (3.0 * halo.mu * 1e-3 * C_CM_S) * momentum_per_nucleon(T_GeV_n)


def ionisation_loss(T_GeV_n, A: int, Z: int, f_He: float):
    """b_ion = -dT/dx on neutral H + He gas [GeV/n per g cm^-2] (Methods, methods-slab-transport; Mannheim & Schlickeiser 1994).

    -dT/dx = 2 pi r_e^2 m_e c^2 (Z^2/A) [B_H + f_He B_He] / [m_p (1 + 4 f_He) beta^2],
    B_t = n_e,t [ln(2 m_e c^2 beta^2 gamma^2 Q_max / I_t^2) - 2 beta^2] (Bethe), with
    n_e = 1 (H) and 2 (He) electrons per atom and Q_max = 2 m_e c^2 beta^2 gamma^2 / (1 + 2 gamma m_e/M).
    """
    T = np.asarray(T_GeV_n, dtype=float)
    gamma = 1.0 + T / M_PROTON_GEV
    b2 = 1.0 - 1.0 / gamma**2
    bg2 = b2 * gamma**2
    qmax = 2.0 * M_ELECTRON_GEV * bg2 / (1.0 + 2.0 * gamma * M_ELECTRON_GEV / (A * M_PROTON_GEV))
    B_H = np.log(2.0 * M_ELECTRON_GEV * bg2 * qmax / I_H_GEV**2) - 2.0 * b2
    B_He = 2.0 * (np.log(2.0 * M_ELECTRON_GEV * bg2 * qmax / I_HE_GEV**2) - 2.0 * b2)
    pref = 2.0 * pi * R_ELECTRON_CM**2 * M_ELECTRON_GEV * (Z**2 / A) / (M_PROTON_G * (1.0 + 4.0 * f_He))
    return pref * (B_H + f_He * B_He) / b2


def _upwind(T, Q, a, b):
    """First-order implicit upwind solution of -d(b I)/dT + a I = Q (see :func:`slab_solution`).

    ``b`` is 1-D on ``T``; ``a`` is 1-D (every row of ``Q`` is solved with the same operator) or 2-D, one
    operator per row of ``Q`` (e.g. the Bessel modes of :mod:`cocoonlib.transport.transport2d`). The upper-bidiagonal
    system (a_i + b_i/h_i) I_i - (b_{i+1}/h_i) I_{i+1} = Q_i is solved by back substitution from the top of the
    grid: with a 1-D ``a`` by LAPACK ``dgtsv`` (a zero sub-diagonal, so no pivoting: every term is positive and
    nothing cancels), with a 2-D ``a`` by the same recursion vectorised over the rows.
    """
    n = T.shape[-1]
    h = np.diff(T)
    if np.ndim(a) == 2:
        diag = a.copy()
        diag[:, :-1] += (b[:-1] / h)[None, :]
        up = b[1:] / h
        out = np.empty(np.broadcast_shapes(np.shape(Q), diag.shape))
        out[..., -1] = Q[..., -1] / diag[:, -1]
        for i in range(n - 2, -1, -1):
            out[..., i] = (Q[..., i] + up[i] * out[..., i + 1]) / diag[:, i]
        return out
    diag = a.copy()
    diag[:-1] += b[:-1] / h
    rhs = np.array(Q.reshape(-1, n).T, order="F")  # a copy: LAPACK overwrites it with the solution
    *_, x, info = _dgtsv(np.zeros(n - 1), diag, -b[1:] / h, rhs, overwrite_b=1)
    if info != 0:  # cannot happen for a > 0, b >= 0; kept as a guard against a wrong operator
        raise FloatingPointError(f"slab solver: singular operator (LAPACK dgtsv info = {info})")
    return x.T.reshape(Q.shape)


def _with_midpoints(x):
    """x on a grid -> x on the grid with every interval halved (geometric mean of positive neighbours,
    arithmetic mean otherwise: log-log interpolation at the log-midpoint)."""
    lo, hi = x[..., :-1], x[..., 1:]
    with np.errstate(invalid="ignore"):
        mid = np.where((lo > 0) & (hi > 0), np.sqrt(np.abs(lo * hi)), 0.5 * (lo + hi))
    out = np.empty(x.shape[:-1] + (2 * x.shape[-1] - 1,))
    out[..., ::2], out[..., 1::2] = x, mid
    return out


def slab_solution(T_GeV_n, Q, a, b=None):
    """Solve -d(b I)/dT + a I = Q from T = infinity down, on a log-spaced grid (last axis).

    ``a`` = 1/X + sigma/m [g^-1 cm^2] (1-D, or 2-D with one row per row of ``Q``); ``b`` = energy loss per
    grammage [GeV/n g^-1 cm^2]
    (None: no losses, I = Q/a exactly). With losses, the implicit upwind step

        I_i = (Q_i + b_{i+1} I_{i+1} / h_i) / (a_i + b_i / h_i),   h_i = T_{i+1} - T_i,

    is exact in the no-loss limit and first order in h otherwise; the recursion is
    solved by back substitution (rows of ``Q`` share ``a`` and ``b``). The step is taken on the grid and on the grid with every
    interval halved (Q, a, b interpolated log-log), and the two are combined by Richardson
    extrapolation, 2 I(h/2) - I(h), which is second order in h and still exact without losses.
    The top grid point has no inflow (truncation).
    """
    Q = np.asarray(Q, dtype=float)
    a = np.asarray(a, dtype=float)
    if b is None:
        return Q / a
    T = np.asarray(T_GeV_n, dtype=float)
    if np.ndim(a) > 2 or np.ndim(b) > 1:
        raise ValueError(
            "slab_solution: b must be a scalar or 1-D on the energy grid, a also 2-D (one row per row of Q)"
        )
    b = np.broadcast_to(np.asarray(b, dtype=float), T.shape)
    a = np.broadcast_to(a, a.shape[:-1] + T.shape if np.ndim(a) == 2 else T.shape)
    coarse = _upwind(T, Q, a, b)
    fine = _upwind(_with_midpoints(T), _with_midpoints(Q), _with_midpoints(a), _with_midpoints(b))[..., ::2]
    return 2.0 * fine - coarse


def force_field(T_toa_GeV_n, T_grid, I_lis, A: int, Z: int, phi_GV: float):
    """Top-of-atmosphere intensity in the force-field approximation (Methods, methods-force-field; Gleeson & Axford 1968).

    I_TOA(T) = I_LIS(T + Phi) T (T + 2 m_p) / [(T + Phi)(T + Phi + 2 m_p)],  Phi = (Z/A) phi.
    ``I_lis`` on ``T_grid`` (last axis; leading axes: several spectra of the nucleus) is interpolated linearly in
    log-log.
    """
    T = np.asarray(T_toa_GeV_n, dtype=float)
    Phi = (Z / A) * phi_GV
    Tl = T + Phi
    with np.errstate(divide="ignore"):
        x, xp, logs = np.log(Tl), np.log(T_grid), np.log(I_lis)
    if logs.ndim == 1:
        logI = np.interp(x, xp, logs)
    else:
        rows = logs.reshape(-1, logs.shape[-1])
        logI = np.array([np.interp(x, xp, row) for row in rows]).reshape(logs.shape[:-1] + np.shape(x))
    m2 = 2.0 * M_PROTON_GEV
    return np.exp(logI) * T * (T + m2) / (Tl * (Tl + m2))


def secondary_to_primary(X_p, X_s, sigma_p, sigma_s, sigma_ps, chi_c=0.0):
    """Closed-form weighted-slab ratio of a stable secondary to its stable parent, no energy losses.

    Methods, methods-secondary-ratio (derived from the transport equation and the cocoon source term): with grammages X_p, X_s [g cm^-2], spallation
    rates per grammage sigma_p/m, sigma_s/m and production rate sigma_ps/m [cm^2 g^-1],
    and cocoon grammage chi_c,

        s/p = sigma_ps X_s / (1 + X_s sigma_s) * [1 + chi_c (1 + X_p sigma_p) / X_p],

    which tends to sigma_ps (X + chi_c) when X sigma << 1.
    """
    return sigma_ps * X_s / (1.0 + X_s * sigma_s) * (1.0 + chi_c * (1.0 + X_p * sigma_p) / X_p)


class SlabNetwork:
    """A nuclear network solved in the weighted-slab model, with cocoon source grammage.

    Built once (cross sections on the energy grid, loss rates, the order of solution); :meth:`solve`
    is then cheap (a millisecond for the C-N-O network, a few for every isotope up to iron) and pure
    in its arguments.

    Parameters
    ----------
    fragmentation, inelastic : str
        Cross-section tables (:mod:`cocoonlib.transport.nuclear`).
    f_He : float
        He/H of the ISM.
    gamma_nuclei : float
        Injection slope in momentum of the nuclei (Q ~ p^(2 - gamma) per dT; CRAMS nucleilist 4.33).
    T_min, T_max, per_decade : float
        Energy grid [GeV/n].
    losses : bool
        Include ionisation and adiabatic losses (False: I = Q/a, exact weighted slab).
    nuclei : tuple of Nucleus, optional
        The nuclei, in solving order: by default every nucleus the tables cover
        (:func:`cocoonlib.transport.nuclear.network_nuclei`); :data:`cocoonlib.transport.nuclear.NETWORK` is the C-N-O network.
    """

    def __init__(
        self,
        fragmentation="evoli2019",
        inelastic="tripathi99",
        f_He=0.1,
        gamma_nuclei=4.33,
        T_min=0.1,
        T_max=1.0e5,
        per_decade=40,
        losses=True,
        nuclei=None,
    ):
        n = int(round(np.log10(T_max / T_min) * per_decade)) + 1
        self.T = np.geomspace(T_min, T_max, n)
        self.f_He, self.gamma_nuclei, self.losses = f_He, gamma_nuclei, losses
        self.xs = CrossSections(self.T, fragmentation, inelastic, f_He, nuclei)
        self.m_ism = mean_ism_mass_g(f_He)
        self.beta = beta_from_T(self.T)
        self.p_n = momentum_per_nucleon(self.T)
        self.nuclei = {n.key: n for n in self.xs.nuclei}
        self.order = [n.key for n in self.xs.nuclei]
        self.spall = {k: self.xs.inelastic_mb[k] * MB_CM2 / self.m_ism for k in self.order}
        self.frag = {pd: s * MB_CM2 / self.m_ism for pd, s in self.xs.partial_mb.items()}
        self.b_ion = {k: ionisation_loss(self.T, n.A, n.Z, f_He) for k, n in self.nuclei.items()}
        self.rigidity = {k: rigidity_from_T(self.T, n.A, n.Z) for k, n in self.nuclei.items()}
        # parents solved before each nucleus (the order puts every parent first: nuclear.network_nuclei)
        done: set[str] = set()
        self.parents: dict[str, list[str]] = {}
        for k in self.order:
            self.parents[k] = [p for p in self.xs.parents_of(k) if p in done]
            done.add(k)
        # the same as arrays, row i = self.order[i]
        self._index = {k: i for i, k in enumerate(self.order)}
        self._spall = np.array([self.spall[k] for k in self.order])
        self._b_ion = np.array([self.b_ion[k] for k in self.order])
        self._rigidity = np.array([self.rigidity[k] for k in self.order])
        self._diffusion_shape = (None, None)  # (delta, ddelta, s, R_b), diffusion_shape of _rigidity: _grammages
        # _frag[i, j]: production of nucleus i by nucleus j per grammage, zero unless j is a parent solved before i
        self._frag = np.zeros((len(self.order), len(self.order), self.T.size))
        for k, parents in self.parents.items():
            for p in parents:
                self._frag[self._index[k], self._index[p]] = self.frag[(p, k)]
        self._fractions: dict[str, dict[str, float]] = {}
        self._is_parent = np.any(self._frag != 0.0, axis=2)
        self._injections: dict = {}
        self._h = np.diff(self.T)
        self._h_fine = np.diff(_with_midpoints(self.T))

    @property
    def elements(self) -> list[str]:
        """The elements of the network, heaviest first."""
        return list(dict.fromkeys(self.nuclei[k].name for k in self.order))

    @cached_property
    def injectable(self) -> list[str]:
        """The elements the network can inject: those with an isotope of non-zero solar-system abundance in it
        (not nickel with the galprop_opt12 table, whose only nickel is 56Ni)."""
        return [
            el for el in self.elements if any(k in self.nuclei for k in (PRIMARIES.get(el) or isotopic_fractions(el)))
        ]

    # --- sources ---------------------------------------------------------------------------
    def element_fractions(self, element: str) -> dict[str, float]:
        """Isotopic fractions [per cent] with which an element is injected: the solar-system fractions
        (:func:`cocoonlib.transport.nuclear.isotopic_fractions`; :data:`cocoonlib.transport.nuclear.PRIMARIES` for C, N, O) of the
        isotopes in the network. If the network lacks some of them (20Ne alone for neon with the evoli2019
        table), the element's whole abundance goes to those it has, in proportion (assumed: the missing
        isotopes fragment like their neighbours)."""
        if element in self._fractions:
            return self._fractions[element]
        listed = PRIMARIES.get(element) or isotopic_fractions(element)
        present = {k: f for k, f in listed.items() if k in self.nuclei}
        if not present:
            raise ValueError(
                f"source abundance for {element!r} is not allowed: the {self.xs.fragmentation} and "
                f"{self.xs.inelastic} tables have no isotope of {element} with a solar-system "
                f"abundance (the elements the network can inject: {', '.join(self.injectable)})"
            )
        if len(present) < len(listed):
            total = sum(present.values())
            present = {k: 100.0 * f / total for k, f in present.items()}
        self._fractions[element] = present
        return present

    def injection(self, abundances: dict[str, float]) -> dict[str, np.ndarray]:
        """Primary injection per grammage, Q = y_el f_iso beta^-1 p_n^(2 - gamma) (arbitrary units).

        ``abundances``: element -> y (relative source abundance at equal kinetic energy per
        nucleon), shared by its isotopes with the fractions of :meth:`element_fractions`;
        a nucleus key such as ``'12C'`` injects that isotope alone.
        """
        shape = self.p_n ** (2.0 - self.gamma_nuclei) / self.beta
        Q: dict[str, np.ndarray] = {}
        for el, y in abundances.items():
            if el in self.nuclei:
                fractions = {el: 100.0}
            elif isinstance(el, str) and el in ELEMENTS:
                fractions = self.element_fractions(el)
            else:
                raise ValueError(
                    f"source abundance for {el!r} is not allowed: expected an element of the network "
                    f"({', '.join(self.elements)}) or one of its nuclei ({', '.join(self.order)})"
                )
            if isinstance(y, bool) or not isinstance(y, (int, float)) or not y >= 0:
                raise ValueError(f"source abundance {el} = {y!r} is not allowed: expected a number >= 0")
            for iso, pct in fractions.items():
                Q[iso] = Q.get(iso, 0.0) + y * pct / 100.0 * shape
        return Q

    # --- solution --------------------------------------------------------------------------
    def _injection_rows(self, abundances: dict[str, float]) -> tuple[tuple[str, ...], np.ndarray]:
        """The injected nuclei and :meth:`injection` as rows in the network's order (N, nT); kept per abundances (a
        fit solves the network many times with the same ones)."""
        key = tuple(abundances.items())
        try:
            hash(key)
        except TypeError:  # an unhashable value: not kept, and injection() says what is wrong with it
            key = None
        kept = self._injections  # read once: another thread may replace it meanwhile
        if key is None or key not in kept:
            Q = self.injection(abundances)
            inj = np.zeros((len(self.order), self.T.size))
            for k, q in Q.items():
                inj[self._index[k]] = q
            kept = {key: (tuple(Q), inj)}
            self._injections = kept  # the last abundances only
        return kept[key]

    def _grammages(self, halo: Halo, unstable: list | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Galactic grammage of every nucleus, (N, nT), as if stable and with decay: :func:`galactic_grammage` for all
        rows at once (the rigidity dependence of D kept while only D0, v_A, H or mu change, as in a fit); ``unstable``:
        :meth:`_unstable`, if the caller has it."""
        shape_key = (halo.delta, halo.ddelta, halo.s, halo.R_b)
        kept_key, shape = self._diffusion_shape  # read once: another thread may replace it meanwhile
        if kept_key != shape_key:
            shape = diffusion_shape(self._rigidity, halo)
            self._diffusion_shape = (shape_key, shape)
        D = _diffusion_from_shape(self.beta, *shape, halo)
        X_stable = grammage_of_diffusion(self.T, self.beta, D, halo)
        X = X_stable.copy()
        for u, nuc in self._unstable() if unstable is None else unstable:
            X[u] = grammage_of_diffusion(self.T, self.beta, D[u], halo, nuc.tau_Myr)
        return X_stable, X

    def _unstable(self) -> list[tuple[int, Nucleus]]:
        """(row, nucleus) of the unstable nuclei, read from :attr:`nuclei` at each solution (a caller may make one
        stable on an instance, as the tests do)."""
        return [(self._index[k], n) for k, n in self.nuclei.items() if n.unstable]

    def solve(
        self,
        halo: Halo,
        abundances: dict[str, float],
        chi0: float = 0.0,
        R0: float = 20.0,
        grammage_model: str = "exponential",
        delta_c: float = 1.0,
        R_cut: float = np.inf,
        cocoon_daughters: str = "all",
    ) -> dict[str, np.ndarray]:
        """Interstellar (LIS) intensities of every nucleus on ``self.T``.

        Returns ``{key: array (2, nT)}``: row 0 is the Galactic part (injection and
        spallation in the ISM), row 1 the part that starts from nuclei made in
        the cocoons (Methods, methods-cocoon-secondaries: Q_s += sum_k chi_c(R_k)/m sigma_{k->s} Q_k, with
        R_k the parent's rigidity at the same T/n). ``chi0`` [g cm^-2], ``R0`` and ``R_cut`` [TV].
        ``cocoon_daughters``: ``'all'`` (every daughter of every injected parent gets the cocoon term, as in
        CRAMS: carbon made from oxygen in the cocoon too) or ``'secondaries'`` (only nuclei that are not
        injected themselves, for comparison).
        """
        if cocoon_daughters not in ("all", "secondaries"):
            raise ValueError(f"cocoon_daughters = {cocoon_daughters!r} is not allowed: expected 'all' or 'secondaries'")
        Q_inj, inj = self._injection_rows(abundances)
        N, nT = len(self.order), self.T.size
        coc = np.zeros((N, nT))  # chi_c(R_k) Q_k of each injected parent at its rigidity
        if chi0 > 0:
            rows = [self._index[k] for k in Q_inj]
            coc[rows] = _grammage.grammage(self._rigidity[rows], grammage_model, chi0, R0, delta_c, R_cut) * inj[rows]
        unstable = self._unstable()
        X_stable, X = self._grammages(halo, unstable)
        a = 1.0 / X + self._spall
        b = self._b_ion + adiabatic_loss(self.T, halo)
        cocoon_rows = np.array([cocoon_daughters == "all" or k not in Q_inj for k in self.order])
        decay_into, decay_rate = np.full(N, -1), np.zeros((N, nT))
        for u, n in unstable:  # unstable nuclei feed their daughter: 1/X_unstable - 1/X_stable per grammage
            decay_into[u] = self._index[n.daughter]
            decay_rate[u] = 1.0 / X[u] - 1.0 / X_stable[u]
        from cocoonlib.transport.network_sweep import sweep  # numba: imported by the chapters that solve a network

        I = sweep(
            inj,
            coc,
            cocoon_rows,
            self._frag,
            self._is_parent,
            a,
            b,
            self._h,
            self._h_fine,
            self.losses,
            decay_into,
            decay_rate,
        )
        return {k: I[i] for i, k in enumerate(self.order)}
