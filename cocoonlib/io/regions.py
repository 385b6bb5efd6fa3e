"""Named sky regions: where each diffuse measurement was made, and the mask factor of its model curves.

A measurement can only be compared with the model computed in *its* region. The regions are data, one row
each in ``data/sky_regions.csv``: Galactic longitude and latitude bounds [deg], the experiments that
measured there, and the parameter (:mod:`cocoonlib.book.params`) whose value multiplies every model curve of
the region for the sources the measurement masks (``mask_inner`` = 0.65 for the LHAASO inner window,
[AESB25] Sec. 3; the others default to 1, see their sources). :func:`sky_window` gives the
:class:`~cocoonlib.core.geometry.SkyWindow` the line-of-sight machinery integrates over; a negative ``l_min``
(the Fermi-LAT inner Galaxy, -80 < l < 80) is a longitude range across l = 0.

Measurement tables in ``data/measurements/`` name their region in the ``# window:`` header.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from cocoonlib.core.geometry import SkyWindow
from cocoonlib.io import paths

__all__ = ["Region", "regions", "region", "sky_window"]


@dataclass(frozen=True)
class Region:
    """One row of ``data/sky_regions.csv``: a longitude-latitude box [deg] and who measured there."""

    name: str
    l_min: float
    l_max: float
    b_min: float
    b_max: float
    experiments: tuple[str, ...]
    mask_parameter: str  # "" = no mask (factor 1)
    description: str

    @property
    def window(self) -> SkyWindow:
        """The box as a :class:`~cocoonlib.core.geometry.SkyWindow` (same name)."""
        return SkyWindow(self.name, self.l_min, self.l_max, self.b_min, self.b_max)


def _parse_row(row: dict, where: str) -> Region:
    try:
        l_min, l_max, b_min, b_max = (float(row[k]) for k in ("l_min_deg", "l_max_deg", "b_min_deg", "b_max_deg"))
    except (TypeError, ValueError):
        raise ValueError(f"{where}: the bounds must be numbers") from None
    if not (l_min < l_max and l_max - l_min <= 360.0 and -90.0 <= b_min < b_max <= 90.0):
        raise ValueError(
            f"{where}: bounds must satisfy l_min < l_max, l_max - l_min <= 360, -90 <= b_min < b_max <= 90"
        )
    mask = (row.get("mask_parameter") or "").strip()
    experiments = tuple(e.strip() for e in (row.get("experiments") or "").split(";") if e.strip())
    return Region(
        row["name"].strip(), l_min, l_max, b_min, b_max, experiments, mask, (row.get("description") or "").strip()
    )


@lru_cache(maxsize=1)
def regions() -> dict[str, Region]:
    """All regions of ``data/sky_regions.csv``, by name (read once). A malformed row is an error naming it."""
    with open(paths.SKY_REGIONS, newline="") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        out: dict[str, Region] = {}
        for i, row in enumerate(rows, start=1):
            where = f"{paths.SKY_REGIONS}, region row {i}"
            r = _parse_row(row, where)
            if r.name in out:
                raise ValueError(f"{where}: region name {r.name!r} appears twice")
            out[r.name] = r
    return out


def region(name: str) -> Region:
    """The region called ``name``; anything else is a one-line error listing the allowed names."""
    table = regions()
    if name not in table:
        raise ValueError(f"region = {name!r} is not allowed: expected one of {', '.join(table)} (data/sky_regions.csv)")
    return table[name]


def sky_window(name: str) -> SkyWindow:
    """The :class:`~cocoonlib.core.geometry.SkyWindow` of region ``name``."""
    return region(name).window
