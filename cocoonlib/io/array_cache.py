"""A disk cache for arrays that are expensive to compute and cannot go stale (cross-section matrices,
line-of-sight columns).

An array is stored under a name made from a hash of everything it depends on: the caller's inputs, the
version of the library that computes it, and the source text of the cocoonlib module that assembles it
(any edit of that module makes a new name, so an old file is never read for new code). Files are written
to a temporary name and renamed, so parallel workers (``cocoon scan``) never read half a file; an
unreadable file is recomputed and replaced.

Where: ``$COCOON_ARRAY_CACHE``; ``off`` disables the cache; by default the ``arrays`` folder of the data
cache (:func:`cocoonlib.io.data.cache_dir`). To clear it, delete the folder (:func:`cache_folder`).
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from cocoonlib.io import paths

__all__ = [
    "CACHE_ENV",
    "cache_folder",
    "cached_array",
    "cached_json",
    "cached_result",
    "source_digest",
    "code_and_data",
    "LIBRARIES",
]

CACHE_ENV = "COCOON_ARRAY_CACHE"


def cache_folder() -> Path | None:
    """The cache folder, or None if ``$COCOON_ARRAY_CACHE`` is ``off``."""
    if os.environ.get(CACHE_ENV, "").lower() == "off":
        return None
    where = paths.env_path(CACHE_ENV)
    if where is not None:
        return where
    from cocoonlib.io.data import cache_dir

    return cache_dir() / "arrays"


def _digest(parts: Iterable) -> str:
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            h.update(str((part.dtype.str, part.shape)).encode())
            h.update(np.ascontiguousarray(part).tobytes())
        else:
            h.update(repr(part).encode())
        h.update(b"\x00")
    return h.hexdigest()


def cached_array(kind: str, depends_on: Iterable, compute: Callable[[], np.ndarray]) -> np.ndarray:
    """``compute()``, or the array stored for the same ``kind`` and ``depends_on`` (arrays, strings, numbers).

    ``depends_on`` must name everything the result depends on, including the versions of the code that
    computes it. The array returned is read-only.
    """
    folder = cache_folder()
    path = None if folder is None else folder / f"{kind}-{_digest([kind, *depends_on])[:32]}.npy"
    if path is not None and path.is_file():
        try:
            out = np.load(path, allow_pickle=False)
            out.setflags(write=False)
            return out
        except (OSError, ValueError):  # a damaged file: computed again and replaced below
            pass
    out = np.asarray(compute())
    if path is not None:
        tmp = path.with_name(f"{path.stem}.{uuid.uuid4().hex}.tmp.npy")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            np.save(tmp, out, allow_pickle=False)
            os.replace(tmp, path)
        except OSError:  # a read-only or full disk costs speed, not results
            tmp.unlink(missing_ok=True)
    out.setflags(write=False)
    return out


def cached_json(kind: str, depends_on: Iterable, compute: Callable[[], Any]) -> tuple[Any, bool]:
    """(``compute()``, False), or (the JSON value stored for the same ``kind`` and ``depends_on``, True): a result of
    plain numbers, strings, lists and dicts (a fit's summary) kept in the array cache as its JSON text, with what
    :func:`cached_array` promises. A value read back equals the one computed (floats, NaN and infinities exactly;
    tuples come back as lists, dictionary keys as strings)."""
    computed = []

    def packed():
        computed.append(compute())
        return np.frombuffer(json.dumps(computed[0], sort_keys=True).encode(), dtype=np.uint8)

    raw = cached_array(kind, depends_on, packed)
    return (computed[0], False) if computed else (json.loads(raw.tobytes().decode()), True)


def cached_result(kind: str, inputs: Any, compute: Callable[[], Any]) -> tuple[Any, bool]:
    """:func:`cached_json` of a result of the whole book (a fit, a scan of the verdicts) under its ``inputs`` (a JSON
    value: parameters, choices; numpy scalars and other values by their repr) and :func:`code_and_data`, so that an
    edit of any source or data file, or another library version, computes it again."""
    return cached_json(kind, [json.dumps(inputs, sort_keys=True, default=repr), *code_and_data()], compute)


def source_digest(*files: str | Path) -> str:
    """sha256 of the names and bytes of ``files`` (module sources, tables): pass it in ``depends_on`` so that
    editing any of them renews the cache."""
    h = hashlib.sha256()
    for f in map(Path, files):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


#: the libraries whose numbers the book's cached results depend on (their versions key those caches)
LIBRARIES = ("numpy", "scipy", "pandas", "astropy", "aafragpy", "iminuit", "particle", "naima", "numba")


@lru_cache(maxsize=1)
def code_and_data() -> tuple:
    """What a result of the whole book depends on, for ``depends_on``: a digest of every source file of cocoonlib
    (modules, tables, scripts) and every file under ``data/`` (the registry holds the sha256 of each external file),
    their names, and the versions of :data:`LIBRARIES`. Read once per process, as the code it describes is imported
    once (a file edited afterwards is not what runs)."""
    from importlib import metadata

    files = sorted(
        p
        for p in (*paths.ROOT.joinpath("cocoonlib").rglob("*"), *paths.DATA.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    )
    named = [str(p.relative_to(paths.ROOT)) for p in files]
    return (source_digest(*files), tuple(named), *(f"{lib}=={metadata.version(lib)}" for lib in LIBRARIES))
