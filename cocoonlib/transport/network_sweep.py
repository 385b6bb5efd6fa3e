"""The nuclear network solved from the heaviest nucleus down, compiled with numba.

:meth:`cocoonlib.transport.slab.SlabNetwork.solve` prepares the operators; this module does the sweep, the part that
cannot be vectorised: each nucleus needs the intensities of its parents at the same energies, so the nuclei are solved
one after the other. For each it builds the source (injection, fragmentation of the nuclei already solved, the
cocoon term), solves the upwind equation of :func:`cocoonlib.transport.slab.slab_solution` on the grid and on the
grid with every interval halved by back substitution, and combines the two by Richardson extrapolation (Methods,
methods-slab-transport). The arithmetic is that of ``slab_solution`` (the network is tested against a loop over it in
tests/transport/test_bc_network.py); compiled, the sweep of the B/C network takes ~0.04 ms instead of ~0.35 ms with
NumPy and LAPACK calls per nucleus, and the network's solutions are what the fits of chapters 2 and 7 spend their
time on.

Compiled on first use and cached beside this file (``cache=True``), or in numba's user cache folder where this folder
is read-only.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["sweep"]


@njit(cache=True)
def _log_midpoint(lo: float, hi: float) -> float:
    """The value halfway in log T between two grid values: the geometric mean of positive neighbours, the arithmetic
    mean otherwise (as ``slab._with_midpoints``)."""
    if lo > 0.0 and hi > 0.0:
        return np.sqrt(lo * hi)
    return 0.5 * (lo + hi)


@njit(cache=True)
def _with_midpoints(x):
    """x on the grid -> x on the grid with every interval halved (``slab._with_midpoints`` of one row)."""
    n = x.size
    out = np.empty(2 * n - 1)
    for k in range(n):
        out[2 * k] = x[k]
    for k in range(n - 1):
        out[2 * k + 1] = _log_midpoint(x[k], x[k + 1])
    return out


@njit(cache=True)
def _back_substitution(x, a, b, h):
    """Solve the upwind step of ``slab._upwind`` in place: (a_k + b_k/h_k) I_k - (b_{k+1}/h_k) I_{k+1} = x_k for
    k below the top, a I = x at the top (no inflow), for the two rows of ``x``, from the top energy down."""
    n = a.size
    x[:, n - 1] /= a[n - 1]
    for k in range(n - 2, -1, -1):
        d, up = a[k] + b[k] / h[k], b[k + 1] / h[k]
        x[0, k] = (x[0, k] + up * x[0, k + 1]) / d
        x[1, k] = (x[1, k] + up * x[1, k + 1]) / d


@njit(cache=True)
def _slab(src, a, b, h, h_fine):
    """``slab.slab_solution`` for one nucleus and the two rows of ``src`` (2, nT): the upwind step on the grid (spacing
    ``h``) and on the grid with every interval halved (``h_fine``; source, a and b at the log-midpoints), combined
    by Richardson extrapolation, 2 I(h/2) - I(h)."""
    n = a.size
    fine = np.empty((2, 2 * n - 1))
    fine[0], fine[1] = _with_midpoints(src[0]), _with_midpoints(src[1])
    coarse = src.copy()
    _back_substitution(fine, _with_midpoints(a), _with_midpoints(b), h_fine)
    _back_substitution(coarse, a, b, h)
    return 2.0 * fine[:, ::2] - coarse


@njit(cache=True)
def _solve_nucleus(i, src, a, b, h, h_fine, losses):
    if losses:
        return _slab(src, a[i], b[i], h, h_fine)
    return src / a[i]


@njit(cache=True)
def sweep(inj, coc, cocoon_rows, frag, parents, a, b, h, h_fine, losses, decay_into, decay_rate):
    """Intensities (N, 2, nT) of the N nuclei in order (heaviest first): row 0 from the injection ``inj`` (N, nT),
    row 1 from the cocoon term ``coc`` (N, nT, the cocoon grammage times the injection of each parent).

    ``frag[i, p]`` (N, N, nT): production of nucleus i by nucleus p per grammage (zero unless p < i is a parent,
    ``parents[i, p]``); ``cocoon_rows[i]``: whether nucleus i receives the cocoon term of its parents; ``a`` (N, nT):
    1/X + sigma/m; ``b`` (N, nT): the energy loss per grammage, used with ``losses`` on the grid of spacing ``h``
    and the grid of halved intervals (``h_fine``; without losses I = Q / a); ``decay_into[u]``: the row an unstable
    nucleus u decays into (-1 for stable ones), at the rate per grammage ``decay_rate[u]`` (nT); the decay feed is
    solved on its own and added, as its parent comes first."""
    N, n = inj.shape
    I = np.zeros((N, 2, n))
    src = np.empty((2, n))
    made = np.empty((3, n))  # fragmentation into nucleus i: of the Galactic row, of the cocoon row, in the cocoons
    for i in range(N):
        made[:] = 0.0
        for p in range(i):
            if not parents[i, p]:
                continue
            for t in range(n):
                f = frag[i, p, t]
                made[0, t] += f * I[p, 0, t]
                made[1, t] += f * I[p, 1, t]
                made[2, t] += f * coc[p, t]
        for t in range(n):
            src[0, t] = inj[i, t] + made[0, t]
            src[1, t] = made[1, t] + made[2, t] if cocoon_rows[i] else made[1, t]
        I[i] = _solve_nucleus(i, src, a, b, h, h_fine, losses)
        for u in range(i):
            if decay_into[u] == i:
                feed = np.empty((2, n))
                for r in range(2):
                    for t in range(n):
                        feed[r, t] = I[u, r, t] * decay_rate[u, t]
                I[i] += _solve_nucleus(i, feed, a, b, h, h_fine, losses)
    return I
