"""Execute the book's notebooks side by side before Sphinx reads them.

With ``execute_notebooks: cache`` in ``_config.yml`` MyST-NB takes a notebook's outputs from its jupyter-cache when
the cache holds a run of the same code, and otherwise executes the notebook itself, one at a time while Sphinx reads
the pages. This extension runs when Sphinx has found which documents it will read (``env-get-outdated``: every page
in a clean build; otherwise the edited ones and those whose dependencies changed) and before it reads any: it
executes every notebook among them on ``cocoon_execution_workers`` kernels side by side (default: one per core), the
slowest first, and puts each executed notebook into that cache; Sphinx then reads the pages and finds them executed.
A kernel executes one notebook after another, each started as in a new kernel (:data:`FRESH_START`: no name of the
last notebook left, matplotlib's settings reset, its own working directory) but with the modules already imported
and their in-memory caches (keyed on their inputs) filled: that halves the time of the shorter chapters. A notebook
prints exactly what it prints in a kernel of its own (tests/end_to_end/test_parallel_execution.py); ``cocoon run``,
the scans and nbval still give every notebook a kernel of its own.

Nothing stale is ever read: the cache is emptied first, so every notebook Sphinx reads was executed by this build
(here, or by MyST-NB itself if this extension did not know it would be read), exactly as with
``execute_notebooks: force``. The kernels talk to the build over IPC sockets of their own (:mod:`cocoonlib.book.cli.kernels`), not TCP
ports: two kernels started in the same instant cannot take the same port. A cell that
fails stops the build with the notebook's name and the error (``nb_execution_raise_on_error``), as MyST-NB would.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

import nbformat
from sphinx.errors import ExtensionError
from sphinx.util import logging

from cocoonlib.book.cli.kernels import AsyncIPCKernelManager

LOGGER = logging.getLogger(__name__)


def notebooks_to_read(env, docnames) -> list[Path]:
    """The notebooks among ``docnames`` (the documents Sphinx is about to read)."""
    paths = (Path(env.doc2path(d)) for d in sorted(docnames))
    return [p for p in paths if p.suffix == ".ipynb"]


#: run in a kernel before each notebook it executes (outside the notebook, without a number in the kernel's
#: history): the notebook then starts as in a new kernel, with no name of the last one defined (``%reset -f``), no
#: figure open, matplotlib's settings as the kernel started with them and its own folder as the working directory;
#: the modules stay imported (and their caches, keyed on their inputs, filled)
FRESH_START = """\
import os as _os, matplotlib as _mpl, matplotlib.pyplot as _plt
_ip = get_ipython()
if not hasattr(_ip, "_cocoon_rc"):
    _ip._cocoon_rc = dict(_mpl.rcParams)
_plt.close("all")
_mpl.rcParams.update(_ip._cocoon_rc)
_os.chdir({cwd!r})
_ip.run_line_magic("reset", "-f")
"""


async def _start_fresh(km, folder: str, timeout: int) -> None:
    """Start ``km``'s kernel in ``folder`` if it does not run, then run :data:`FRESH_START` in it."""
    if not km.has_kernel:
        await km.start_kernel(cwd=folder)
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=timeout)
        reply = await kc.execute_interactive(
            FRESH_START.format(cwd=folder), store_history=False, timeout=timeout, output_hook=lambda msg: None
        )
    finally:
        kc.stop_channels()
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"the fresh start before the notebook failed: {reply['content'].get('evalue', '')}")


async def _execute_one(path: Path, nb, km, *, timeout: int, cwd: Path | None):
    """Execute the notebook ``nb`` (read from ``path``) in the kernel of ``km``, started fresh (:func:`_start_fresh`);
    returns (path, executed notebook, seconds, error or None)."""
    from nbclient import NotebookClient

    folder = str(cwd or path.parent)
    client = NotebookClient(
        nb,
        km=km,
        timeout=timeout,
        record_timing=False,  # timing in the cells' metadata would change the hash the cache matches on
        resources={"metadata": {"path": folder}},
    )
    start = time.perf_counter()
    error = None
    try:
        await _start_fresh(km, folder, timeout)
        await client.async_execute()
    except Exception as err:  # noqa: BLE001 - reported with the notebook's name by the caller
        error = err
    finally:
        if client.kc is not None:
            client.kc.stop_channels()
    return path, nb, time.perf_counter() - start, error


async def _shut_down(km) -> None:
    """Stop ``km``'s kernel if it runs (a kernel manager passed to nbclient is the caller's to stop)."""
    if km is not None and km.has_kernel and await km.is_alive():
        await km.shutdown_kernel()


