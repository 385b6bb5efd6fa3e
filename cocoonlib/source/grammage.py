"""Source-grammage models chi_c(R) [g cm^-2] for cosmic rays inside a cocoon.

All functions take the rigidity R in GV and return g cm^-2.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

__all__ = [
    "exponential",
    "advection_diffusion",
    "advection_diffusion_cutoff",
    "constant",
    "GRAMMAGE_MODELS",
    "grammage",
    "Grammage",
    "DIFFUSION_REGIMES",
]


#: slope delta of D(R) ~ R^delta inside a cocoon for the three turbulence regimes of [AESB25] App. C
DIFFUSION_REGIMES = {"kolmogorov": 1.0 / 3.0, "kraichnan": 0.5, "bohm": 1.0}


def _gv(R_TV):
    """TV -> GV. :mod:`cocoonlib.core.units` (scipy.constants, the PDG table: 0.3 s) is imported on first use, so
    that ``cocoon`` checks its parameters, which name the grammage models, without paying for it."""
    from cocoonlib.core.units import TEV_GEV

    return R_TV * TEV_GEV


def exponential(R_GV, chi0, R0_TV):
    """chi_c(R) = chi0 exp(-R/R0): [AESB25] eq. 6 = [ICRC25] eq. 4 (confined up to R0, then escaping)."""
    return chi0 * np.exp(-np.asarray(R_GV, dtype=float) / _gv(R0_TV))


def advection_diffusion(R_GV, chi0, R0_TV, delta):
    """chi_c(R) = chi0 / [1 + (R/R0)^delta]: advective escape below R0, diffusive (D ~ R^delta) above.

    [AESB25] App. C eq. 15; the printed formula is lost, this form is the
    reconstruction of Methods, methods-grammage-advection-diffusion (tag I): escape rates add,
    1/tau = 1/tau_adv + 1/tau_diff, with tau_adv/tau_diff = (R/R0)^delta
    (Blasi & Morlino 2023 for star-cluster wind bubbles). Tends to chi0 for
    R << R0 and to chi0 (R/R0)^-delta for R >> R0.
    """
    x = np.asarray(R_GV, dtype=float) / _gv(R0_TV)
    return chi0 / (1.0 + x**delta)


def advection_diffusion_cutoff(R_GV, chi0, R0_TV, delta, R_cut_TV):
    """chi_c(R) = chi0 / [1 + (R/R0)^delta] * exp(-R/R_cut): the second candidate of Methods, methods-grammage-advection-diffusion (tag I).

    The advection-to-diffusion power law of :func:`advection_diffusion` times an exponential cut-off at
    R_cut, above which particles are taken to leave the cocoon freely (a size limit of the bubble). This
    book's reading of "the exponential cut-off multiplied by the power law"; R_cut -> infinity gives
    :func:`advection_diffusion`, delta -> 0 gives (chi0/2) exp(-R/R_cut).
    """
    R = np.asarray(R_GV, dtype=float)
    return advection_diffusion(R, chi0, R0_TV, delta) * np.exp(-R / _gv(R_cut_TV))


def constant(R_GV, chi0):
    """chi_c(R) = chi0: the energy-independent source grammage of Evoli, Aloisio & Blasi 2019 (R0 -> infinity)."""
    return np.full_like(np.asarray(R_GV, dtype=float), chi0)


GRAMMAGE_MODELS = {
    "exponential": lambda R, chi0, R0, delta, R_cut: exponential(R, chi0, R0),
    "advection_diffusion": lambda R, chi0, R0, delta, R_cut: advection_diffusion(R, chi0, R0, delta),
    "advection_diffusion_cutoff": advection_diffusion_cutoff,
    "constant": lambda R, chi0, R0, delta, R_cut: constant(R, chi0),
}


def grammage(
    R_GV, model: str = "exponential", chi0: float = 0.4, R0: float = 20.0, delta: float = 1.0, R_cut: float = np.inf
):
    """chi_c(R) [g cm^-2] for the named model (one of :data:`GRAMMAGE_MODELS`).

    ``R0`` and ``R_cut`` in TV; ``delta`` is used by the two advection-diffusion forms, ``R_cut`` by
    ``advection_diffusion_cutoff`` only.
    """
    try:
        f = GRAMMAGE_MODELS[model]
    except KeyError:
        raise ValueError(
            f"grammage_model = {model!r} is not allowed: expected one of {', '.join(GRAMMAGE_MODELS)}"
        ) from None
    return f(R_GV, chi0, R0, delta, R_cut)


@dataclass(frozen=True)
class Grammage:
    """chi_c(R) [g cm^-2] of one of :data:`GRAMMAGE_MODELS` with its parameters, as a function of rigidity R [GV]:
    ``chi0`` [g cm^-2], ``R0_TV`` and ``R_cut_TV`` [TV], ``delta`` (see :func:`grammage`)."""

    model: str = "exponential"
    chi0: float = 0.4
    R0_TV: float = 20.0
    delta: float = 1.0
    R_cut_TV: float = np.inf

    def __post_init__(self):
        if self.model not in GRAMMAGE_MODELS:
            raise ValueError(
                f"grammage_model = {self.model!r} is not allowed: expected one of {', '.join(GRAMMAGE_MODELS)}"
            )

    def __call__(self, R_GV):
        return grammage(R_GV, self.model, self.chi0, self.R0_TV, self.delta, self.R_cut_TV)

    def with_chi0(self, chi0: float) -> Grammage:
        return replace(self, chi0=chi0)

    def with_model(self, model: str) -> Grammage:
        """The same parameters in another of :data:`GRAMMAGE_MODELS` (e.g. ``"constant"`` for comparison)."""
        return replace(self, model=model)
