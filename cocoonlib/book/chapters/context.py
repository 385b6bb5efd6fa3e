"""The context a chapter's key numbers are made from, and the pieces chapters share.

A :class:`Context` holds the objects ("pieces") a chapter's numbers are made from: each is given, or built on first
use by the chapter's builder of that name (:data:`PIECES`, filled by each chapter's module when
:mod:`cocoonlib.book.chapters.keys` imports it). The expensive pieces are built through :meth:`Context.cached`
under a key made of the parameters they depend on: with a :class:`Workspace`, a later point of a scan with the same
values of those parameters gets the same object. A gamma-ray sky is built once per set of parameters that change
its DGE, columns or J (every parameter declared with affects "sky"), with the cocoon parameters
(:data:`SKY_COCOON_PARAMETERS`) at their defaults, and each point takes it with its own cocoons
(:meth:`cocoonlib.sky.gamma.GammaSky.with_cocoons`), which gives the same numbers as building it from scratch.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from cocoonlib.book.chapters import FIT_SOURCES, get_chapter
from cocoonlib.book.params import PARAMETERS, RESOLVED_SOURCES, from_params, saved_fit
from cocoonlib.io import data, paths
from cocoonlib.sky import gamma
from cocoonlib.stats import bands, limits

__all__ = ["Workspace", "Context", "PIECES", "SKY_COCOON_PARAMETERS", "NOT_IN_SKY", "sky_of", "bc_refit"]

#: chapter -> {piece: builder(context)}: what :class:`Context` builds when a piece is not given; each chapter's
#: module adds its own (imported by :mod:`cocoonlib.book.chapters.keys`)
PIECES: dict[str, dict[str, Callable[[Context], Any]]] = {}


class Workspace:
    """What a scan keeps between its points in one process: built pieces by (kind, key), the ``size`` most recently
    used of each kind (:attr:`SIZES` for the large ones: a scan over a parameter that changes a sky keeps a few
    skies, not all of them)."""

    #: how many pieces of a kind are kept where not :attr:`size` (a sky holds tens of MB, a fit a few kB)
    SIZES = {"sky": 8, "J": 16, "productions": 4}

    def __init__(self, size: int = 256):
        self.size = size
        self._store: dict[str, OrderedDict] = {}
        self.hits = 0
        self.misses = 0

    def get(self, kind: str, key: Hashable, build: Callable[[], Any]) -> Any:
        """The piece of ``kind`` stored under ``key``, or ``build()`` stored under it."""
        store = self._store.setdefault(kind, OrderedDict())
        if key in store:
            store.move_to_end(key)
            self.hits += 1
            return store[key]
        self.misses += 1
        value = build()
        store[key] = value
        if len(store) > self.SIZES.get(kind, self.size):
            store.popitem(last=False)
        return value

    def context(self, chapter: str, params: Mapping[str, Any]) -> Context:
        """A :class:`Context` of ``chapter`` with validated parameters ``params`` that builds through this workspace."""
        return Context(chapter, params, workspace=self)


class Context:
    """The pieces a chapter's key numbers are made from: ``given`` ones (what the notebook has built) and the others
    built on first use by :data:`PIECES` of the chapter, each once, through ``workspace`` (a new one if None).

    ``params``: the chapter's validated parameters; :attr:`P`: the same with the cocoons' sources resolved
    (:func:`cocoonlib.book.params.from_params.resolve_sources`: for ``source_normalisation`` = 'sea' the fitted transport
    and the efficiencies that make the local cosmic rays), what every piece reads."""

    def __init__(
        self,
        chapter: str,
        params: Mapping[str, Any],
        given: Mapping[str, Any] | None = None,
        workspace: Workspace | None = None,
    ):
        self.chapter = get_chapter(chapter).name
        self.params = params
        self.workspace = Workspace() if workspace is None else workspace
        self._P: Mapping[str, Any] | None = None
        self._siblings: dict[str, Context] = {}
        self._own: dict | None = None  # own_key_numbers, once computed
        self._pieces = {}
        self._given: set[str] = set()
        self.give(**(given or {}))

    def give(self, **pieces) -> Context:
        """Add pieces already built (a notebook's sky, fits): they are used instead of building them."""
        unknown = sorted(set(pieces) - set(PIECES[self.chapter]))
        if unknown:
            raise ValueError(
                f"{', '.join(unknown)} is not a piece of chapter {self.chapter!r}: expected some of "
                f"{', '.join(PIECES[self.chapter])}"
            )
        self._pieces.update(pieces)
        self._given.update(pieces)
        return self

    def stored(self, name: str, build: Callable[[], Any], to_json: Callable, from_json: Callable) -> Any:
        """``from_json(to_json(build()))``, kept in the array cache (:func:`cocoonlib.io.array_cache.cached_json`) under
        the chapter, ``name``, the parameters as given and the code (:func:`cocoonlib.io.array_cache.cached_result`):
        the fits behind a chapter's numbers, fitted once per set of inputs. Not kept when the context was given pieces
        (they are not parameters) or reads chapter 2's saved fit."""
        if self._given or _fit_file(self.params) is not None:
            return from_json(to_json(build()))
        from cocoonlib.io.array_cache import cached_result

        raw, _ = cached_result(f"{self.chapter}_{name}", _items(self.params), lambda: to_json(build()))
        return from_json(raw)

    @property
    def P(self) -> Mapping[str, Any]:
        """The parameters with the sources resolved (built once, kept in the workspace under the parameters)."""
        if self._P is None:
            P = self.params
            sea = P.get("source_normalisation", "letter") == "sea" and RESOLVED_SOURCES not in P
            fit = bc_refit(self, P) if sea and P.get("transport_source") != "fit" else None
            self._P = self.cached(
                "sources",
                (_items(P), _fit_file(P, ("transport_source",))),
                lambda: from_params.resolve_sources(P, fit=fit),
            )
        return self._P

    def with_sources(self, normalisation: str) -> Context:
        """This chapter's context with ``source_normalisation`` = ``normalisation`` (itself if it already has it), sharing
        the workspace (kept: asked again, the same context)."""
        if self.params.get("source_normalisation", "letter") == normalisation:
            return self
        if normalisation not in self._siblings:
            params = {**self.params, "source_normalisation": normalisation}
            self._siblings[normalisation] = Context(self.chapter, params, workspace=self.workspace)
        return self._siblings[normalisation]

    def __getitem__(self, name: str) -> Any:
        if name not in self._pieces:
            if name not in PIECES[self.chapter]:
                raise KeyError(
                    f"chapter {self.chapter!r} has no piece {name!r}: expected one of {', '.join(PIECES[self.chapter])}"
                )
            self._pieces[name] = PIECES[self.chapter][name](self)
        return self._pieces[name]

    def __contains__(self, name: str) -> bool:
        return name in self._pieces

    def cached(self, kind: str, key: Hashable, build: Callable[[], Any]) -> Any:
        """``build()``, kept in the workspace under (``kind``, ``key``): ``key`` must hold every parameter the piece
        depends on."""
        return self.workspace.get(kind, key, build)


def _freeze(v):
    if isinstance(v, list | tuple):
        return tuple(_freeze(x) for x in v)
    if isinstance(v, dict):
        return tuple(sorted((k, _freeze(x)) for k, x in v.items()))
    return v


def _items(P: Mapping[str, Any], names=None, drop=()) -> tuple:
    """(name, value) of the parameters ``names`` (default: all) that ``P`` has, less ``drop``: part of a cache key."""
    names = P if names is None else names
    return tuple(sorted((k, _freeze(P[k])) for k in names if k in P and k not in drop))


def _fit_file(P: Mapping[str, Any], names=FIT_SOURCES):
    """What a piece that reads chapter 2's saved fit depends on (its path, time and size) if one of the parameters
    ``names`` (of :data:`cocoonlib.book.chapters.FIT_SOURCES`) is 'fit'; None otherwise."""
    if not any(P.get(n) == "fit" for n in names):
        return None
    path = paths.outputs_dir() / saved_fit.FIT_FILENAME
    try:
        st = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), st.st_mtime_ns, st.st_size)


