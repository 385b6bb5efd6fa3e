"""Source catalogs: the first LHAASO catalog (1LHAASO, Cao et al. 2024, ApJS 271, 25), from which the masks of
the LHAASO diffuse measurements are built (:mod:`cocoonlib.sky.masks`).

The file is the FITS table that gammapy reads (registered as ``lhaaso_catalog/1LHAASO_catalog.fits``, licence CC
BY-NC-SA 4.0). Each source has up to two components, one per detector (``Model_a``, ``Model_b``: KM2A above 25
TeV, WCDA at 1-25 TeV), each with its own position and extension r39 (the radius holding 39 % of a 2D Gaussian,
i.e. its sigma) or, for a point-like component, an upper limit ``r39_ul``. A detector name with an asterisk in
the file (``KM2A*``) is read as that detector with ``flagged`` True.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from cocoonlib.io.data import fetch

__all__ = ["LHAASO_CATALOG", "DETECTORS", "load_lhaaso_catalog"]

LHAASO_CATALOG = "lhaaso_catalog/1LHAASO_catalog.fits"
DETECTORS = ("KM2A", "WCDA")


@lru_cache(maxsize=1)
def _components() -> pd.DataFrame:
    """The catalog's components as a table, kept in the array cache under the file's bytes, this module's code and
    astropy's version (reading the FITS table and converting to Galactic coordinates imports most of astropy)."""
    from importlib import metadata

    from cocoonlib.io.array_cache import cached_array, source_digest

    path = fetch(LHAASO_CATALOG)
    key = (source_digest(path, __file__), metadata.version("astropy"))
    return pd.DataFrame.from_records(cached_array("lhaaso_catalog", key, lambda: _read_components(path)))


def _read_components(path) -> np.ndarray:
    from astropy.coordinates import SkyCoord
    from astropy.io import fits

    with fits.open(path) as hdul:
        t = hdul[1].data
        rows = []
        for suffix in ("", "_b"):
            model = "Model_a" if suffix == "" else "Model_b"
            part = pd.DataFrame(
                {
                    "source": np.char.strip(t["Source_Name"].astype(str)),
                    "detector": np.char.strip(np.char.strip(t[model].astype(str)), "*"),
                    "flagged": np.char.endswith(np.char.strip(t[model].astype(str)), "*"),
                    "ra_deg": t["RAJ2000" + suffix].astype(float),
                    "dec_deg": t["DECJ2000" + suffix].astype(float),
                    "r39_deg": t["r39" + suffix].astype(float),
                    "r39_ul_deg": t["r39_ul" + suffix].astype(float),
                    "ts": t["TS" + suffix].astype(float),
                }
            )
            rows.append(part[np.isfinite(part.ra_deg) & np.isfinite(part.dec_deg)])
    out = pd.concat(rows, ignore_index=True)
    gal = SkyCoord(ra=out.ra_deg.to_numpy(), dec=out.dec_deg.to_numpy(), unit="deg", frame="fk5").galactic
    out["l_deg"], out["b_deg"] = gal.l.deg, gal.b.deg
    columns = {c: out[c].to_numpy() for c in out.columns}
    dtype = [(c, v.astype(str).dtype if v.dtype == object else v.dtype) for c, v in columns.items()]
    return np.rec.fromarrays([v.astype(d) for (_, d), v in zip(dtype, columns.values())], dtype=dtype)


def load_lhaaso_catalog(detector: str | None = None) -> pd.DataFrame:
    """The components of the 1LHAASO catalog: source, detector (KM2A | WCDA), flagged, ra_deg, dec_deg, l_deg, b_deg
    (Galactic), r39_deg (NaN for a point-like component), r39_ul_deg (its upper limit, NaN otherwise), ts.
    ``detector``: only that detector's components (None: both)."""
    if detector is not None and detector not in DETECTORS:
        raise ValueError(f"detector = {detector!r} is not allowed: expected one of {', '.join(DETECTORS)}")
    t = _components()
    return (t if detector is None else t[t.detector == detector]).reset_index(drop=True)
