"""The single source of the project's paths."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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
    import os

    value = os.environ.get(variable, "")
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else ROOT / path
