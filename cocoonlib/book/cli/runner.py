"""Run one chapter with parameters: what `cocoon run` and `cocoon scan` share.

Two ways, with the same key numbers (``results.json``) and record (``run.json``):

:func:`run_chapter` (``--path notebook``)
    executes the chapter's notebook with papermill in its own kernel, in the output directory, with
    ``COCOON_OUTPUT_DIR`` pointing there and ``COCOON_BOOK_ROOT`` at the book's folder (an installed package run
    elsewhere finds it); files a chapter writes, such as chapter 2's ``bc_fit.json``, land next to its results, and
    the executed notebook (figures and prose) with them. The variables are given to the kernel's environment only:
    the calling process's environment is left alone, so that runs in threads or one after the other cannot see each
    other's directories. What the kernel writes to stderr goes to ``kernel.log`` in the output directory.
:func:`run_chapter_fast` (``--path fast``)
    computes the key numbers in this process with :func:`cocoonlib.book.chapters.keys.key_numbers`, the one implementation
    the notebook's key-number cell calls too, through a :class:`~cocoonlib.book.chapters.keys.Workspace` that keeps what
    the next run can reuse (production matrices, skies, fits that do not depend on the changed parameters): no
    kernel, no figures, milliseconds per run when only cocoon parameters change.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

from cocoonlib import __version__
from cocoonlib.book.chapters import check_saved_fit, get_chapter
from cocoonlib.book.cli.kernels import AsyncIPCKernelManager
from cocoonlib.book.params import validate
from cocoonlib.io import paths

#: where a chapter's kernel writes its stderr, in the output directory
KERNEL_LOG = "kernel.log"

__all__ = ["RunError", "run_chapter", "run_chapter_fast", "WORKSPACE", "kernel_manager_with_env"]


class RunError(RuntimeError):
    """The chapter notebook failed; the message is one line."""


def kernel_manager_with_env(extra_env: dict[str, str], stderr_path: Path | None = None) -> type[AsyncKernelManager]:
    """A kernel manager class whose kernels start with this process's environment plus ``extra_env``, and write
    their stderr to the file ``stderr_path`` (appended) if given, not to this process's (where a scan's progress
    bar is). The kernels talk over IPC sockets of their own (:mod:`cocoonlib.book.cli.kernels`), not TCP ports."""

    class _KernelManager(AsyncIPCKernelManager):
        async def start_kernel(self, **kw):  # jupyter_client: ``env`` replaces the environment of the kernel
            kw["env"] = {**os.environ, **kw.get("env", {}), **extra_env}
            if stderr_path is None:
                return await super().start_kernel(**kw)
            with open(stderr_path, "ab") as log:  # the kernel process keeps its own copy of the file
                kw.setdefault("stderr", log)
                return await super().start_kernel(**kw)

    return _KernelManager


def _first_line(err: Exception) -> str:
    lines = str(err).strip().splitlines()
    return next((line for line in reversed(lines) if line.strip()), type(err).__name__)


def run_chapter(chapter: str, values: dict, out_dir: Path, timeout: int = 1800) -> dict:
    """Execute ``chapter`` with ``values`` (already parsed) into ``out_dir``; return its results.

    Raises ParameterError before any work if a value is invalid, RunError if the notebook fails. Writes
    ``results.json`` (the key numbers) and ``run.json`` (all parameters, versions, wall time) to ``out_dir``.
    """
    import papermill as pm

    from cocoonlib.book.chapters.results import extract

    ch = get_chapter(chapter)
    full = validate(values, ch.parameters)  # raises before any work
    out_dir = Path(out_dir).resolve()  # papermill changes the folder while it starts the kernel
    check_saved_fit(full, out_dir)  # chi0_source / transport_source = "fit" need chapter 2's file in out_dir
    from cocoonlib.book.params.from_params import check_sources  # imports the physics: after the cheap checks

    with paths.outputs_in(out_dir):
        check_sources(full)  # source_normalisation = "sea" needs a B/C fit that converges
    out_dir.mkdir(parents=True, exist_ok=True)
    executed = out_dir / ch.notebook
    t0 = time.perf_counter()
    try:
        pm.execute_notebook(
            str(ch.path),
            str(executed),
            parameters=values,
            kernel_name="python3",
            cwd=str(out_dir),
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
            request_save_on_cell_execute=False,  # written once at the end (and on a cell error): not after every cell
            kernel_manager_class=kernel_manager_with_env(
                {"COCOON_OUTPUT_DIR": str(out_dir.resolve()), paths.ROOT_ENV: str(paths.require_root())},
                stderr_path=out_dir / KERNEL_LOG,
            ),
        )
    except Exception as err:  # papermill wraps the cell error
        raise RunError(f"chapter {chapter!r} failed: {_first_line(err)} (executed notebook: {executed})") from err
    wall = time.perf_counter() - t0
    results = extract(executed)
    _write_run(out_dir, chapter, full, values, results, wall, path="notebook", notebook=str(executed))
    return results


def _write_run(out_dir: Path, chapter: str, full: dict, values: dict, results: dict, wall: float, **extra) -> None:
    """``results.json`` (the key numbers) and ``run.json`` (parameters, versions, wall time, ``extra``)."""
    (out_dir / "results.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    record = {
        "chapter": chapter,
        "parameters": full,
        "user_parameters": values,
        "cocoonlib": __version__,
        "wall_time_s": round(wall, 4),
        **extra,
    }
    (out_dir / "run.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")


#: the workspace of :func:`run_chapter_fast` in this process (each worker process of a scan has its own)
WORKSPACE = None


def run_chapter_fast(chapter: str, values: dict, out_dir: Path, workspace=None) -> dict:
    """The key numbers of ``chapter`` with ``values`` (already parsed), computed in this process by
    :func:`cocoonlib.book.chapters.keys.key_numbers` through ``workspace`` (default: this process's :data:`WORKSPACE`); the
    same files as :func:`run_chapter` in ``out_dir`` except the executed notebook (chapter 2 writes its
    ``bc_fit.json`` there, as its key-number cell does).

    Raises ParameterError before any work if a value is invalid, RunError (one line) if a computation fails.
    """
    from cocoonlib.book.chapters import keys
    from cocoonlib.book.chapters.results import clean
    from cocoonlib.book.params import saved_fit

    global WORKSPACE
    ch = get_chapter(chapter)
    full = validate(values, ch.parameters)  # raises before any work
    check_saved_fit(full, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if workspace is None:
        WORKSPACE = WORKSPACE or keys.Workspace()
        workspace = WORKSPACE
    t0 = time.perf_counter()
    with paths.outputs_in(out_dir):
        ctx = workspace.context(ch.name, full)
        _ = ctx.P  # the sources resolved (source_normalisation): a ParameterError here, before any key number
    try:
        # a chapter reading or writing chapter 2's fit uses out_dir, as its kernel would
        with paths.outputs_in(out_dir):
            results = clean(keys.key_numbers(ch.name, full, ctx))
            if ch.name == "bc":
                saved_fit.save_fit(ctx["fit"])
    except Exception as err:
        raise RunError(f"chapter {chapter!r} failed: {type(err).__name__}: {_first_line(err)}") from err
    _write_run(out_dir, chapter, full, values, results, time.perf_counter() - t0, path="fast")
    return results
