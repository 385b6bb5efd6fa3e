"""Model against measurement: the one definition of a pull, and the comparisons built on it (book, Methods:
pulls and chi-squared (methods-chi2)).

A measured point with asymmetric errors is compared through the error on the side where the model lies:

    pull = (model - measured) / sigma_hi   if model > measured,
           (model - measured) / sigma_lo   otherwise,

and chi^2 is the sum of squared pulls. Every comparison of the book with data (chapters 3 and 5, the limits of the
appendices, the joint fit, the Explore page) goes through :func:`asymmetric_pulls`. A published fit given as a band
(HAWC's power law) is compared the same way, with the band's two half-widths as the errors
(:func:`distance_to_band`).

Measured points are DataFrames with columns E_GeV, E2_flux, E2_err_lo, E2_err_hi, upper_limit (the loaders of
:mod:`cocoonlib.io.data`); models are E^2 I on an energy grid E_model [GeV], interpolated log-log to the points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from cocoonlib.core.numerics import loglog_interp
from cocoonlib.core.pulls import pull

__all__ = [
    "ExcessShare",
    "asymmetric_pulls",
    "measured_points",
    "MeasuredArrays",
    "measured_arrays",
    "pulls",
    "chi2_against",
    "distance_to_band",
    "share_of_excess",
    "best_chi2_in_band",
    "ratio_of_points",
    "local_index_of_points",
]


def asymmetric_pulls(model, measured, err_lo, err_hi) -> np.ndarray:
    """(model - measured) / sigma with sigma = ``err_hi`` where the model is above and ``err_lo`` where it is below
    (arrays broadcast; a model may carry leading axes, one model per row): :func:`cocoonlib.core.pulls.pull`."""
    return pull(model, measured, err_lo, err_hi)


def measured_points(data: pd.DataFrame) -> pd.DataFrame:
    """The points of ``data`` that are measurements (upper limits left out)."""
    return data[~data.upper_limit.astype(bool)]


@dataclass(frozen=True)
class MeasuredArrays:
    """The measured points of a table (upper limits left out) as arrays: what :func:`pulls` reads, taken out of the
    DataFrame once for a comparison made many times (a number as a function of chi0, a scan)."""

    E_GeV: np.ndarray
    E2_flux: np.ndarray
    E2_err_lo: np.ndarray
    E2_err_hi: np.ndarray


def measured_arrays(data: pd.DataFrame | MeasuredArrays) -> MeasuredArrays:
    """The :class:`MeasuredArrays` of a table of points (the same object if it is one already)."""
    if isinstance(data, MeasuredArrays):
        return data
    d = measured_points(data)
    return MeasuredArrays(d.E_GeV.to_numpy(), d.E2_flux.to_numpy(), d.E2_err_lo.to_numpy(), d.E2_err_hi.to_numpy())


def pulls(data: pd.DataFrame | MeasuredArrays, E_model, E2I_model) -> np.ndarray:
    """Signed pulls of every measured point (upper limits skipped) for the model E^2 I on ``E_model``; with one
    model per row of ``E2I_model``, one row of pulls per model. ``data``: a table or its :class:`MeasuredArrays`."""
    d = measured_arrays(data)
    m = loglog_interp(d.E_GeV, E_model, E2I_model)
    return asymmetric_pulls(m, d.E2_flux, d.E2_err_lo, d.E2_err_hi)


def chi2_against(data: pd.DataFrame, E_model, E2I_model):
    """chi^2 = sum of squared :func:`pulls`; a float, or one chi^2 per row when ``E2I_model`` holds one model per
    row."""
    chi2 = np.sum(pulls(data, E_model, E2I_model) ** 2, axis=-1)
    return float(chi2) if np.ndim(chi2) == 0 else chi2


def distance_to_band(E_model, E2I_model, band: pd.DataFrame) -> np.ndarray:
    """Signed distance of a model from a measured band (columns E_GeV, E2_low, E2_best, E2_high) at the band's
    energies, in units of the band's half-width on the side where the model lies: the pull of the model against
    the band's best curve with the two half-widths as errors. A published fit with its errors (HAWC's power law)
    is compared this way: as a band, not as points (book, Methods: methods-band-distance)."""
    m = loglog_interp(band.E_GeV.to_numpy(), E_model, E2I_model)
    best = band.E2_best.to_numpy()
    return asymmetric_pulls(m, best, best - band.E2_low.to_numpy(), band.E2_high.to_numpy() - best)


class ExcessShare(NamedTuple):
    """A measured point's E^2 I, its excess over the DGE and the share of that excess the cocoons supply."""

    measured: float
    excess: float
    share: float


