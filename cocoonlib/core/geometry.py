"""Rays from the Sun through an axisymmetric Galaxy: sky windows and line-of-sight integrals.

Geometry: Galactocentric cylindrical coordinates (r, z) in kpc; the Sun at
(x, y, z) = (R_sun, 0, 0); Galactic longitude l measured from the direction of
the Galactic centre, positive towards +y; latitude b from the plane.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from cocoonlib.core.masks import PIXEL_DEG, SourceMask, _pixels, masked_weights, unmasked_pixels
from cocoonlib.core.numerics import gauss_legendre
from cocoonlib.core.units import DEG_RAD

__all__ = [
    "SunCentredRays",
    "SkyWindow",
    "WINDOWS",
    "window_from_box",
    "window_quadrature",
    "line_of_sight_integral",
    "column_per_longitude",
]


class SunCentredRays:
    """Rays from the Sun at (R_sun, 0, 0) through an axisymmetric density ``density(r, z)``.

    A subclass provides ``R_sun``, ``density(r, z)`` and ``ray_bounds_kpc()`` = (r_max, z_max),
    the cylinder outside which its density vanishes; :func:`line_of_sight_integral` then works on it.
    """

    def _exit_distance(self, l_rad, b_rad):
        """Distance s [kpc] at which the ray (l, b) from the Sun leaves the cylinder r <= r_max, |z| <= z_max."""
        r_max, z_max = self.ray_bounds_kpc()
        cb = np.cos(b_rad)
        sl, cl = np.sin(l_rad), np.cos(l_rad)
        s_r = (self.R_sun * cl + np.sqrt(r_max**2 - (self.R_sun * sl) ** 2)) / np.maximum(cb, 1e-300)
        sinb = np.abs(np.sin(b_rad))
        s_z = np.where(sinb > 0, z_max / np.maximum(sinb, 1e-300), np.inf)
        return np.minimum(s_r, s_z)

    def radial_breaks_kpc(self) -> np.ndarray:
        """Galactocentric radii [kpc] where the density or its radial slope jumps (tables, piecewise formulas).

        The line-of-sight integrals split every ray where it crosses one of them, so that Gauss-Legendre
        quadrature sees only smooth pieces. Default: none (a smooth density)."""
        return np.empty(0)

    def ray_density(self, s_kpc, l_rad, b_rad):
        """The density at distance s along the line of sight (l, b) from the Sun (all arrays broadcast)."""
        cb = np.cos(b_rad)
        x = self.R_sun - s_kpc * cb * np.cos(l_rad)
        y = s_kpc * cb * np.sin(l_rad)
        return self.density(np.hypot(x, y), s_kpc * np.sin(b_rad))


@dataclass(frozen=True)
class SkyWindow:
    """A box in Galactic longitude and latitude [deg]; l may run past 180 (e.g. 125-235). With a ``mask``
    (:class:`~cocoonlib.core.masks.SourceMask`) the window is the box without the mask's circles: its solid angle
    and every line-of-sight integral over it cover the unmasked sky only."""

    name: str
    l_min: float
    l_max: float
    b_min: float
    b_max: float
    mask: SourceMask | None = None

    @property
    def solid_angle_sr(self) -> float:
        """Omega of the unmasked sky: (l_max - l_min) [rad] * (sin b_max - sin b_min) without a mask."""
        if self.mask is None:
            return self.box_solid_angle_sr
        return _masked_solid_angle_sr(self)

    @property
    def box_solid_angle_sr(self) -> float:
        """Omega of the whole box, mask or not."""
        return (self.l_max - self.l_min) * DEG_RAD * (np.sin(self.b_max * DEG_RAD) - np.sin(self.b_min * DEG_RAD))

    def mirrored(self) -> SkyWindow:
        """The window (and its mask) reflected through l -> -l."""
        mask = None if self.mask is None else self.mask.mirrored()
        return SkyWindow(self.name + " (l -> -l)", -self.l_max, -self.l_min, self.b_min, self.b_max, mask)

    def with_mask(self, mask: SourceMask | None) -> SkyWindow:
        """The same box with ``mask`` (None: unmasked)."""
        return replace(self, mask=mask)


#: The LHAASO-KM2A windows (Cao et al. 2023, PRL 131, 151001; [AESB25] Sec. 3) and the whole sky.
WINDOWS: dict[str, SkyWindow] = {
    "inner": SkyWindow("inner", 15.0, 125.0, -5.0, 5.0),
    "outer": SkyWindow("outer", 125.0, 235.0, -5.0, 5.0),
    "allsky": SkyWindow("allsky", 0.0, 360.0, -90.0, 90.0),
}


def window_from_box(box, name: str = "user") -> SkyWindow:
    """A SkyWindow from ``[l_min, l_max, b_min, b_max]`` in degrees (the ``user_window`` parameter)."""
    l_min, l_max, b_min, b_max = box
    return SkyWindow(name, float(l_min), float(l_max), float(b_min), float(b_max))


# --- quadrature grids ---------------------------------------------------------------
def _gauss_segments(edges, n_per_segment):
    """Gauss-Legendre nodes and weights on consecutive segments given by ``edges``."""
    t, w = gauss_legendre(n_per_segment)
    a, b = np.asarray(edges[:-1]), np.asarray(edges[1:])
    half = 0.5 * (b - a)
    nodes = (0.5 * (a + b))[:, None] + half[:, None] * t[None, :]
    weights = half[:, None] * w[None, :]
    return nodes.ravel(), weights.ravel()


_ABS_B_EDGES_DEG = np.array([0.0, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 90.0])


def _latitude_edges(b_min, b_max):
    """Segment edges [deg] in latitude, refined geometrically towards b = 0 (where rho is thinnest)."""
    edges = np.concatenate([-_ABS_B_EDGES_DEG[::-1], _ABS_B_EDGES_DEG[1:]])
    return np.unique(np.clip(edges, b_min, b_max))


def _latitude_grid(b_min, b_max, n):
    """Nodes/weights [deg] in latitude on the segments of :func:`_latitude_edges`."""
    return _gauss_segments(_latitude_edges(b_min, b_max), n)


#: the longitude segments of a window's quadrature [deg] (Gauss-Legendre nodes on each)
LONGITUDE_STEP_DEG = 5.0


def _longitude_edges(l_min, l_max, step_deg=LONGITUDE_STEP_DEG):
    nseg = max(1, int(np.ceil((l_max - l_min) / step_deg)))
    return np.linspace(l_min, l_max, nseg + 1)


def _longitude_grid(l_min, l_max, n, step_deg=LONGITUDE_STEP_DEG):
    return _gauss_segments(_longitude_edges(l_min, l_max, step_deg), n)


@lru_cache(maxsize=64)
def _masked_solid_angle_sr(window: SkyWindow) -> float:
    """The unmasked solid angle of a masked window, on the pixels the mask's weights are integrated on."""
    l_c, l_w, _ = _pixels(_longitude_edges(window.l_min, window.l_max), PIXEL_DEG)
    b_c, b_w, _ = _pixels(_latitude_edges(window.b_min, window.b_max), PIXEL_DEG)
    U = unmasked_pixels(window.mask, l_c, b_c)
    return float((l_w * DEG_RAD) @ U @ (b_w * DEG_RAD * np.cos(b_c * DEG_RAD)))


