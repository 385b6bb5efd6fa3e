"""Each verdict of the scorecard recomputed over this book's own model choices: is it robust, or does it depend on
one of them?

:data:`CHOICES` changes one choice at a time from the chapters' defaults (the gas model, the cosmic-ray sea, the
production model of the cocoons and of the DGE, each knee variant alone, the Galactic slope free in B/C, the cocoons
as the Galaxy's sources, the letter's mask factor instead of the catalog masks, the DGE without inverse Compton). :func:`scan` computes every chapter's key numbers for each choice through the fast path of
``cocoon scan`` (:func:`cocoonlib.book.chapters.keys.own_key_numbers` in one :class:`~cocoonlib.book.chapters.keys.Workspace`: what a
choice does not change is built once) and judges every claim of :mod:`cocoonlib.book.chapters.scorecard` on them; a chapter
that does not take a choice's parameters keeps its default numbers. :func:`cached_scan` keeps the table in the array
cache under everything it depends on (the source of cocoonlib, the data, the libraries' versions), so a build with a
warm cache does not run it again; the page "How robust are the verdicts" (``book/robustness.ipynb``) shows it and
glues each claim's summary (:func:`summary`) for the introduction.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from cocoonlib.book.chapters import CHAPTERS, keys
from cocoonlib.book.chapters.scorecard import CLAIMS, evaluate
from cocoonlib.book.params import validate

__all__ = ["CHOICES", "DEFAULT", "scan", "summary", "cached_scan"]

#: the column of the chapters' defaults
DEFAULT = "defaults"

#: label -> the parameters it changes (each choice alone, the rest at the chapters' defaults)
CHOICES: dict[str, dict] = {
    "gas: Nakanishi & Sofue": {"gas_model": "nakanishi_sofue"},
    "gas: Bronfman + Ferriere": {"gas_model": "bronf_ferr"},
    "sea: uniform": {"cr_sea": "uniform"},
    "sea: the sources' profile": {"cr_sea": "sources"},
    "cocoons: AAfrag": {"production_model": "aafrag"},
    "DGE: Kelner": {"dge_production_model": "kelner"},
    "knee: min only": {"dge_knee": "min"},
    "knee: max only": {"dge_knee": "max"},
    "delta_gal free in B/C": {"free_transport": "D0+delta"},
    "cocoons as the Galaxy's sources": {"source_normalisation": "sea"},
    "masks: the letter's factor": {"window_mask": "letter_factor"},
    "DGE without inverse Compton": {"dge_ic": "off"},
}


def _chapter_rows(chapter: str, changes: Mapping, workspace: keys.Workspace) -> list[dict]:
    names = CHAPTERS[chapter].parameters
    P = validate({k: v for k, v in changes.items() if k in names}, names)
    own = keys.own_key_numbers(workspace.context(chapter, P))
    return [{"claim": r["key"], "verdict": r["verdict"], "ours": r["ours"]} for r in evaluate(chapter, own)]


def scan(choices: Mapping[str, Mapping] | None = None, workspace: keys.Workspace | None = None) -> dict:
    """{"rows": [{claim, choice, verdict, ours}, ...], "seconds": wall time}: every claim at the defaults
    (:data:`DEFAULT`) and with each of ``choices`` (default :data:`CHOICES`)."""
    choices = CHOICES if choices is None else choices
    workspace = keys.Workspace() if workspace is None else workspace
    t0 = time.perf_counter()
    chapters = sorted({c.chapter for c in CLAIMS}, key=list(CHAPTERS).index)
    defaults = {ch: _chapter_rows(ch, {}, workspace) for ch in chapters}
    rows = [{**r, "choice": DEFAULT} for ch in chapters for r in defaults[ch]]
    for label, changes in choices.items():
        for ch in chapters:
            touched = any(k in CHAPTERS[ch].parameters for k in changes)
            rows += [
                {**r, "choice": label} for r in (_chapter_rows(ch, changes, workspace) if touched else defaults[ch])
            ]
    return {"rows": rows, "seconds": time.perf_counter() - t0}


def summary(result: Mapping) -> dict[str, str]:
    """{claim: "robust" (the same verdict under every choice) or "depends on: <choice> (<verdict>), ..."}."""
    by_claim: dict[str, dict[str, str]] = {}
    for r in result["rows"]:
        by_claim.setdefault(r["claim"], {})[r["choice"]] = r["verdict"]
    out = {}
    for claim, verdicts in by_claim.items():
        base = verdicts[DEFAULT]
        moved = [f"{c} ({v})" for c, v in verdicts.items() if c != DEFAULT and v != base]
        out[claim] = "robust" if not moved else "depends on: " + ", ".join(moved)
    return out


def cached_scan(choices: Mapping[str, Mapping] | None = None) -> dict:
    """:func:`scan`, from the array cache when nothing it depends on has changed (the choices, and the code and data:
    :func:`cocoonlib.io.array_cache.cached_result`); the result says whether it was ``"cached"``."""
    from cocoonlib.io.array_cache import cached_result

    result, cached = cached_result("robustness", CHOICES if choices is None else choices, lambda: scan(choices))
    return {**result, "cached": cached}
