"""Shared test fixtures. The data tests need the mirror (COCOON_DATA_MIRROR), as CI provides."""

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def mirror() -> Path:
    from cocoonlib.io.paths import env_path

    m = env_path("COCOON_DATA_MIRROR")  # relative to the book's root, as cocoonlib reads it
    if m is None or not m.is_dir():
        pytest.skip("COCOON_DATA_MIRROR is not set to a data mirror")
    return m
