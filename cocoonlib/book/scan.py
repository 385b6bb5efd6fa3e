"""Parameter scans: one chapter run per point of a grid, in parallel, collected into one table.

    cocoon scan CHAPTER --grid NAME=V1,V2,... [--grid ...] [-p NAME VALUE ...] -o DIR [-j N]

Layout of DIR (the files on disk are the record; nothing is kept only in memory):

``points/NNNN/``
    the executed notebook, ``results.json`` and ``run.json`` of point NNNN (as ``cocoon run``), and
    ``point.json``: the point's parameter texts, its results or its one-line error.
``scan.csv``
    one row per successful point: the scanned parameters, then the chapter's result keys. Written
    only when every point has been attempted, to a temporary name first and then renamed, so a file
    of this name is always complete. A scan that is interrupted leaves ``scan.incomplete.csv``.
``failures.csv``
    the points that failed, with their parameters and error (only if some failed).
``scan.json``
    what was asked (chapter, grid, fixed parameters), counts, wall time, and ``complete``.
``scan.png``, ``scan.pdf``
    each result key against the first scanned parameter, one line per combination of the others.

The same points run anywhere: :func:`run_point` does one point and :func:`collect` assembles a
directory of points, so a batch array job (``--only I``, then ``--collect``) or a Dask cluster
(``client.map(run_point, ...)``) needs no change of code; see the README.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cocoonlib.book.chapters import get_chapter
from cocoonlib.book.params import PARAMETERS, ParameterError, parse_cli_value

__all__ = ["ScanSpec", "parse_grid", "run_point", "collect", "run_scan", "plot_scan"]

_LIST_KINDS = ("window", "floats")  # values that contain commas are separated by ';' on the command line


@dataclass(frozen=True)
class ScanSpec:
    """A chapter, its grid (name -> list of value texts, in order) and fixed parameter texts."""

    chapter: str
    grid: dict
    fixed: dict

    @property
    def points(self) -> list[dict]:
        """Every combination of the grid, the last parameter varying fastest."""
        names = list(self.grid)
        return [dict(zip(names, combo)) for combo in itertools.product(*(self.grid[n] for n in names))]

    def plot_axes(self, keys=None, x: str | None = None) -> tuple[list, str]:
        """(result keys, x parameter) of the summary figure: all keys and the first scanned parameter by
        default; ParameterError (one line) for a key the chapter does not report or an x that is not scanned."""
        results = get_chapter(self.chapter).results
        for k in keys or []:
            if k not in results:
                raise ParameterError(
                    f"--plot {k!r} is not allowed: expected a result key of {self.chapter!r}, "
                    f"one of {', '.join(results)}"
                )
        if x is not None and x not in self.grid:
            raise ParameterError(
                f"--x {x!r} is not allowed: expected a scanned parameter, one of {', '.join(self.grid)}"
            )
        return list(keys or results), x or next(iter(self.grid))

    def to_json(self) -> dict:
        return {"chapter": self.chapter, "grid": self.grid, "fixed": self.fixed}


def parse_grid(chapter: str, specs: list[str], fixed: list[tuple[str, str]] | None = None) -> ScanSpec:
    """A :class:`ScanSpec` from ``NAME=V1,V2,...`` texts (``;`` between values of list parameters such as
    windows). The names are checked here (ParameterError, before any work); the *values* are checked
    per point when it runs, so one invalid value fails its points and not the scan."""
    ch = get_chapter(chapter)
    grid: dict[str, list[str]] = {}
    for spec in specs:
        name, sep, values = spec.partition("=")
        name = name.strip()
        if not sep or not values.strip():
            raise ParameterError(f"--grid {spec!r} is not allowed: expected NAME=V1,V2,... (e.g. R0=10,20,50)")
        if name not in ch.parameters:
            raise ParameterError(
                f"unknown parameter {name!r} for chapter {ch.name!r}: allowed are {', '.join(ch.parameters)}"
            )
        if name in grid:
            raise ParameterError(f"--grid {name} is given twice: give all its values in one --grid")
        sep_v = ";" if PARAMETERS[name].kind in _LIST_KINDS else ","
        grid[name] = [v.strip() for v in values.split(sep_v) if v.strip()]
    if not grid:
        raise ParameterError("a scan needs at least one --grid NAME=V1,V2,...")
    fixed_texts = {}
    for name, text in fixed or []:
        if name not in ch.parameters:
            raise ParameterError(
                f"unknown parameter {name!r} for chapter {ch.name!r}: allowed are {', '.join(ch.parameters)}"
            )
        if name in grid:
            raise ParameterError(f"{name!r} is both scanned (--grid) and fixed (-p): choose one")
        parse_cli_value(name, text)  # a fixed value is wrong for every point: stop before any work
        fixed_texts[name] = text
    return ScanSpec(ch.name, grid, fixed_texts)


KERNEL_RETRIES = 1
"""How often a point is run again when its kernel died or did not start (not when a cell raised): a
kernel can fail to start on a loaded machine, which says nothing about the point. Assumed: one retry."""


def _kernel_failure(err: BaseException) -> bool:
    """True if ``err`` came from the kernel (died, did not start in time), not from a cell of the chapter."""
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    from cocoonlib.book.runner import RunError

    cause = err.__cause__
    return (
        isinstance(err, RunError)
        and cause is not None
        and not isinstance(cause, (PapermillExecutionError, CellTimeoutError))
    )


def _point_dir(out_dir: Path, index: int) -> Path:
    return Path(out_dir) / "points" / f"{index:04d}"


def run_point(
    chapter: str, index: int, texts: dict, out_dir: str | Path, fixed: dict | None = None, timeout: int = 1800
) -> dict:
    """Run one point (parameter texts as on the command line) into ``out_dir/points/NNNN``; return and
    write its record ``{"index", "parameters", "results" | None, "error" | None, "wall_time_s"}``.
    Never raises for a bad value or a failing notebook: the error is the record's. A point whose kernel
    failed (not a cell) is run again up to :data:`KERNEL_RETRIES` times; ``"retried_after"`` lists why."""
    from cocoonlib.book import runner
    from cocoonlib.book.runner import RunError

    t0 = time.perf_counter()
    where = _point_dir(Path(out_dir), index)
    where.mkdir(parents=True, exist_ok=True)
    record = {"index": index, "parameters": dict(texts), "results": None, "error": None}
    for attempt in range(1 + KERNEL_RETRIES):
        try:
            values = {n: parse_cli_value(n, t) for n, t in {**(fixed or {}), **texts}.items()}
            record["results"], record["error"] = runner.run_chapter(chapter, values, where, timeout=timeout), None
            break
        except (ParameterError, RunError, ValueError) as err:
            record["error"] = str(err).splitlines()[0] if str(err) else type(err).__name__
            if attempt == KERNEL_RETRIES or not _kernel_failure(err):
                break
            record.setdefault("retried_after", []).append(record["error"])
    record["wall_time_s"] = round(time.perf_counter() - t0, 2)
    tmp = where / "point.json.tmp"
    tmp.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, where / "point.json")
    return record


def _write_atomic_csv(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    df.to_csv(tmp, index=False)
    os.replace(tmp, path)


def collect(spec: ScanSpec, out_dir: str | Path, plot: bool = True, keys=None, x: str | None = None) -> dict:
    """Assemble ``out_dir/points/*/point.json`` into scan.csv (if every point is there) or
    scan.incomplete.csv, failures.csv and the summary figure; returns counts
    ``{"n_points", "n_ok", "n_failed", "n_missing", "complete"}``."""
    out_dir = Path(out_dir)
    ch = get_chapter(spec.chapter)
    points = spec.points
    rows, failures, missing = [], [], []
    for i, texts in enumerate(points):
        f = _point_dir(out_dir, i) / "point.json"
        rec = json.loads(f.read_text()) if f.is_file() else None
        if rec is None or rec.get("parameters") != texts:
            missing.append(i)
            continue
        if rec["error"] is not None:
            failures.append({"point": i, **texts, "error": rec["error"]})
            continue
        values = {n: parse_cli_value(n, t) for n, t in texts.items()}
        rows.append(
            {
                "point": i,
                **{n: _cell(v) for n, v in values.items()},
                **{k: rec["results"][k] for k in ch.results},
                "wall_time_s": rec["wall_time_s"],
            }
        )
    table = pd.DataFrame(rows, columns=["point", *spec.grid, *ch.results, "wall_time_s"])
    complete = not missing
    _remove_tables(out_dir)
    _write_atomic_csv(table, out_dir / ("scan.csv" if complete else "scan.incomplete.csv"))
    if failures:
        _write_atomic_csv(pd.DataFrame(failures), out_dir / "failures.csv")
    if plot and len(table):
        plot_scan(table, spec, out_dir, keys, x)
    return {
        "n_points": len(points),
        "n_ok": len(rows),
        "n_failed": len(failures),
        "n_missing": len(missing),
        "complete": complete,
        "failures": failures,
    }


def _remove_tables(out_dir: Path) -> None:
    """Remove the tables of an earlier scan, so none can pass for the current one."""
    for name in ("scan.csv", "scan.incomplete.csv", "failures.csv"):
        (out_dir / name).unlink(missing_ok=True)


def _cell(v):
    return ",".join(f"{x:g}" for x in v) if isinstance(v, list) else v


def run_scan(
    spec: ScanSpec,
    out_dir: str | Path,
    workers: int | None = None,
    progress: bool = True,
    resume: bool = False,
    plot: bool = True,
    timeout: int = 1800,
    keys=None,
    x: str | None = None,
) -> dict:
    """Run every point of ``spec`` (``workers`` processes, default the number of cores; 1 runs in this
    process), then :func:`collect`. With ``resume`` a point whose point.json exists with the same
    parameters and no error is not run again. On KeyboardInterrupt the points still running are
    abandoned, scan.json says ``complete: false``, and the exception is re-raised."""
    from tqdm.auto import tqdm

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_tables(out_dir)
    workers = workers or os.cpu_count() or 1
    todo = []
    for i, texts in enumerate(spec.points):
        f = _point_dir(out_dir, i) / "point.json"
        if resume and f.is_file():
            rec = json.loads(f.read_text())
            if rec.get("parameters") == texts and rec.get("error") is None:
                continue
        f.unlink(missing_ok=True)
        todo.append((i, texts))
    meta = {**spec.to_json(), "n_points": len(spec.points), "workers": workers, "complete": False}
    _write_json(out_dir / "scan.json", meta)
    t0 = time.perf_counter()
    bar = tqdm(total=len(todo), desc=f"cocoon scan {spec.chapter}", unit="point", file=sys.stderr, disable=not progress)
    try:
        if workers == 1 or len(todo) <= 1:
            for i, texts in todo:
                _report(run_point(spec.chapter, i, texts, out_dir, spec.fixed, timeout), bar)
        else:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor, as_completed

            with ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=mp.get_context("spawn")) as pool:
                futures = [
                    pool.submit(run_point, spec.chapter, i, texts, out_dir, spec.fixed, timeout) for i, texts in todo
                ]
                try:
                    for fut in as_completed(futures):
                        _report(fut.result(), bar)
                except BaseException:
                    pool.shutdown(wait=False, cancel_futures=True)
                    raise
    except KeyboardInterrupt:
        bar.close()
        summary = collect(spec, out_dir, plot=False)
        _write_json(
            out_dir / "scan.json",
            {
                **meta,
                **_counts(summary),
                "complete": False,
                "interrupted": True,
                "wall_time_s": round(time.perf_counter() - t0, 2),
            },
        )
        raise
    bar.close()
    summary = collect(spec, out_dir, plot=plot, keys=keys, x=x)
    _write_json(
        out_dir / "scan.json",
        {
            **meta,
            **_counts(summary),
            "complete": summary["complete"],
            "wall_time_s": round(time.perf_counter() - t0, 2),
        },
    )
    return summary


def _report(rec: dict, bar) -> None:
    for error in rec.get("retried_after", []):
        bar.write(f"point {rec['index']}: the kernel failed ({error}); ran the point again", file=sys.stderr)
    if rec["error"] is not None:
        bar.write(
            f"point {rec['index']} failed ({', '.join(f'{k}={v}' for k, v in rec['parameters'].items())}): "
            f"{rec['error']}",
            file=sys.stderr,
        )
    bar.update(1)


def _counts(summary: dict) -> dict:
    return {k: summary[k] for k in ("n_ok", "n_failed", "n_missing")}


def _write_json(path: Path, obj: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)


def plot_scan(table: pd.DataFrame, spec: ScanSpec, out_dir: str | Path | None = None, keys=None, x: str | None = None):
    """Each result key against the scanned parameter ``x`` (default: the first), one line per combination of
    the other scanned parameters; saved as out_dir/scan.png and .pdf if out_dir is given. Returns the figure."""
    import matplotlib

    if out_dir is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    keys, x = spec.plot_axes(keys, x)
    others = [n for n in spec.grid if n != x]
    numeric = PARAMETERS[x].kind in ("float", "int")
    ncol = min(3, len(keys))
    nrow = int(np.ceil(len(keys) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.0 * nrow), squeeze=False)
    groups = table.groupby(others, sort=False) if others else [((), table)]
    for ax, key in zip(axes.flat, keys):
        for label, g in groups:
            label = label if isinstance(label, tuple) else (label,)
            xs = g[x].to_numpy() if numeric else np.arange(len(g))
            ax.plot(
                xs, g[key].to_numpy(), "o-", ms=3, label=", ".join(f"{n}={v}" for n, v in zip(others, label)) or None
            )
        if numeric and table[x].min() > 0 and table[x].max() >= 10 * table[x].min():
            ax.set_xscale("log")
        if not numeric:
            ax.set_xticks(np.arange(len(table[x].unique())), table[x].unique(), rotation=30, fontsize=7)
        ax.set_xlabel(f"{x} [{PARAMETERS[x].unit}]" if PARAMETERS[x].unit else x)
        ax.set_title(key, fontsize=8)
    for ax in list(axes.flat)[len(keys) :]:
        ax.set_visible(False)
    if others:
        axes.flat[0].legend(fontsize=6)
    fig.suptitle(f"cocoon scan {spec.chapter}", fontsize=10)
    fig.tight_layout()
    if out_dir is not None:
        for ext in ("png", "pdf"):
            fig.savefig(Path(out_dir) / f"scan.{ext}", dpi=120)
        plt.close(fig)
    return fig