def share_of_excess(E_GeV: float, E_model, E2I_dge, E2I_cocoon, data: pd.DataFrame) -> ExcessShare:
    """(measured E^2 I, excess over the DGE, cocoons / excess) at the measured point nearest ``E_GeV``: what
    fraction of the measurement's excess over the DGE the cocoons supply (1 = all of it; negative or above 1
    when the DGE alone overshoots the point or the cocoons overshoot the excess; book, Methods: methods-excess-share)."""
    d = measured_arrays(data)
    i = int(np.argmin(np.abs(np.log(d.E_GeV / E_GeV))))
    E, measured = float(d.E_GeV[i]), float(d.E2_flux[i])
    excess = measured - float(loglog_interp(E, E_model, E2I_dge))
    return ExcessShare(measured, excess, float(loglog_interp(E, E_model, E2I_cocoon)) / excess)


def best_chi2_in_band(data: pd.DataFrame, E_model, E2I_low, E2I_high, E2I_add=0.0, n: int = 101) -> tuple[float, float]:
    """Smallest chi^2 of the curves low + t (high - low) + add on ``n`` values 0 <= t <= 1, and its t: how
    well the best curve inside a band describes the data."""
    lo, hi, add = (np.asarray(v, dtype=float) for v in (E2I_low, E2I_high, E2I_add))
    ts = np.linspace(0.0, 1.0, n)
    chi = chi2_against(data, E_model, lo + ts[:, None] * (hi - lo) + add)
    i = int(np.argmin(chi))
    return float(chi[i]), float(ts[i])


def ratio_of_points(numerator: pd.DataFrame, denominator: pd.DataFrame) -> pd.DataFrame:
    """The ratio of two tables of points at the denominator's energies: E_GeV, ratio, error (the numerator
    interpolated log-log to those energies, inside its range only, with its relative error interpolated the same way;
    the relative errors added in quadrature, each the mean of its two sides). Upper limits are left out."""
    num, den = measured_arrays(numerator), measured_arrays(denominator)
    inside = (den.E_GeV >= num.E_GeV.min()) & (den.E_GeV <= num.E_GeV.max())
    E = den.E_GeV[inside]
    rel_num = 0.5 * (num.E2_err_lo + num.E2_err_hi) / num.E2_flux
    rel_den = (0.5 * (den.E2_err_lo + den.E2_err_hi) / den.E2_flux)[inside]
    ratio = loglog_interp(E, num.E_GeV, num.E2_flux) / den.E2_flux[inside]
    error = ratio * np.hypot(loglog_interp(E, num.E_GeV, rel_num), rel_den)
    return pd.DataFrame({"E_GeV": E, "ratio": ratio, "error": error})


def local_index_of_points(table: pd.DataFrame) -> pd.DataFrame:
    """The photon index between neighbouring measured points, Gamma = 2 - ln(F2/F1)/ln(E2/E1) for F = E^2 I, at
    the geometric mean energy, with the error of the two relative errors (mean of their sides) in quadrature."""
    d = measured_arrays(table)
    order = np.argsort(d.E_GeV)
    E, F = d.E_GeV[order], d.E2_flux[order]
    rel = (0.5 * (d.E2_err_lo + d.E2_err_hi) / d.E2_flux)[order]
    step = np.log(E[1:] / E[:-1])
    return pd.DataFrame(
        {
            "E_GeV": np.sqrt(E[1:] * E[:-1]),
            "index": 2.0 - np.log(F[1:] / F[:-1]) / step,
            "error": np.hypot(rel[1:], rel[:-1]) / step,
        }
    )