#: parameters that change a sky's cocoon curves and not its DGE, columns or J: a sky with other values of them is
#: :meth:`cocoonlib.sky.gamma.GammaSky.with_cocoons` of the same sky. The efficiencies and E_SN are among them: the
#: sea of the DGE is the 2D transport's density relative to the Sun, which does not depend on them (the model is
#: linear in its source); the injection slopes and E_max shape it, so they are not.
SKY_COCOON_PARAMETERS = tuple(
    n for n, p in PARAMETERS.items() if p.affects & {"cocoon_emissivity", "chi0"} and "sky" not in p.affects
)


#: parameters that enter a chapter after its sky (B/C, limits, the joint fit's settings, the chapter-1 cocoon
#: numbers) or that the sky does not read: left out of a sky's key. Derived from the declarations (no tag "sky",
#: "cocoon_emissivity", "chi0" or "dge_band"), so a new parameter that changes a sky is part of its key.
NOT_IN_SKY = (
    *(n for n, p in PARAMETERS.items() if not p.affects & {"sky", "cocoon_emissivity", "chi0", "dge_band"}),
    RESOLVED_SOURCES,  # what source_normalisation sets (transport, efficiencies) is in the resolved parameters
)


def _cocoon_changes(P: Mapping[str, Any]) -> dict:
    """The changes that give a base sky the cocoons of ``P`` (chi0 resolved by ``chi0_source``)."""
    changes = {"chi0": saved_fit.resolve_chi0(P["chi0"], P.get("chi0_source", "parameter"))}
    changes.update({k: P[k] for k in SKY_COCOON_PARAMETERS if k in P and k not in ("chi0", "chi0_source")})
    return changes


