"""Shared test fixtures. The data tests need the mirror (COCOON_DATA_MIRROR), as CI provides."""
import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def mirror() -> Path:
    m = os.environ.get("COCOON_DATA_MIRROR")
    if not m or not Path(m).is_dir():
        pytest.skip("COCOON_DATA_MIRROR is not set to a data mirror")
    return Path(m)
