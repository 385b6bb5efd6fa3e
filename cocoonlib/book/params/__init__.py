"""The book's parameters: each declared once (:mod:`cocoonlib.book.params.declarations`: default, unit, allowed
values, source, what a change of it affects, its group) and the one adapter from a chapter's parameter dict to the
keyword arguments of the physics (:mod:`cocoonlib.book.params.from_params`, imported on its own: it loads the
physics). This package's names are those of the declarations.
"""

from cocoonlib.book.params import declarations as _declarations
from cocoonlib.book.params.declarations import *  # noqa: F403  (the package's names are those of its declarations module)

__all__ = list(_declarations.__all__)
