"""The single source of the project's paths.

The book's folder (:data:`ROOT`: ``notebooks/``, ``data/``, ``_toc.yml``) is found in this order: the folder named by
``COCOON_BOOK_ROOT``; the checkout this package lives in (an editable install, or running from the repository);
the current folder or one above it (a package installed with ``pip install .`` and run inside a checkout). Without
one, :func:`require_root` says how to point at it.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from pathlib import Path

ROOT_ENV = "COCOON_BOOK_ROOT"


def is_book_root(folder: Path) -> bool:
    """Whether ``folder`` holds the book: its data registry and table of contents."""
    return (folder / "data" / "registry.csv").is_file() and (folder / "_toc.yml").is_file()


def find_root() -> Path | None:
    """The book's folder, or None if none is found (see the module's docstring for the order)."""
    named = os.environ.get(ROOT_ENV, "")
    if named:
        folder = Path(named).expanduser().resolve()
        return folder if is_book_root(folder) else None
    for folder in (Path(__file__).resolve().parents[2], Path.cwd(), *Path.cwd().parents):
        if is_book_root(folder):
            return folder
    return None


def require_root() -> Path:
    """:data:`ROOT`, or a one-line error saying how to point at the book's folder."""
    if FOUND_ROOT is None:
        where = f"{ROOT_ENV}={os.environ[ROOT_ENV]} holds no book" if os.environ.get(ROOT_ENV) else "none was found"
        raise FileNotFoundError(
            f"the book's folder (with data/registry.csv and _toc.yml) is needed and {where}: run "
            f"inside a checkout of cocoon-book or set {ROOT_ENV} to one"
        )
    return FOUND_ROOT


FOUND_ROOT = find_root()
#: the book's folder; where none is found, the folder the package was installed in (every path below then
#: names a missing file, and :func:`require_root` says why)
ROOT = FOUND_ROOT or Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
REGISTRY = DATA / "registry.csv"
MEASUREMENTS = DATA / "measurements"
TRANSCRIBED = DATA / "transcribed"
NOTEBOOKS = ROOT / "notebooks"
BOOK = ROOT / "book"
FIGURES = ROOT / "figures"
SKY_REGIONS = DATA / "sky_regions.csv"


def env_path(variable: str) -> Path | None:
    """The folder named by the environment variable ``variable`` (None if unset or empty).

    A relative path is taken relative to the book's root folder (:data:`ROOT`), where the README's commands
    run: the chapters' kernels run in ``notebooks/`` (book build) or in a run's output folder (``cocoon
    run``), so a path relative to the current folder would point elsewhere inside them.
    """
    value = os.environ.get(variable, "")
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else ROOT / path


# --- where chapters share files (chapter 2's saved fit) -------------------------------------------------
#: the folder set by :func:`outputs_in` for the current thread (None: the environment's)
_OUTPUTS_HERE: contextvars.ContextVar[Path | None] = contextvars.ContextVar("cocoon_outputs_here", default=None)


def outputs_dir() -> Path:
    """Where chapters write files for other chapters: the folder of an enclosing :func:`outputs_in`, else
    ``$COCOON_OUTPUT_DIR``, else ``<repo>/outputs``."""
    return _OUTPUTS_HERE.get() or env_path("COCOON_OUTPUT_DIR") or ROOT / "outputs"


@contextlib.contextmanager
def outputs_in(folder: str | Path):
    """Within this block (and in this thread only) :func:`outputs_dir` is ``folder``: what a chapter run in the
    process (``cocoon scan --path fast``) uses where a kernel gets ``COCOON_OUTPUT_DIR``, without changing the
    process's environment."""
    token = _OUTPUTS_HERE.set(Path(folder))
    try:
        yield Path(folder)
    finally:
        _OUTPUTS_HERE.reset(token)
