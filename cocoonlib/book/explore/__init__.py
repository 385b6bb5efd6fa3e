"""The Explore page: the data it ships (:mod:`~cocoonlib.book.explore.data`), the Bokeh document and its
JavaScript (:mod:`~cocoonlib.book.explore.page`, ``explore.js``). The only part of cocoonlib that imports Bokeh.
This package's names are those of the data module.
"""

from cocoonlib.book.explore.data import (  # noqa: F401  (the package's public names)
    CHI0_SLIDER,
    E_SHARE_GEV,
    GRAMMAGE_FORMS,
    R0_NODES_TV,
    SEA_TRANSPORT_KEY,
    GrammageForm,
    Setting,
    band_matvec,
    chapter_defaults,
    cocoon_emissivity,
    dge_key,
    encode_operator,
    evaluate,
    explore_data,
    projectile,
)

__all__ = [
    "R0_NODES_TV",
    "GRAMMAGE_FORMS",
    "GrammageForm",
    "CHI0_SLIDER",
    "Setting",
    "chapter_defaults",
    "explore_data",
    "encode_operator",
    "band_matvec",
    "cocoon_emissivity",
    "evaluate",
    "E_SHARE_GEV",
    "projectile",
    "dge_key",
    "SEA_TRANSPORT_KEY",
]
