"""Small numerical helpers shared by several modules."""
from __future__ import annotations

import numpy as np

__all__ = ["loglog_interp"]


def loglog_interp(x, xp, fp):
    """Linear interpolation in (ln x, ln f): exact for power laws between the nodes; constant beyond the ends.
    ``xp`` increasing, ``xp`` and ``fp`` positive."""
    return np.exp(np.interp(np.log(x), np.log(xp), np.log(fp)))
