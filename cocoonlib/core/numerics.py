"""Small numerical helpers shared by several modules."""

from __future__ import annotations

from functools import cache

import numpy as np

__all__ = ["loglog_interp", "semilog_interp", "gauss_legendre"]


def loglog_interp(x, xp, fp):
    """Linear interpolation in (ln x, ln f): exact for power laws between the nodes; constant beyond the ends.
    ``xp`` increasing and positive; ``fp`` non-negative (zeros, e.g. a spectrum beyond its cut-off, are
    floored at 1e-300 and come back as ~0). ``fp`` may have leading axes (one curve per row, all on ``xp``):
    the result then has shape ``fp.shape[:-1] + np.shape(x)``, each row as :func:`numpy.interp` would give it."""
    fp = np.asarray(fp, dtype=float)
    if fp.ndim <= 1:
        return np.exp(np.interp(np.log(x), np.log(xp), np.log(np.maximum(fp, 1e-300))))
    lxp = np.log(np.asarray(xp, dtype=float))
    lx = np.clip(np.log(np.asarray(x, dtype=float)), lxp[0], lxp[-1])
    i = np.clip(np.searchsorted(lxp, lx, side="right") - 1, 0, lxp.size - 2)
    w = (lx - lxp[i]) / (lxp[i + 1] - lxp[i])
    lf = np.log(np.maximum(fp, 1e-300))
    return np.exp(lf[..., i] + w * (lf[..., i + 1] - lf[..., i]))


def semilog_interp(x, xp, fp):
    """Linear interpolation in (ln x, f): for a quantity that is not a power law but is tabulated on a log grid
    (a ratio of two spectra, an index); exact at the nodes, constant beyond the ends. ``xp`` increasing, positive."""
    return np.interp(np.log(x), np.log(xp), fp)


@cache
def gauss_legendre(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [-1, 1] (numpy's, computed once per n; read-only)."""
    x, w = np.polynomial.legendre.leggauss(n)
    x.setflags(write=False)
    w.setflags(write=False)
    return x, w
