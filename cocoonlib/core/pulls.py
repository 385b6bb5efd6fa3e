"""The one definition of a pull and of chi^2 against data (book, Methods: pulls and chi-squared (methods-chi2)).

    pull = (model - measured) / sigma_hi   if model > measured,
           (model - measured) / sigma_lo   otherwise;      chi^2 = sum of squared pulls.

With one error (``err_hi`` not given) the pull is the symmetric (model - measured) / sigma. Every comparison of the
book with data goes through these two functions: B/C (chapter 2, the joint fit, the Explore page), the local
cosmic-ray fits, and the gamma-ray points and bands (:mod:`cocoonlib.stats.compare`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["pull", "chi2"]


def pull(model, measured, err_lo, err_hi=None) -> np.ndarray:
    """(model - measured) / sigma with sigma = ``err_hi`` where the model is above and ``err_lo`` where it is below, or
    ``err_lo`` everywhere when ``err_hi`` is None (arrays broadcast; a model may carry leading axes, one model per
    row)."""
    r = np.asarray(model, dtype=float) - measured
    if err_hi is None:
        return r / err_lo
    return r / np.where(r > 0, err_hi, err_lo)


def chi2(model, measured, err_lo, err_hi=None, axis=-1):
    """Sum of squared :func:`pull` over ``axis`` (the points): a float for one model, an array for one model per row."""
    out = np.sum(pull(model, measured, err_lo, err_hi) ** 2, axis=axis)
    return float(out) if np.ndim(out) == 0 else out
