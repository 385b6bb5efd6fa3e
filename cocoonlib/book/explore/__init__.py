"""The Explore page: the data it ships (:mod:`~cocoonlib.book.explore.data`), the Bokeh document and its
JavaScript (:mod:`~cocoonlib.book.explore.page`, ``explore.js``). The only part of cocoonlib that imports Bokeh.
This package's names are those of the data module.
"""

from cocoonlib.book.explore import data as _data
from cocoonlib.book.explore.data import *  # noqa: F403  (the package's names are those of its data module)

__all__ = list(_data.__all__)
