"""Uncertainty bands on the cocoon curves: an interval of chi0 carried to the sky.

Every cocoon flux is chi0 times a shape ([AESB25] eq. 7: the emissivity is linear in the grammage, and chi_c(R) is
chi0 times a function of R0 for every grammage model), so the cocoon curve at chi0' is the curve at chi0 times
chi0'/chi0, and the band of an interval [chi0_lo, chi0_hi] is the curve evaluated at its two ends
(book, Methods: bands (methods-bands)). The interval is chapter 2's profile interval (:class:`Chi0Interval`, read
from the saved B/C fit by :func:`cocoonlib.book.params.saved_fit.saved_interval`) or any other.

The DGE does not depend on chi0, but the transport parameter that B/C fits together with chi0 (D0, correlated
with it) also sets the cosmic-ray sea of the DGE (:mod:`cocoonlib.transport.transport2d`). :func:`sea_density_change` bounds
the effect cheaply (the largest relative change of the sea's density, normalised at the Sun, anywhere within the
gas layer), :func:`cocoonlib.book.params.from_params.dge_change_with_D0` computes it on the DGE itself (a new sky per D0: seconds per window when the
columns are not cached).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from cocoonlib.stats import bc_fit

__all__ = [
    "Chi0Interval",
    "cocoon_per_chi0",
    "cocoon_band",
    "total_band",
    "value_range",
    "D0_along_chi0",
    "sea_density_change",
]


@dataclass(frozen=True)
class Chi0Interval:
    """A best chi0 with its 1 and 2 sigma intervals [g cm^-2] and where they come from."""

    best: float
    lo1: float
    hi1: float
    lo2: float
    hi2: float
    source: str = ""

    def __post_init__(self):
        finite = all(np.isfinite([self.best, self.lo1, self.lo2]))
        if not (finite and 0 <= self.lo2 <= self.lo1 <= self.best <= self.hi1 <= self.hi2):
            raise ValueError(
                f"chi0 interval {self.lo2!r} <= {self.lo1!r} <= {self.best!r} <= {self.hi1!r} <= "
                f"{self.hi2!r} is not allowed: expected 0 <= lo2 <= lo1 <= best <= hi1 <= hi2, the lower "
                "ends finite"
            )

    def ends(self, n_sigma: int = 1) -> tuple[float, float]:
        """(low, high) end of the 1 or 2 sigma interval."""
        if n_sigma not in (1, 2):
            raise ValueError(f"n_sigma = {n_sigma!r} is not allowed: expected 1 or 2")
        return (self.lo1, self.hi1) if n_sigma == 1 else (self.lo2, self.hi2)

    @classmethod
    def from_fit(cls, fit: bc_fit.BCFit, source: str = "B/C fit (chapter 2)") -> Chi0Interval:
        """The profile intervals of a B/C fit (:class:`cocoonlib.stats.bc_fit.BCFit`)."""
        (lo1, hi1), (lo2, hi2) = fit.chi0_interval_1sigma, fit.chi0_interval_2sigma
        return cls(fit.chi0, lo1, hi1, lo2, hi2, source)


def cocoon_per_chi0(sky, window: str, model: str | None = None) -> np.ndarray:
    """The sky's cocoon curve E^2 I on ``sky.E`` per unit chi0 [GeV cm^-2 s^-1 sr^-1 per g cm^-2] (mask included)."""
    if sky.chi0 > 0:
        return sky.cocoon(window, model) / sky.chi0
    return sky.with_cocoons(chi0=1.0).cocoon(window, model)


def cocoon_band(sky, window: str, interval: Chi0Interval, n_sigma: int = 1, model: str | None = None):
    """(low, high) cocoon curves for chi0 at the two ends of the interval: the curve scaled by linearity."""
    unit = cocoon_per_chi0(sky, window, model)
    lo, hi = interval.ends(n_sigma)
    return lo * unit, hi * unit


def total_band(
    sky,
    window: str,
    interval: Chi0Interval,
    n_sigma: int = 1,
    gas_name: str | None = None,
    model: str | None = None,
    sea: str | None = None,
):
    """(low, high) of DGE + cocoons for chi0 anywhere in the interval and the DGE anywhere in its knee band: the
    lower DGE edge plus the cocoons at the interval's low end, the upper edge plus those at its high end (``model``
    as in :meth:`cocoonlib.sky.gamma.GammaSky.total_band`)."""
    d_lo, d_hi = sky.dge_band(window, gas_name, model, sea)
    c_lo, c_hi = cocoon_band(sky, window, interval, n_sigma, model)
    return d_lo + c_lo, d_hi + c_hi


def value_range(
    f: Callable[[float], float], interval: Chi0Interval, n_sigma: int = 1, n: int = 9
) -> tuple[float, float]:
    """(smallest, largest) of a number f(chi0) over the interval: f at ``n`` evenly spaced chi0 including both ends
    (the ends suffice for a quantity monotonic in chi0, such as a flux or a share; a chi^2 may be smallest inside)."""
    if n < 2:
        raise ValueError(f"n = {n!r} is not allowed: expected at least 2 (both ends)")
    lo, hi = interval.ends(n_sigma)
    values = np.array([float(f(c)) for c in np.linspace(lo, hi, n)])
    return float(values.min()), float(values.max())


def D0_along_chi0(fit: bc_fit.BCFit, chi0: float) -> float:
    """D0 that goes with chi0 in the fit's Gaussian approximation: D0_best + cov(D0, chi0)/var(chi0) (chi0 -
    chi0_best)."""
    if "D0" not in fit.free:
        raise ValueError("this B/C fit did not free D0 (free_transport = 'none'): D0 does not move with chi0")
    cov = fit.covariance
    return fit.best["D0"] + cov["D0"]["chi0"] / cov["chi0"]["chi0"] * (chi0 - fit.chi0)


#: where :func:`sea_shape_change` looks: the gas layer (|z| <= 1 kpc) inside the cosmic-ray cylinder, at the
#: rigidities of the projectiles of 0.1 TeV - 1 PeV photons (assumed: 100 GV - 10 PV), where the sea is at least
#: 1 % of its local density
SEA_R_KPC = np.linspace(0.0, 19.5, 40)
SEA_Z_KPC = np.linspace(0.0, 1.0, 11)
SEA_RIGIDITY_GV = np.geomspace(1.0e2, 1.0e7, 11)
SEA_FLOOR = 0.01


def sea_density_change(
    reference: Mapping[str, Any],
    changed: Mapping[str, Any],
    r_kpc=SEA_R_KPC,
    z_kpc=SEA_Z_KPC,
    rigidity_GV=SEA_RIGIDITY_GV,
    floor: float = SEA_FLOOR,
) -> dict[str, float]:
    """The largest relative change of the sea's density g(r, z, R) (relative to the Sun) between two sets of 2D
    transport solutions ({species: :class:`cocoonlib.transport.transport2d.GalacticSea`}), over the points with
    g_ref >= ``floor``, for H and He. The DGE is a column of g n_H weighted by the emissivity, so its relative
    change is bounded by these numbers, apart from gas where the sea is below ``floor`` of its local density."""
    out = {}
    for sp in ("H", "He"):
        g0 = reference[sp].table(r_kpc, z_kpc, rigidity_GV)
        g = changed[sp].table(r_kpc, z_kpc, rigidity_GV)
        keep = g0 >= floor
        out[sp] = float(np.max(np.abs(g[keep] / g0[keep] - 1.0)))
    return out
