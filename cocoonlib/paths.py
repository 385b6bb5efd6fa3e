"""The single source of the project's paths."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
REGISTRY = DATA / "registry.csv"
MEASUREMENTS = DATA / "measurements"
TRANSCRIBED = DATA / "transcribed"
NOTEBOOKS = ROOT / "notebooks"
BOOK = ROOT / "book"
FIGURES = ROOT / "figures"
