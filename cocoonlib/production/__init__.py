"""Secondary production: gamma rays and neutrinos from cosmic rays inside the cocoons.

``kelner``: KAB06 kernels and the delta approximation; ``aafrag``: AAfrag through aafragpy;
``emissivity``: one interface over both ([AESB25] eq. 7); ``oscillation``: flavours at Earth.
"""

from cocoonlib.production.emissivity import (
    E_DELTA_GEV,
    ISM,
    MODELS,
    PROJECTILE_PER_DECADE,
    SECONDARIES,
    AAfragProduction,
    KelnerProduction,
    Production,
)
from cocoonlib.production.oscillation import flavours_at_earth, oscillation_matrix

__all__ = [
    "Production",
    "KelnerProduction",
    "AAfragProduction",
    "MODELS",
    "ISM",
    "SECONDARIES",
    "E_DELTA_GEV",
    "PROJECTILE_PER_DECADE",
    "flavours_at_earth",
    "oscillation_matrix",
]
