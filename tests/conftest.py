"""Shared test fixtures and the layer markers.

Each folder of tests/ holds the tests of one layer of cocoonlib (core, io, source, production, transport, sky, stats,
book) or the end-to-end checks (end_to_end: the command, scans, reliability, benchmarks, the book build); every test
is marked with its folder's name, so ``pytest -m sky`` runs the sky layer's. The data tests read the registered files
from the mirror (COCOON_DATA_MIRROR, as CI provides) or, without one, from the data cache, downloading what is
missing; they are skipped, with the file that could not be had, only where neither works."""

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TESTS = Path(__file__).resolve().parent
#: the folders of tests/, each a marker (registered in pyproject.toml)
LAYERS = ("core", "io", "source", "production", "transport", "sky", "stats", "book", "end_to_end")


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.fspath)).resolve()
        if TESTS in path.parents:
            folder = path.relative_to(TESTS).parts[0]
            if folder in LAYERS:
                item.add_marker(getattr(pytest.mark, folder))


@pytest.fixture(scope="session")
def mirror() -> Path:
    """A folder laid out like the data mirror that holds every registered file: the mirror, or the data cache after
    fetching every file through the registry (checked hashes, as the book reads them)."""
    from cocoonlib.io import data
    from cocoonlib.io.paths import env_path

    m = env_path(data.MIRROR_ENV)  # relative to the book's root, as cocoonlib reads it
    if m is not None:
        if not m.is_dir():
            pytest.skip(f"{data.MIRROR_ENV} = {m} is not a directory")
        return m
    for name in data.registry().index:
        try:
            data.fetch(name)
        except data.DataUnavailableError as err:
            pytest.skip(f"no {data.MIRROR_ENV} and the registry cannot fetch {name}: {err}")
    return data.cache_dir()
