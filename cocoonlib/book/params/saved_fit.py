"""The B/C fit chapter 2 saves for the other chapters (``bc_fit.json`` in the folder chapters share,
:func:`cocoonlib.io.paths.outputs_dir`): writing it, reading it, and the chi0 a chapter uses (its own, or the
saved fit's with ``chi0_source = "fit"``).
"""

from __future__ import annotations

import json
from pathlib import Path

from cocoonlib.io.paths import outputs_dir
from cocoonlib.stats.bands import Chi0Interval
from cocoonlib.stats.bc_fit import BCFit, fit_from_json, fit_to_json

__all__ = ["FIT_FILENAME", "save_fit", "load_fit", "resolve_chi0", "saved_interval"]

FIT_FILENAME = "bc_fit.json"


def resolve_chi0(chi0: float, chi0_source: str = "parameter", path: str | Path | None = None) -> float:
    """The chi0 a chapter should use: its own parameter, or the best fit saved by chapter 2 (``'fit'``)."""
    if chi0_source == "parameter":
        return chi0
    if chi0_source == "fit":
        return load_fit(path).chi0
    raise ValueError(f"chi0_source = {chi0_source!r} is not allowed: expected one of 'parameter', 'fit'")


def save_fit(fit: BCFit, path: str | Path | None = None) -> Path:
    """Write the fit as JSON (default ``outputs_dir()/bc_fit.json``); returns the path."""
    path = Path(path) if path is not None else outputs_dir() / FIT_FILENAME
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(fit_to_json(fit), indent=1, sort_keys=True) + "\n")
    tmp.replace(path)
    return path


def load_fit(path: str | Path | None = None) -> BCFit:
    """Read a fit saved by :func:`save_fit`; a clear error if chapter 2 has not been run."""
    path = Path(path) if path is not None else outputs_dir() / FIT_FILENAME
    if not path.exists():
        raise FileNotFoundError(
            f"no B/C fit at {path}: run chapter 2 first (cocoon run bc -o DIR, then set "
            f"COCOON_OUTPUT_DIR=DIR) or build the book"
        )
    return fit_from_json(json.loads(path.read_text()))


def saved_interval(path: str | Path | None = None) -> Chi0Interval:
    """Chapter 2's chi0 interval from its saved fit (:func:`load_fit`; a clear error if it is missing)."""
    return Chi0Interval.from_fit(load_fit(path))