async def _worker(queue: list[Path], results: dict, *, timeout: int, cwd: Path | None) -> None:
    """Take notebooks from ``queue`` until it is empty and execute them one after the other in one kernel, started
    again after a notebook that failed (so nothing of a broken run reaches the next) or for another kernel name."""
    km = None
    try:
        while queue:
            path = queue.pop(0)
            nb = nbformat.read(path, as_version=4)
            kernel = nb.metadata.get("kernelspec", {}).get("name", "python3")
            if km is None or km.kernel_name != kernel:
                await _shut_down(km)
                km = AsyncIPCKernelManager(kernel_name=kernel)
            results[path] = await _execute_one(path, nb, km, timeout=timeout, cwd=cwd)
            if results[path][3] is not None or not await km.is_alive():
                await _shut_down(km)
                km = None
    finally:
        await _shut_down(km)


async def execute_all(paths: list[Path], *, workers: int, timeout: int, in_temp: bool = False) -> list[tuple]:
    """Execute ``paths`` with ``workers`` kernels side by side, each executing notebooks one after the other in the
    order given (the next free kernel takes the next notebook); one result tuple per notebook, in the order of
    ``paths``. A kernel serves several notebooks, each started fresh (:data:`FRESH_START`): the second and later
    ones in a kernel do not pay for starting it and importing the stack again."""
    queue, results = list(paths), {}
    with tempfile.TemporaryDirectory() as temp_cwd:
        cwd = Path(temp_cwd) if in_temp else None
        n = max(1, min(workers, len(paths)))
        await asyncio.gather(*(_worker(queue, results, timeout=timeout, cwd=cwd) for _ in range(n)))
    return [results[p] for p in paths]


def _longest_first(paths: list[Path]) -> list[Path]:
    """The slowest notebooks first (by the times of the last build on this machine), so that the kernels finish
    together; a notebook never timed goes first. Only the order depends on the file: a stale one costs time, never
    a result."""
    times = _read_times()
    return sorted(paths, key=lambda p: -times.get(p.name, float("inf")))


def _times_file() -> Path:
    """The execution times of the last build, in the data cache folder (it survives a clean build)."""
    from cocoonlib.io import data

    return data.cache_dir() / "book-execution-seconds.json"


def _read_times() -> dict:
    import json

    try:
        return json.loads(_times_file().read_text())
    except (OSError, ValueError):
        return {}


def _write_times(results) -> None:
    import json

    try:
        _times_file().parent.mkdir(parents=True, exist_ok=True)
        times = {**_read_times(), **{p.name: round(s, 2) for p, _, s, _ in results}}
        _times_file().write_text(json.dumps(times, indent=1))
    except OSError:  # a read-only cache folder: the next build starts in the table of contents' order
        pass


def _cache(env):
    from jupyter_cache import get_cache

    return get_cache(env.mystnb_config.execution_cache_path)


def _clear(env) -> None:
    """Remove every record of the cache, so that MyST-NB finds only what this build executed (a notebook it finds
    nothing for, it executes itself)."""
    cache = _cache(env)
    for record in cache.list_cache_records():
        cache.remove_cache(record.pk)


def _store(env, results) -> None:
    """Every executed notebook into MyST-NB's jupyter-cache."""
    from jupyter_cache.base import CacheBundleIn

    cache = _cache(env)
    for path, nb, seconds, _ in results:
        cache.cache_notebook_bundle(
            CacheBundleIn(nb, str(path), data={"execution_seconds": seconds}), check_validity=False, overwrite=True
        )


def execute_ahead(app, env, added, changed, removed) -> list[str]:
    """``env-get-outdated``: execute every notebook Sphinx is about to read (all of them in a clean build), side by
    side, into MyST-NB's cache. Adds no document to read."""
    config = env.mystnb_config
    workers = app.config.cocoon_execution_workers or os.cpu_count() or 1
    if config.execution_mode != "cache":
        return []
    _clear(env)
    paths = _longest_first(notebooks_to_read(env, set(added) | set(changed)))
    if not paths:
        return []
    LOGGER.info(f"cocoon: executing {len(paths)} notebooks, {workers} at a time")
    start = time.perf_counter()
    results = asyncio.run(
        execute_all(paths, workers=workers, timeout=config.execution_timeout, in_temp=config.execution_in_temp)
    )
    failed = [(p, e) for p, _, _, e in results if e is not None]
    if failed and config.execution_raise_on_error:
        names = ", ".join(str(p) for p, _ in failed)
        raise ExtensionError(f"executing {names} failed:\n{failed[0][1]}")
    _store(env, [r for r in results if r[3] is None])
    _write_times(results)
    for path, _, seconds, _ in results:
        LOGGER.info(f"cocoon: {path.name} executed in {seconds:.1f} s")
    LOGGER.info(f"cocoon: all notebooks executed in {time.perf_counter() - start:.1f} s (wall)")
    return []


def setup(app):
    app.add_config_value("cocoon_execution_workers", 0, "env", [int])
    # when Sphinx knows which documents it will read, before it reads any (MyST-NB set the cache's path at
    # builder-inited)
    app.connect("env-get-outdated", execute_ahead)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
