"""The book's parameters: each declared once (:mod:`cocoonlib.book.params.declarations`: default, unit, allowed
values, source, what a change of it affects, its group) and the one adapter from a chapter's parameter dict to the
keyword arguments of the physics (:mod:`cocoonlib.book.params.from_params`, imported on its own: it loads the
physics). This package's names are those of the declarations.
"""

from cocoonlib.book.params.declarations import (  # noqa: F401  (the package's public names)
    AFFECTS,
    GROUPS,
    HALO_PARAMETERS,
    PARAMETERS,
    RESOLVED_SOURCES,
    TAGS,
    Parameter,
    ParameterError,
    affecting,
    in_group,
    parse_cli_value,
    provenance_markdown,
    provenance_table,
    validate,
)

__all__ = [
    "ParameterError",
    "Parameter",
    "PARAMETERS",
    "TAGS",
    "validate",
    "parse_cli_value",
    "provenance_table",
    "provenance_markdown",
    "HALO_PARAMETERS",
    "AFFECTS",
    "GROUPS",
    "in_group",
    "affecting",
    "RESOLVED_SOURCES",
]
