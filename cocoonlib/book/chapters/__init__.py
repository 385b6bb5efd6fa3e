"""The chapters and what they compute: the registry (:mod:`~cocoonlib.book.chapters.registry`: each chapter's
notebook, parameters and result keys), the key numbers and the pieces they are made of
(:mod:`~cocoonlib.book.chapters.keys`), what a notebook records (:mod:`~cocoonlib.book.chapters.results`), the
scorecard of the papers' claims and its verdicts (:mod:`~cocoonlib.book.chapters.scorecard`,
:mod:`~cocoonlib.book.chapters.verdicts`, :mod:`~cocoonlib.book.chapters.robustness`). Imports from
:mod:`cocoonlib.book.params` and the physics only. This package's names are those of the registry.
"""

from cocoonlib.book.chapters import registry as _registry
from cocoonlib.book.chapters.registry import *  # noqa: F403  (the package's names are those of its registry module)

__all__ = list(_registry.__all__)
