"""Run one chapter notebook with parameters: what `cocoon run` and `cocoon scan` share.

The chapter is executed by papermill in its own kernel, in the output directory, with ``COCOON_OUTPUT_DIR``
pointing there and ``COCOON_BOOK_ROOT`` at the book's folder (an installed package run elsewhere finds it) (files a chapter writes, such as chapter 2's ``bc_fit.json``, land next to its results). The
variable is given to the kernel's environment only: the calling process's environment is left alone, so that
runs in threads or one after the other cannot see each other's directories.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

from cocoonlib import __version__
from cocoonlib.book.chapters import check_saved_fit, get_chapter
from cocoonlib.book.params import validate
from cocoonlib.io import paths

__all__ = ["RunError", "run_chapter", "kernel_manager_with_env"]


class RunError(RuntimeError):
    """The chapter notebook failed; the message is one line."""


def kernel_manager_with_env(extra_env: dict[str, str]) -> type[AsyncKernelManager]:
    """A kernel manager class whose kernels start with this process's environment plus ``extra_env``."""

    class _KernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw):  # jupyter_client: ``env`` replaces the environment of the kernel
            kw["env"] = {**os.environ, **kw.get("env", {}), **extra_env}
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

    from cocoonlib.book.results import extract

    ch = get_chapter(chapter)
    full = validate(values, ch.parameters)  # raises before any work
    check_saved_fit(full, out_dir)  # chi0_source / transport_source = "fit" need chapter 2's file in out_dir
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
                {"COCOON_OUTPUT_DIR": str(out_dir.resolve()), paths.ROOT_ENV: str(paths.require_root())}
            ),
        )
    except Exception as err:  # papermill wraps the cell error
        raise RunError(f"chapter {chapter!r} failed: {_first_line(err)} (executed notebook: {executed})") from err
    wall = time.perf_counter() - t0
    results = extract(executed)
    (out_dir / "results.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    (out_dir / "run.json").write_text(
        json.dumps(
            {
                "chapter": chapter,
                "parameters": full,
                "user_parameters": values,
                "cocoonlib": __version__,
                "wall_time_s": round(wall, 2),
                "notebook": str(executed),
            },
            indent=2,
            sort_keys=True,
        )
        + "\n"
    )
    return results
