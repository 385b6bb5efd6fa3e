"""Where the cocoons are: their birth-rate density in the Galaxy ([AESB25] eqs. 1-2) and its integral over
the whole sky.

Geometry as :mod:`cocoonlib.core.geometry`: Galactocentric cylindrical coordinates (r, z) in kpc, the
Sun at (R_sun, 0, 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import integrate

from cocoonlib.core.geometry import SunCentredRays

__all__ = ["CocoonDisk", "allsky_integral_volume", "birth_rate_integral"]


@dataclass(frozen=True)
class CocoonDisk(SunCentredRays):
    """The cocoon (supernova) birth-rate density rho(r, z) [yr^-1 kpc^-3].

    .. math::

        \\rho(r, z) = \\rho_0 \\left(\\frac{r}{R_\\odot}\\right)^{\\alpha}
        \\exp\\!\\left[-\\beta\\,\\frac{r - R_\\odot}{R_\\odot}\\right] Z(z),
        \\qquad r \\le R_d,\\ |z| \\le h_d,

    zero outside the cylinder. The radial part is the SNR surface density of
    Green (2015, MNRAS 454, 1517), as adopted by [AESB25] eq. 1; Z(z) is
    ``exp(-|z|/z0)`` or 1 (``z_profile="uniform"``). rho_0 is fixed by
    [AESB25] eq. 2, the volume integral of rho being the supernova rate R_SN. No defaults here: the book's are
    those of its parameters (:func:`cocoonlib.book.params.from_params.cocoon_disk`).
    """

    R_SN: float  # yr^-1
    alpha: float
    beta: float
    R_sun: float  # kpc
    R_disk: float  # kpc
    z_profile: str  # "exponential" | "uniform"
    z0: float  # kpc
    h_disk: float  # kpc

    # --- shape ----------------------------------------------------------------
    def radial_shape(self, r_kpc):
        """Green (2015) radial profile f(r) = (r/R_sun)^alpha exp[-beta (r - R_sun)/R_sun], f(R_sun) = 1."""
        x = np.asarray(r_kpc, dtype=float) / self.R_sun
        return x**self.alpha * np.exp(-self.beta * (x - 1.0))

    def vertical_shape(self, z_kpc):
        """Z(z): exp(-|z|/z0) or 1, and 0 beyond |z| = h_disk."""
        az = np.abs(np.asarray(z_kpc, dtype=float))
        inside = az <= self.h_disk
        if self.z_profile == "exponential":
            return np.where(inside, np.exp(-az / self.z0), 0.0)
        return np.where(inside, 1.0, 0.0)

    def radial_integral_kpc2(self) -> float:
        """Int_0^{R_d} 2 pi r f(r) dr [kpc^2], by adaptive quadrature."""
        val, _ = integrate.quad(
            lambda r: 2 * np.pi * r * self.radial_shape(r), 0.0, self.R_disk, epsabs=0.0, epsrel=1e-11, limit=200
        )
        return val

    def vertical_integral_kpc(self) -> float:
        """Int Z(z) dz over |z| <= h_disk [kpc] (closed form)."""
        if self.z_profile == "exponential":
            return 2.0 * self.z0 * -np.expm1(-self.h_disk / self.z0)
        return 2.0 * self.h_disk

    @cached_property
    def rho0(self) -> float:
        """rho(R_sun, 0) [yr^-1 kpc^-3] from the normalisation of [AESB25] eq. 2 (computed once per disk)."""
        return self.R_SN / (self.radial_integral_kpc2() * self.vertical_integral_kpc())

    @property
    def effective_half_height_kpc(self) -> float:
        """Half of Int Z dz: the half-thickness of a uniform slab with the same content (z0 for the exponential)."""
        return 0.5 * self.vertical_integral_kpc()

    def density(self, r_kpc, z_kpc):
        """rho(r, z) [yr^-1 kpc^-3] ([AESB25] eqs. 1-2)."""
        r = np.asarray(r_kpc, dtype=float)
        inside = r <= self.R_disk
        return np.where(inside, self.rho0 * self.radial_shape(np.minimum(r, self.R_disk)), 0.0) * self.vertical_shape(
            z_kpc
        )

    def ray_bounds_kpc(self) -> tuple[float, float]:
        """(r_max, z_max): the cylinder outside which rho vanishes (exp(-40) beyond 40 z0)."""
        zmax = min(self.h_disk, 40.0 * self.z0) if self.z_profile == "exponential" else self.h_disk
        return self.R_disk, zmax


def allsky_integral_volume(disk: CocoonDisk, epsrel: float = 1e-6) -> float:
    """J over the whole sky [yr^-1 kpc^-2] as the Sun-centred volume integral Int rho(x)/|x - x_sun|^2 d^3x.

    Independent of the ray casting: the azimuthal integral is done in closed form,

    .. math::

        \\int_0^{2\\pi} \\frac{d\\phi}{r^2 + R_\\odot^2 - 2 r R_\\odot\\cos\\phi + z^2}
        = \\frac{2\\pi}{\\sqrt{(r^2 + R_\\odot^2 + z^2)^2 - 4 r^2 R_\\odot^2}},

    and the remaining (r, z) integral, log-singular at (R_sun, 0), by adaptive quadrature.
    """
    Rs = disk.R_sun

    def kernel(z, r):
        a = r * r + Rs * Rs + z * z
        return 2.0 * np.pi / np.sqrt((a - 2 * r * Rs) * (a + 2 * r * Rs))

    def inner(r):
        f = lambda z: disk.vertical_shape(z) * kernel(z, r)  # noqa: E731
        zs = [0.0, min(disk.h_disk, abs(r - Rs) + 1e-12), disk.h_disk]
        val = 0.0
        for a, b in zip(zs[:-1], zs[1:]):
            if b > a:
                val += integrate.quad(f, a, b, epsabs=0.0, epsrel=epsrel, limit=200)[0]
        return 2.0 * val * r * disk.radial_shape(r)

    pts = [p for p in (0.5 * Rs, Rs, 0.5 * (Rs + disk.R_disk)) if p < disk.R_disk]
    edges = [0.0, *pts, disk.R_disk]
    total = 0.0
    for a, b in zip(edges[:-1], edges[1:]):
        total += integrate.quad(inner, a, b, epsabs=0.0, epsrel=epsrel, limit=400)[0]
    return float(disk.rho0 * total)


def birth_rate_integral(disk: CocoonDisk, epsrel: float = 1e-9) -> float:
    """Int rho dV [yr^-1] by adaptive quadrature in (r, z): must return ``disk.R_SN`` ([AESB25] eq. 2), a check of
    the closed-form normalisation rho0."""
    val, _ = integrate.dblquad(
        lambda z, r: 2 * np.pi * r * disk.density(r, z), 0.0, disk.R_disk, -disk.h_disk, disk.h_disk, epsrel=epsrel
    )
    return float(val)