@lru_cache(maxsize=64)
def window_quadrature(window: SkyWindow, grid_scale: int = 1):
    """(l nodes [deg], b nodes [deg], W [sr]): the rays of a window's line-of-sight quadrature and their weights,
    W[k, j] for the ray through longitude node k and latitude node j (the mask's weights if the window has one,
    :func:`cocoonlib.core.masks.masked_weights`). Read-only arrays, computed once per window and grid."""
    g = _grid_sizes(grid_scale)
    l_edges, b_edges = _longitude_edges(window.l_min, window.l_max), _latitude_edges(window.b_min, window.b_max)
    l_deg, wl = _gauss_segments(l_edges, g["n_l"])
    b_deg, wb = _gauss_segments(b_edges, g["n_b"])
    if window.mask is None:
        W = np.outer(wl * DEG_RAD, wb * DEG_RAD * np.cos(b_deg * DEG_RAD))
    else:
        W = masked_weights(window.mask, l_edges, l_deg, b_edges, b_deg, (g["n_l"], g["n_b"]))
    for a in (l_deg, b_deg, W):
        a.setflags(write=False)
    return l_deg, b_deg, W


def _ray_edges(disk, l_rad, b_rad, s_end, n_seg):
    """Segment edges [kpc] along each ray: ``n_seg`` equal segments up to ``s_end``, split further where the
    ray crosses a radius of ``disk.radial_breaks_kpc()`` (shape: rays x edges, sorted)."""
    edges = s_end[:, None] * np.linspace(0.0, 1.0, n_seg + 1)[None, :]
    R = np.asarray(disk.radial_breaks_kpc(), dtype=float)
    if R.size == 0:
        return edges
    # horizontal distance d at which r(d) = R: d = R_sun cos l -+ sqrt(R^2 - R_sun^2 sin^2 l)
    disc = R[None, :] ** 2 - (disk.R_sun * np.sin(l_rad))[:, None] ** 2
    root = np.sqrt(np.maximum(disc, 0.0))
    near = disk.R_sun * np.cos(l_rad)[:, None]
    d = np.concatenate([near - root, near + root], axis=1)
    ok = np.concatenate([disc > 0, disc > 0], axis=1) & (d > 0)
    keep = ok.any(axis=0)  # crossings that no ray makes cost nothing
    s_cross = np.where(ok, np.minimum(d / np.cos(b_rad)[:, None], s_end[:, None]), 0.0)[:, keep]
    return np.sort(np.concatenate([edges, s_cross], axis=1), axis=1)


