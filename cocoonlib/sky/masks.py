"""The masks of the LHAASO diffuse measurements, built from the first LHAASO catalog (book: Methods, "From
emissivity to the sky", section methods-masks).

LHAASO measured the diffuse emission of its two windows after cutting out a circle around every known source
(KM2A: Cao et al. 2023, PRL 131, 151001; WCDA: Cao et al. 2025, PRL 134, 081002). Our copies of those papers do
not give the rule; the closest statement found is that of Chen, Fang & Bi (2024, CPC 48, 115105): each source is
masked out to 2.5 times its Gaussian width. :func:`catalog_mask` therefore masks, around every component of the
chosen detector(s), a circle of radius

    r_mask = radius_factor * sqrt(r39^2 + psf^2),

r39 the component's extension (its upper limit for a point-like one) and psf the detector's angular resolution
(the Gaussian width of a point source), both parameters of the book (``mask_radius_factor``, ``mask_psf_deg``).
"""

from __future__ import annotations

import numpy as np

from cocoonlib.core.geometry import SkyWindow
from cocoonlib.core.masks import SourceMask
from cocoonlib.io.catalogs import DETECTORS, load_lhaaso_catalog
from cocoonlib.sky import diffuse

__all__ = ["MASK_DETECTORS", "catalog_mask", "masked_window", "mask_radii_deg", "masked_fractions"]

#: which components of the catalog are masked
MASK_DETECTORS = (*DETECTORS, "both")


def mask_radii_deg(r39_deg, r39_ul_deg, radius_factor: float, psf_deg: float) -> np.ndarray:
    """r_mask = radius_factor * sqrt(r39^2 + psf^2) [deg], r39 replaced by its upper limit where it is NaN."""
    r39 = np.where(np.isfinite(r39_deg), r39_deg, np.nan_to_num(r39_ul_deg, nan=0.0))
    return radius_factor * np.hypot(r39, psf_deg)


def catalog_mask(window: SkyWindow, detector: str, radius_factor: float, psf_deg: float) -> SourceMask:
    """The circles around the components of ``detector`` (KM2A, WCDA or both) whose circle reaches into the box of
    ``window``; the longitudes are moved into the window's range (l may run past 180 there)."""
    if detector not in MASK_DETECTORS:
        raise ValueError(f"mask_detector = {detector!r} is not allowed: expected one of {', '.join(MASK_DETECTORS)}")
    if not (radius_factor > 0 and psf_deg >= 0):
        raise ValueError("mask_radius_factor must be > 0 and mask_psf_deg >= 0")
    t = load_lhaaso_catalog(None if detector == "both" else detector)
    r = mask_radii_deg(t.r39_deg.to_numpy(), t.r39_ul_deg.to_numpy(), radius_factor, psf_deg)
    centre = 0.5 * (window.l_min + window.l_max)
    l = centre + (t.l_deg.to_numpy() - centre + 180.0) % 360.0 - 180.0
    b = t.b_deg.to_numpy()
    near = (l + r > window.l_min) & (l - r < window.l_max) & (b + r > window.b_min) & (b - r < window.b_max)
    circles = tuple((float(li), float(bi), float(ri)) for li, bi, ri in zip(l[near], b[near], r[near]))
    name = f"1LHAASO {detector}: {radius_factor:g} x sqrt(r39^2 + {psf_deg:g}^2) deg"
    return SourceMask(name, circles)


def masked_window(window: SkyWindow, detector: str, radius_factor: float, psf_deg: float) -> SkyWindow:
    """``window`` with :func:`catalog_mask`."""
    return window.with_mask(catalog_mask(window, detector, radius_factor, psf_deg))


def masked_fractions(box: SkyWindow, masked: SkyWindow, *, disk, gas_field, grid_scale: int = 1) -> dict[str, float]:
    """What the mask removes from a window: the fractions of its solid angle, of the cocoons' line-of-sight integral
    J (``disk``) and of the gas column integrated over the window (``gas_field``), all unabsorbed."""
    J_box, J_masked = (float(diffuse.effective_J(disk, w, None, grid_scale)) for w in (box, masked))
    gas_box, gas_masked = (
        float(diffuse.effective_column_cm2(gas_field, w, None, grid_scale)) * w.solid_angle_sr for w in (box, masked)
    )
    return {
        "solid_angle": 1.0 - masked.solid_angle_sr / box.solid_angle_sr,
        "J": 1.0 - J_masked / J_box,
        "gas": 1.0 - gas_masked / gas_box,
    }
