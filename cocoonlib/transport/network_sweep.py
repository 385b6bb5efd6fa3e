"""The nuclear network solved from the heaviest nucleus down, compiled with numba.

:meth:`cocoonlib.transport.slab.SlabNetwork.solve` prepares the coefficients; this module does the sweep, the part that
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
def _upwind(x, a, b, h, fine):
    """Solve the upwind step of ``slab._upwind`` in place for the two rows of ``x``, from the top energy down:
    (a_k + b_k/h_k) I_k - (b_{k+1}/h_k) I_{k+1} = x_k below the top, a I = x at the top (no inflow). With ``fine``,
    on the grid with every interval halved: ``a`` and ``b`` (on the grid) taken at the log-midpoints, ``h`` that
    grid's spacing."""
    m = x.shape[1]
    for k in range(m - 1, -1, -1):
        if fine:
            j = k // 2
            a_k = a[j] if k % 2 == 0 else _log_midpoint(a[j], a[j + 1])
            b_k = b[j] if k % 2 == 0 else _log_midpoint(b[j], b[j + 1])
        else:
            a_k, b_k = a[k], b[k]
        if k == m - 1:
            x[0, k] /= a_k
            x[1, k] /= a_k
            b_up = b_k
            continue
        d, up = a_k + b_k / h[k], b_up / h[k]
        x[0, k] = (x[0, k] + up * x[0, k + 1]) / d
        x[1, k] = (x[1, k] + up * x[1, k + 1]) / d
        b_up = b_k


@njit(cache=True)
def _slab(src, a, b, h, h_fine):
    """``slab.slab_solution`` for one nucleus and the two rows of ``src`` (2, nT): the upwind step on the grid (spacing
    ``h``) and on the grid with every interval halved (``h_fine``; the source at the log-midpoints too), combined by
    Richardson extrapolation, 2 I(h/2) - I(h)."""
    n = a.size
    fine = np.empty((2, 2 * n - 1))
    coarse = np.empty((2, n))
    for r in range(2):
        for k in range(n):
            fine[r, 2 * k] = coarse[r, k] = src[r, k]
        for k in range(n - 1):
            fine[r, 2 * k + 1] = _log_midpoint(src[r, k], src[r, k + 1])
    _upwind(fine, a, b, h_fine, True)
    _upwind(coarse, a, b, h, False)
    out = np.empty((2, n))
    for r in range(2):
        for k in range(n):
            out[r, k] = 2.0 * fine[r, 2 * k] - coarse[r, k]
    return out


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
        for u in range(-1, i):  # -1: the nucleus's own source; u >= 0: the decay of an unstable parent u into it
            if u >= 0:
                if decay_into[u] != i:
                    continue
                for r in range(2):
                    for t in range(n):
                        src[r, t] = I[u, r, t] * decay_rate[u, t]
            if losses:
                solved = _slab(src, a[i], b[i], h, h_fine)
            else:
                solved = np.empty((2, n))
                for r in range(2):
                    for t in range(n):
                        solved[r, t] = src[r, t] / a[i, t]
            for r in range(2):
                for t in range(n):
                    I[i, r, t] = solved[r, t] if u < 0 else I[i, r, t] + solved[r, t]
    return I