def sky_of(ctx: Context, P: Mapping[str, Any], label: str, **build) -> gamma.GammaSky:
    """:func:`cocoonlib.book.params.from_params.gamma_sky` ``(P, **build)``: the sky of ``P`` with the cocoon parameters at
    their defaults, kept under the other parameters (and ``label``, which must name ``build``), given the cocoons of
    ``P`` by :meth:`~cocoonlib.sky.gamma.GammaSky.with_cocoons`."""
    drop = (*SKY_COCOON_PARAMETERS, *NOT_IN_SKY, "dge_knee")  # the knee only narrows the band: applied afterwards
    key = (label, _items(P, drop=drop), _fit_file(P, ("transport_source",)))
    base_P = {**P, **{k: PARAMETERS[k].default for k in SKY_COCOON_PARAMETERS if k in P}, "chi0_source": "parameter"}
    base = ctx.cached("sky", key, lambda: from_params.gamma_sky({**base_P, "dge_knee": "both"}, **build))
    return from_params.with_knees(base.with_cocoons(**_cocoon_changes(P)), P)


def _measurements(ctx: Context, windows) -> dict:
    return {w: ctx.cached("measurements", w, lambda w=w: data.load_diffuse_measurements(w)) for w in windows}


def bc_refit(ctx: Context, P: Mapping[str, Any] | None = None):
    """:func:`cocoonlib.book.params.from_params.bc_refit` of ``P`` (default: the chapter's parameters as given, before the
    sources are resolved), kept under the parameters it reads: the one B/C refit behind a chapter's chi0 band and the
    transport of ``source_normalisation`` = 'sea'."""
    P = ctx.params if P is None else P
    key = ("refit", _items(P, get_chapter("bc").parameters))
    return ctx.cached("band_fit", key, lambda: from_params.bc_refit(P))


def _band_fit(ctx: Context):
    """:func:`cocoonlib.book.params.from_params.chi0_band_fit` of the chapter's parameters as given, kept under what it
    reads (for 'refit', :func:`bc_refit`)."""
    P = ctx.params
    choice = P.get("chi0_band", "refit")
    if choice == "refit":
        return bc_refit(ctx)
    key = (choice, _fit_file(P, ("chi0_band",)))
    return ctx.cached("band_fit", key, lambda: from_params.chi0_band_fit(P))


def _interval(ctx: Context):
    fit = ctx["band_fit"]
    return None if fit is None else bands.Chi0Interval.from_fit(fit)


def _ranges(functions: Mapping[str, Callable[[float], float]], interval, chi0: float) -> dict:
    """(smallest, largest) of each function of chi0 over the interval's 1 sigma range (its value at ``chi0`` twice
    without an interval)."""
    return {k: bands.value_range(f, interval) if interval is not None else (f(chi0),) * 2 for k, f in functions.items()}


def _appendix_pieces() -> dict:
    """The measurements of the sky's windows, the DGE min and the points it alone overshoots (the appendices)."""
    return {
        "measurements": lambda ctx: _measurements(ctx, ctx["sky"].windows),
        "dge_min": lambda ctx: {w: ctx["sky"].dge(w, variant=ctx["sky"].lowest_knee) for w in ctx["sky"].windows},
        "set_aside": lambda ctx: limits.overshot_by(
            ctx["measurements"], ctx["sky"].E, ctx["dge_min"], ctx.P["n_sigma"]
        ),
        "n_points": lambda ctx: sum(int((~d.upper_limit.astype(bool)).sum()) for d in ctx["measurements"].values()),
        "n_set_aside": lambda ctx: sum(int(a.sum()) for a in ctx["set_aside"].values()),
    }
