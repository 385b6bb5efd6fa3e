"""A chapter's key numbers: recorded in the executed notebook, read back by ``cocoon run``.

:func:`record` displays the numbers as a table and embeds them, as JSON under
the MIME type :data:`RESULTS_MIME`, in the notebook's outputs; it also glues
each number (``<chapter>_<key>``) for use in the book's prose, and glues the chapter's rows of the
reproduction scorecard (:mod:`cocoonlib.book.chapters.scorecard`). Nothing is
written to disk by the notebook: :func:`extract` reads the executed notebook.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path

from cocoonlib.book.chapters import get_chapter

__all__ = ["RESULTS_MIME", "record", "extract", "clean"]

RESULTS_MIME = "application/vnd.cocoon.results+json"


def clean(values: Mapping[str, float]) -> dict[str, float]:
    """The numbers as Python floats; ValueError naming a number that is not finite."""
    out = {}
    for k, v in values.items():
        v = float(v)
        if not math.isfinite(v):
            raise ValueError(f"result {k!r} is not a finite number: {v!r}")
        out[k] = v
    return out


def record(
    chapter: str, values: Mapping[str, float], sea: Mapping[str, float] | None = None, removals: Mapping | None = None
) -> dict[str, float]:
    """Record a chapter's key numbers (all keys the chapter declares, and only those). ``sea``: the chapter's own
    numbers with ``source_normalisation`` = 'sea' (:func:`cocoonlib.book.chapters.keys.sea_key_numbers`), for the second
    column of the scorecard; None for a chapter the normalisation does not touch. ``removals``: its claims judged
    without each part of their data (:func:`cocoonlib.book.chapters.verdicts.leave_one_out`), for their drivers."""
    from IPython.display import display

    declared = get_chapter(chapter).results
    if set(values) != set(declared):
        missing, extra = set(declared) - set(values), set(values) - set(declared)
        raise ValueError(f"chapter {chapter!r} results: missing {sorted(missing)}, undeclared {sorted(extra)}")
    values = clean(values)
    rows = "\n".join(f"| `{k}` | {values[k]:.6g} | {declared[k]} |" for k in declared)
    table = "| key | value | meaning |\n|---|---|---|\n" + rows
    display({"text/markdown": table, "text/plain": json.dumps(values, indent=1), RESULTS_MIME: values}, raw=True)
    try:
        from myst_nb import glue
    except ImportError:  # pragma: no cover - myst_nb comes with jupyter-book
        return values
    for k, v in values.items():
        glue(f"{chapter}_{k}", float(f"{v:.4g}"), display=False)
    from cocoonlib.book.chapters.scorecard import glue_claims

    glue_claims(chapter, values, None if sea is None else clean(sea), removals)  # sea {}: could not be computed
    return values


def extract(notebook: str | Path) -> dict[str, float]:
    """The numbers recorded by :func:`record` in an executed notebook."""
    nb = json.loads(Path(notebook).read_text())
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if RESULTS_MIME in data:
                return dict(data[RESULTS_MIME])
    raise ValueError(
        f"{notebook}: no recorded results (the notebook did not reach cocoonlib.book.chapters.results.record)"
    )
