"""Shared test fixtures and the layer markers.

Each folder of tests/ holds the tests of one layer of cocoonlib (core, io, source, production, transport, sky, stats,
book) or the end-to-end checks (end_to_end: the command, scans, reliability, benchmarks, the book build); every test
is marked with its folder's name, so ``pytest -m sky`` runs the sky layer's.

``pytest`` runs the fast checks: every layer's tests and every chapter's key numbers (nbval), two workers at once
(pytest-xdist). The checks marked ``slow`` (the book built twice from clean and every page in headless Chromium, Dask
clusters, doubled grids, every chapter through the ``cocoon`` command and the notebook path of scans) are left out
(listed as deselected) unless ``--slow`` is given; ``.ci/run`` gives it. The data tests read the registered files
from the mirror (COCOON_DATA_MIRROR, as CI provides) or, without one, from the data cache, downloading what is
missing; they are skipped, with the file that could not be had, only where neither works."""

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TESTS = Path(__file__).resolve().parent
#: the folders of tests/, each a marker (registered in pyproject.toml)
LAYERS = ("core", "io", "source", "production", "transport", "sky", "stats", "book", "end_to_end")


def pytest_configure(config):
    _nbval_kernels_on_ipc()


def _nbval_kernels_on_ipc():
    """nbval starts each notebook's kernel on TCP ports it picks itself; with the tests on two cores, two kernels
    started at the same moment can be given the same port and one dies ("Address already in use"). Its kernels get
    IPC sockets of their own instead, as the book's and the command's do (:mod:`cocoonlib.book.cli.kernels`)."""
    import nbval.kernel

    from cocoonlib.book.cli.kernels import IPCKernelManager

    nbval.kernel.KernelManager = IPCKernelManager


def pytest_addoption(parser):
    parser.addoption(
        "--slow",
        action="store_true",
        help="also run the slow checks (book builds and browser, Dask, doubled grids, chapters through the command)",
    )


def pytest_report_header(config):
    if not config.getoption("--slow"):
        return (
            "slow checks (marked slow: book build and browser, Dask, doubled grids) left out: pytest --slow runs them"
        )
    return None


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--slow"):
        slow = [item for item in items if "slow" in item.keywords]
        if slow:
            config.hook.pytest_deselected(items=slow)
            items[:] = [item for item in items if "slow" not in item.keywords]
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
