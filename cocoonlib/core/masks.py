"""Circles cut out of a sky window, e.g. around the sources of a catalog (book: Methods, "From emissivity to the
sky", section methods-masks).

A :class:`SourceMask` is a set of circles (l, b, radius) in degrees. A window with a mask averages over what is
left: its solid angle is the unmasked one, and :func:`quadrature_weights` gives the weights of the line-of-sight
quadrature for the unmasked sky.

How the weights are made. The quadrature of :func:`cocoonlib.core.geometry.line_of_sight_integral` samples the
column density C(l, b) at Gauss-Legendre nodes on cells (5 deg in l, segments refined towards b = 0 in b); on
each cell C is represented by the polynomial through its nodes (a tensor product of Lagrange polynomials L_k(l)
L_j(b)), which is what the Gauss rule integrates exactly. With a mask, the weight of node (k, j) becomes

    W_kj = Int_cell L_k(l) L_j(b) U(l, b) cos b dl db,

U = 1 outside every circle and 0 inside, integrated on a fine grid of pixels (:data:`PIXEL_DEG`): the rays are
cast exactly where they were, only their weights change, so a mask costs no extra ray. The Lagrange polynomials
of a cell sum to one, so the weights of a window sum to its unmasked solid angle whatever the number of nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cocoonlib.core.units import DEG_RAD

__all__ = ["SourceMask", "PIXEL_DEG", "unmasked_pixels", "masked_weights", "lagrange_matrix"]

#: the side of the pixels on which a mask is integrated [deg]
PIXEL_DEG = 0.02


@dataclass(frozen=True)
class SourceMask:
    """Circles removed from the sky: ``circles`` = ((l, b, radius), ...) [deg]; ``name`` says where they come from."""

    name: str
    circles: tuple[tuple[float, float, float], ...]

    def __post_init__(self):
        for c in self.circles:
            if len(c) != 3 or not (c[2] > 0 and -90 <= c[1] <= 90):
                raise ValueError(
                    f"mask {self.name!r}: a circle is (l, b, radius > 0) in degrees with |b| <= 90, got {c}"
                )

    def mirrored(self) -> SourceMask:
        """The mask reflected through l -> -l."""
        return SourceMask(self.name + " (l -> -l)", tuple((-l, b, r) for l, b, r in self.circles))

    def covers(self, l_deg, b_deg) -> np.ndarray:
        """True where (l, b) lies inside a circle (arrays broadcast; the exact angular distance)."""
        l_rad, b_rad = np.asarray(l_deg, dtype=float) * DEG_RAD, np.asarray(b_deg, dtype=float) * DEG_RAD
        out = np.zeros(np.broadcast(l_rad, b_rad).shape, dtype=bool)
        for l0, b0, r in self.circles:
            out |= _inside(l_rad, b_rad, l0 * DEG_RAD, b0 * DEG_RAD, r * DEG_RAD)
        return out


def _inside(l_rad, b_rad, l0, b0, r):
    cos_d = np.sin(b_rad) * np.sin(b0) + np.cos(b_rad) * np.cos(b0) * np.cos(l_rad - l0)
    return cos_d >= np.cos(r)


def _pixels(edges, pixel_deg):
    """Pixel centres and widths [deg] filling the segments between ``edges``, at most ``pixel_deg`` wide, with the
    index of the segment each belongs to."""
    centres, widths, segment = [], [], []
    for i, (a, b) in enumerate(zip(edges[:-1], edges[1:])):
        n = max(1, int(np.ceil((b - a) / pixel_deg - 1e-9)))
        w = (b - a) / n
        centres.append(a + w * (np.arange(n) + 0.5))
        widths.append(np.full(n, w))
        segment.append(np.full(n, i))
    return np.concatenate(centres), np.concatenate(widths), np.concatenate(segment)


def unmasked_pixels(mask: SourceMask, l_centres, b_centres) -> np.ndarray:
    """1.0 where the pixel centre (l, b) [deg] lies outside every circle, 0.0 inside (shape: l x b). Only the
    pixels in each circle's bounding box are tested."""
    U = np.ones((l_centres.size, b_centres.size))
    for l0, b0, r in mask.circles:
        rows = np.flatnonzero(
            np.abs((l_centres - l0 + 180.0) % 360.0 - 180.0) <= r / max(np.cos((abs(b0) + r) * DEG_RAD), 1e-3)
        )
        cols = np.flatnonzero(np.abs(b_centres - b0) <= r)
        if rows.size and cols.size:
            inside = _inside(
                l_centres[rows, None] * DEG_RAD,
                b_centres[None, cols] * DEG_RAD,
                l0 * DEG_RAD,
                b0 * DEG_RAD,
                r * DEG_RAD,
            )
            U[np.ix_(rows, cols)] *= ~inside
    return U


def lagrange_matrix(x, nodes) -> np.ndarray:
    """L[p, k]: the Lagrange polynomial of ``nodes`` that is 1 at node k, at the points ``x``."""
    x, nodes = np.asarray(x, dtype=float), np.asarray(nodes, dtype=float)
    L = np.ones((x.size, nodes.size))
    for k in range(nodes.size):
        for m in range(nodes.size):
            if m != k:
                L[:, k] *= (x - nodes[m]) / (nodes[k] - nodes[m])
    return L


def _basis_on_pixels(edges, nodes, n_per_segment, pixel_deg):
    """(pixel centres, widths, B) with B[p, k] the Lagrange polynomial of node k of the pixel's own segment at
    the pixel centre (0 for the nodes of other segments)."""
    centres, widths, segment = _pixels(edges, pixel_deg)
    B = np.zeros((centres.size, nodes.size))
    for s in range(len(edges) - 1):
        rows, cols = segment == s, slice(s * n_per_segment, (s + 1) * n_per_segment)
        B[rows, cols] = lagrange_matrix(centres[rows], nodes[cols])
    return centres, widths, B


def masked_weights(mask, l_edges, l_nodes, b_edges, b_nodes, n_per_segment: tuple[int, int], pixel_deg=PIXEL_DEG):
    """W[k, j] [sr]: the weight of the ray through longitude node k and latitude node j for the sky outside the
    circles of ``mask`` (see the module's docstring). The nodes are those of the segments ``l_edges`` and
    ``b_edges`` [deg], ``n_per_segment`` = (in l, in b) per segment."""
    l_c, l_w, A = _basis_on_pixels(np.asarray(l_edges, float), np.asarray(l_nodes, float), n_per_segment[0], pixel_deg)
    b_c, b_w, B = _basis_on_pixels(np.asarray(b_edges, float), np.asarray(b_nodes, float), n_per_segment[1], pixel_deg)
    U = unmasked_pixels(mask, l_c, b_c)
    dl = l_w * DEG_RAD
    db_cos = b_w * DEG_RAD * np.cos(b_c * DEG_RAD)
    return (A * dl[:, None]).T @ U @ (B * db_cos[:, None])
