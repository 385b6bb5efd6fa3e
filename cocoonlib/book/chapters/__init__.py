"""The chapters and what they compute: the registry (:mod:`~cocoonlib.book.chapters.registry`: each chapter's
notebook, parameters and result keys), the key numbers and the pieces they are made of
(:mod:`~cocoonlib.book.chapters.keys`), what a notebook records (:mod:`~cocoonlib.book.chapters.results`), the
scorecard of the papers' claims and its verdicts (:mod:`~cocoonlib.book.chapters.scorecard`,
:mod:`~cocoonlib.book.chapters.verdicts`, :mod:`~cocoonlib.book.chapters.robustness`). Imports from
:mod:`cocoonlib.book.params` and the physics only. This package's names are those of the registry.
"""

from cocoonlib.book.chapters.registry import (  # noqa: F401  (the package's public names)
    CHAPTERS,
    FIT_SOURCES,
    Chapter,
    chapter_parameters,
    check_saved_fit,
    get_chapter,
    parameters_cell_source,
)

__all__ = [
    "Chapter",
    "CHAPTERS",
    "get_chapter",
    "chapter_parameters",
    "check_saved_fit",
    "FIT_SOURCES",
    "parameters_cell_source",
]
