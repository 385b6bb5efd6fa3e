"""Each chapter's key numbers from one function: :func:`key_numbers`.

The key numbers of a chapter (the ``results`` of :data:`cocoonlib.book.chapters.CHAPTERS`, the table that closes
the chapter and that ``cocoon run`` and ``cocoon scan`` report) are computed by the chapter's own module, beside the
pieces they are made of: :mod:`~cocoonlib.book.chapters.model_keys`, :mod:`~cocoonlib.book.chapters.bc_keys`,
:mod:`~cocoonlib.book.chapters.gamma_keys`, :mod:`~cocoonlib.book.chapters.neutrino_keys`,
:mod:`~cocoonlib.book.chapters.r0_keys`, :mod:`~cocoonlib.book.chapters.delta_keys`,
:mod:`~cocoonlib.book.chapters.joint_keys`; the :class:`~cocoonlib.book.chapters.context.Context` they share is in
:mod:`~cocoonlib.book.chapters.context`. The chapter's key-number cell calls :func:`key_numbers` with the objects it
has already built for its figures as the context, so nothing is computed twice; ``cocoon scan --path fast`` calls it
in the process, with a :class:`Workspace` that keeps between the points of a scan what the scanned parameters do not
change. This module also gives the names the chapters' tables use (``keys.gamma_window_row``, ``keys.totals``, ...),
so that a table and a key number never compute the same quantity in two ways.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from cocoonlib.book.chapters import bc_keys, delta_keys, gamma_keys, joint_keys, model_keys, neutrino_keys, r0_keys
from cocoonlib.book.chapters.bc_keys import *  # noqa: F403  (the names the chapters' tables use)
from cocoonlib.book.chapters.context import (  # noqa: F401  (the names the chapters use through this module)
    NOT_IN_SKY,
    PIECES,
    SKY_COCOON_PARAMETERS,
    Context,
    Workspace,
    bc_refit,
    sky_of,
)
from cocoonlib.book.chapters.delta_keys import *  # noqa: F403  (the names the chapters' tables use)
from cocoonlib.book.chapters.gamma_keys import *  # noqa: F403  (the names the chapters' tables use)
from cocoonlib.book.chapters.joint_keys import *  # noqa: F403  (the names the chapters' tables use)
from cocoonlib.book.chapters.model_keys import *  # noqa: F403  (the names the chapters' tables use)
from cocoonlib.book.chapters.neutrino_keys import *  # noqa: F403  (the names the chapters' tables use)
from cocoonlib.book.chapters.r0_keys import *  # noqa: F403  (the names the chapters' tables use)
from cocoonlib.book.chapters.registry import get_chapter
from cocoonlib.book.params import ParameterError

__all__ = [
    "key_numbers",
    "own_key_numbers",
    "sea_key_numbers",
    "SEA_KEYS",
    "CHAPTER_MODULES",
    "Context",
    "Workspace",
    "PIECES",
    "SKY_COCOON_PARAMETERS",
    "NOT_IN_SKY",
    "sky_of",
    "bc_refit",
    *(n for m in (model_keys, bc_keys, gamma_keys, neutrino_keys, r0_keys, delta_keys, joint_keys) for n in m.__all__),
]

#: chapter -> its module of pieces and key numbers
CHAPTER_MODULES = {
    "model": model_keys,
    "bc": bc_keys,
    "gamma": gamma_keys,
    "neutrino": neutrino_keys,
    "r0": r0_keys,
    "delta": delta_keys,
    "joint": joint_keys,
}
PIECES.update({chapter: module.PIECES for chapter, module in CHAPTER_MODULES.items()})

_KEYS: dict[str, Callable[[Context], dict]] = {
    "model": model_keys._model_keys,
    "bc": bc_keys._bc_keys,
    "gamma": gamma_keys._gamma_keys,
    "neutrino": neutrino_keys._neutrino_keys,
    "r0": r0_keys._r0_keys,
    "delta": delta_keys._delta_keys,
    "joint": joint_keys._joint_keys,
}


def key_numbers(chapter: str, params: Mapping[str, Any], context: Context | Mapping[str, Any] | None = None) -> dict:
    """The key numbers of ``chapter`` for its validated parameters ``params`` (all the keys the chapter declares, in
    the order of its key-number table): the chapter's own (:func:`own_key_numbers`) and, for the chapters of
    :data:`SEA_KEYS`, the same numbers with ``source_normalisation`` = 'sea' (suffix ``_sea``). ``context``: a
    :class:`Context` or a mapping of pieces already built (e.g. ``{"sky": sky}``); everything else is built here."""
    if not isinstance(context, Context):
        context = Context(chapter, params, given=context)
    if context.chapter != get_chapter(chapter).name:
        raise ValueError(f"the context is of chapter {context.chapter!r}, not {chapter!r}")
    out = {**own_key_numbers(context), **_sea_keys(context)}
    declared = get_chapter(chapter).results
    if set(out) != set(declared):
        missing, extra = set(declared) - set(out), set(out) - set(declared)
        raise ValueError(f"chapter {chapter!r} key numbers: missing {sorted(missing)}, undeclared {sorted(extra)}")
    return {k: out[k] for k in declared}


def own_key_numbers(ctx: Context) -> dict:
    """The chapter's key numbers at the context's own ``source_normalisation`` (no ``_sea`` keys), computed once per
    context: what the scorecard judges."""
    if ctx._own is None:
        ctx._own = _KEYS[ctx.chapter](ctx)
    return ctx._own


def sea_key_numbers(ctx: Context) -> dict:
    """:func:`own_key_numbers` of the chapter with ``source_normalisation`` = 'sea' (the cocoons as the Galaxy's
    sources): the scorecard's second column. The context's own numbers if it is 'sea' already; an empty dict if the
    B/C fit that sets the sea's transport does not converge for this chapter's parameters (the run itself, with the
    letter's efficiencies, is still valid)."""
    sea = ctx.with_sources("sea")
    try:
        _ = sea.P  # resolving the sources fits B/C: a ParameterError if that fit does not converge
    except ParameterError:
        return {}
    return own_key_numbers(sea)


#: chapter -> {key with suffix _sea: the chapter's key it repeats with source_normalisation = 'sea'} (issue list of
#: the numbers a default run reports for both normalisations; eps_p_sea, eps_He_sea and D0_sea come from the
#: resolved parameters)
SEA_KEYS = {
    "gamma": {
        "cocoon_fraction_inner_1TeV_sea": "cocoon_fraction_inner_1TeV",
        "cocoon_fraction_outer_1TeV_sea": "cocoon_fraction_outer_1TeV",
        "chi2_km2a_inner_sea": "chi2_km2a_inner",
        "chi2_km2a_outer_sea": "chi2_km2a_outer",
        "cocoon_share_of_argo_excess_1TeV_sea": "cocoon_share_of_argo_excess_1TeV",
    },
    "joint": {
        "chi0_gamma_only_best_sea_g_cm2": "chi0_gamma_only_best_g_cm2",
        "chi0_joint_best_sea_g_cm2": "chi0_joint_best_g_cm2",
        "tension_bc_gamma_sigma_sea": "tension_bc_gamma_sigma",
    },
}


def _sea_keys(ctx: Context) -> dict:
    """The ``_sea`` keys of :data:`SEA_KEYS` and ``sea_normalisation_ok``: 1, or 0 when the sea's transport cannot
    be fitted (then each ``_sea`` key repeats this run's value, and eps_p_sea, eps_He_sea, D0_sea this run's
    parameters)."""
    if ctx.chapter not in SEA_KEYS:
        return {}
    numbers = sea_key_numbers(ctx)
    ok = bool(numbers)
    source = numbers if ok else own_key_numbers(ctx)
    out = {k: source[base] for k, base in SEA_KEYS[ctx.chapter].items()}
    if ctx.chapter == "gamma":
        P = ctx.with_sources("sea").P if ok else ctx.P
        out |= {"eps_p_sea": P["eps_p"], "eps_He_sea": P["eps_He"], "D0_sea_1e28_cm2_s": P["D0"]}
    return out | {"sea_normalisation_ok": float(ok)}
