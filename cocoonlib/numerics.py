"""Small numerical helpers shared by several modules."""
from __future__ import annotations

import numpy as np

__all__ = ["loglog_interp"]


def loglog_interp(x, xp, fp):
    """Linear interpolation in (ln x, ln f): exact for power laws between the nodes; constant beyond the ends.
    ``xp`` increasing and positive; ``fp`` non-negative (zeros, e.g. a spectrum beyond its cut-off, are
    floored at 1e-300 and come back as ~0)."""
    return np.exp(np.interp(np.log(x), np.log(xp), np.log(np.maximum(fp, 1e-300))))