def _ray_columns(disk, l_rad, b_rad, n_seg, n_node, inv_length=None):
    """Int_0^inf rho ds along each ray; l_rad and b_rad are 1-D arrays of equal length.

    ``disk`` is any :class:`SunCentredRays` (a :class:`CocoonDisk`, a gas model of :mod:`cocoonlib.sky.gas`); its
    density may carry leading axes (several densities at once, e.g. one per cosmic-ray rigidity), which the
    result keeps: shape (..., len(l_rad)).
    Gauss-Legendre with ``n_node`` nodes on each segment of :func:`_ray_edges`.
    With ``inv_length`` (1-D, kpc^-1) each ray is attenuated, Int rho exp(-s/lambda) ds, for every entry:
    the result then has shape (len(inv_length), ..., len(l_rad)).
    """
    s_end = disk._exit_distance(l_rad, b_rad)
    edges = _ray_edges(disk, l_rad, b_rad, s_end, n_seg)
    x, wx = gauss_legendre(n_node)
    half = 0.5 * np.diff(edges, axis=1)
    s = ((edges[:, :-1] + half)[:, :, None] + half[:, :, None] * x).reshape(len(s_end), -1)
    w = (half[:, :, None] * wx).reshape(len(s_end), -1)
    rw = disk.ray_density(s, l_rad[:, None], b_rad[:, None]) * w
    if inv_length is None:
        return np.sum(rw, axis=-1)
    att = np.exp(-np.asarray(inv_length)[:, None, None] * s[None, :, :])
    if rw.ndim == 2:
        return np.einsum("kij,ij->ki", att, rw)
    lead = rw.shape[:-2]
    flat = rw.reshape(-1, *rw.shape[-2:]).transpose(1, 2, 0)  # (rays, points, densities)
    out = np.matmul(att.transpose(1, 0, 2), flat)  # (rays, lengths, densities): one BLAS product per ray
    return out.transpose(1, 2, 0).reshape(len(inv_length), *lead, len(l_rad))


def _grid_sizes(grid_scale: int):
    return dict(n_l=4 * grid_scale, n_b=4 * grid_scale, n_seg=8 * grid_scale, n_node=6)


def line_of_sight_integral(disk, window: SkyWindow, grid_scale: int = 1, absorption_length_kpc=None):
    """J = Int_window dOmega Int_0^inf ds rho [yr^-1 kpc^-2] ([AESB25] eq. 8, [ICRC25] eq. 3).

    Works for any :class:`SunCentredRays` (e.g. a gas model, for which the result is in cm^-3 kpc sr).

    Ray casting from the Sun: Gauss-Legendre in l (5 deg segments), in b (segments
    refined geometrically towards the plane, split at b = 0) and along each ray
    up to where it leaves the disk cylinder. ``grid_scale`` multiplies every
    number of nodes (used for the convergence checks). A window with a mask keeps the same rays with the
    weights of the unmasked sky (:func:`window_quadrature`).

    ``absorption_length_kpc`` (array, may hold inf) weights each point of a ray by exp(-s/lambda), the
    survival probability of a photon emitted there; the result is then an array, one J per length (repeated
    lengths, e.g. the inf of every energy below the pair threshold, are integrated once). A density with
    leading axes (see :func:`_ray_columns`) gives one integral per entry, after the lengths' axis.
    """
    g = _grid_sizes(grid_scale)
    l_deg, b_deg, W = window_quadrature(window, int(grid_scale))
    b_rad = b_deg * DEG_RAD
    inv = None
    if absorption_length_kpc is not None:
        lam = np.atleast_1d(np.asarray(absorption_length_kpc, dtype=float))
        if np.any(lam <= 0) or np.any(np.isnan(lam)):
            raise ValueError("absorption_length_kpc must be > 0 (inf for no absorption)")
        lam_unique, which = np.unique(lam, return_inverse=True)
        inv = 1.0 / lam_unique
    total = 0.0
    for li, w_row in zip(l_deg * DEG_RAD, W):
        cols = _ray_columns(disk, np.full_like(b_rad, li), b_rad, g["n_seg"], g["n_node"], inv)
        total = total + np.sum(w_row * cols, axis=-1)
    if inv is None:
        return float(total) if np.ndim(total) == 0 else np.asarray(total)
    return np.asarray(total)[which]


def column_per_longitude(disk: SunCentredRays, l_deg, b_min: float = -5.0, b_max: float = 5.0, grid_scale: int = 1):
    """dJ/dl [yr^-1 kpc^-2 deg^-1]: the cocoon column integrated over b_min < b < b_max, per degree of longitude."""
    g = _grid_sizes(grid_scale)
    b_deg, wb = _latitude_grid(b_min, b_max, g["n_b"])
    b_rad = b_deg * DEG_RAD
    out = np.empty(np.size(l_deg))
    for i, li in enumerate(np.atleast_1d(l_deg) * DEG_RAD):
        cols = _ray_columns(disk, np.full_like(b_rad, li), b_rad, g["n_seg"], g["n_node"])
        out[i] = np.sum(wb * DEG_RAD * np.cos(b_rad) * cols) * DEG_RAD
    return out
