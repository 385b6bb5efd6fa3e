"""Parameter scans: one chapter run per point of a grid, in parallel, collected into one table.

    cocoon scan CHAPTER --grid NAME=V1,V2,... [--grid ...] [-p NAME VALUE ...] -o DIR [-j N]
                [--path fast|notebook] [--executor local|dask [--scheduler ADDRESS]]

Two paths give the same key numbers (:mod:`cocoonlib.book.cli.runner`): ``fast`` (the default) computes them in the
worker's process with :func:`cocoonlib.book.chapters.keys.key_numbers`, the function the chapter's key-number cell calls,
reusing between points everything the scanned parameters do not change (production matrices, gas columns, the
sea, data, fits); ``notebook`` executes the chapter's notebook per point with papermill (figures and prose
included). Two executors run the points: ``local`` (worker processes on this machine, ``-j``; one runs in this
process) and ``dask`` (:mod:`dask.distributed`: a ``LocalCluster`` of ``-j`` workers, or the cluster of the
scheduler at ``--scheduler``), with the same outputs and the same handling of failures, retries, interruption and
``--resume``.

Layout of DIR (the files on disk are the record; nothing is kept only in memory):

``points/NNNN/``
    ``results.json`` and ``run.json`` of point NNNN (as ``cocoon run``; ``run.json`` names the path), the executed
    notebook and ``kernel.log`` on the notebook path, chapter 2's ``bc_fit.json``, and ``point.json``: the
    point's parameter texts, its results or its one-line error.
``scan.csv``
    one row per successful point: the scanned parameters, then the chapter's result keys. Written
    only when every point has been attempted, to a temporary name first and then renamed, so a file
    of this name is always complete. A scan that is interrupted leaves ``scan.incomplete.csv``.
``failures.csv``
    the points that failed, with their parameters and error (only if some failed).
``scan.json``
    what was asked (chapter, grid, fixed parameters, path, executor), counts, wall time, and ``complete``.
``scan.png``, ``scan.pdf``
    each result key against the first scanned parameter, one line per combination of the others.

Every value of the grid is checked before any point runs (one line, exit status 2); a point whose combination of
values is not allowed (e.g. ism_composition = 'H+He' with production_model = 'kelner') fails alone. The same
points run anywhere: :func:`run_point` does one point and :func:`collect` assembles a directory of points, so a
batch array job (``--only I``, then ``--collect``) needs no change of code either; see the README.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cocoonlib.book.chapters import get_chapter
from cocoonlib.book.params import PARAMETERS, ParameterError, parse_cli_value

__all__ = [
    "ScanSpec",
    "parse_grid",
    "run_point",
    "collect",
    "run_scan",
    "plot_scan",
    "local_dask_client",
    "close_dask",
    "environment_kept",
    "PATHS",
    "EXECUTORS",
]

#: how a point is computed: in the process by cocoonlib.book.chapters.keys (fast) or by executing the notebook
PATHS = ("fast", "notebook")
#: what runs the points: processes on this machine, or dask.distributed
EXECUTORS = ("local", "dask")
#: how long ``--scheduler ADDRESS`` may take to answer before the scan stops (exit status 2) [s]
SCHEDULER_TIMEOUT_S = 5
#: the most fast-path points one Dask task runs: Dask's own cost a task (about 10 ms with the scheduler on the same
#: two cores) is then small against the points' (about 15 ms each), and every worker still gets several tasks
DASK_BATCH_MAX = 10

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
    windows). Names, every value and the fixed values are checked here (ParameterError, one line, before any
    work); what only a combination of values can break is checked per point when it runs, so such a
    combination fails its points and not the scan."""
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
        for v in grid[name]:
            parse_cli_value(name, v)  # an invalid value is wrong for every point that has it: stop before any work
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

    from cocoonlib.book.cli.runner import RunError

    cause = err.__cause__
    return (
        isinstance(err, RunError)
        and cause is not None
        and not isinstance(cause, (PapermillExecutionError, CellTimeoutError))
    )


def _point_dir(out_dir: Path, index: int) -> Path:
    return Path(out_dir) / "points" / f"{index:04d}"


def run_point(
    chapter: str,
    index: int,
    texts: dict,
    out_dir: str | Path,
    fixed: dict | None = None,
    timeout: int = 1800,
    path: str = "fast",
) -> dict:
    """Run one point (parameter texts as on the command line) into ``out_dir/points/NNNN`` by ``path`` (one of
    :data:`PATHS`); return and write its record ``{"index", "parameters", "results" | None, "error" | None,
    "wall_time_s"}``. Never raises for a bad value or a failing chapter: the error is the record's. On the
    notebook path a point whose kernel failed (not a cell) is run again up to :data:`KERNEL_RETRIES` times;
    ``"retried_after"`` lists why. ``timeout`` (per cell) applies to the notebook path."""
    from cocoonlib.book.cli import runner
    from cocoonlib.book.cli.runner import RunError

    if path not in PATHS:
        raise ValueError(f"path = {path!r} is not allowed: expected one of {', '.join(PATHS)}")
    t0 = time.perf_counter()
    where = _point_dir(Path(out_dir), index)
    where.mkdir(parents=True, exist_ok=True)
    record = {"index": index, "parameters": dict(texts), "results": None, "error": None}
    for attempt in range(1 + KERNEL_RETRIES):
        try:
            values = {n: parse_cli_value(n, t) for n, t in {**(fixed or {}), **texts}.items()}
            if path == "fast":
                record["results"] = runner.run_chapter_fast(chapter, values, where)
            else:
                record["results"] = runner.run_chapter(chapter, values, where, timeout=timeout)
            record["error"] = None
            break
        except (ParameterError, RunError, ValueError) as err:
            record["error"] = str(err).splitlines()[0] if str(err) else type(err).__name__
            if attempt == KERNEL_RETRIES or not _kernel_failure(err):
                break
            record.setdefault("retried_after", []).append(record["error"])
    record["wall_time_s"] = round(time.perf_counter() - t0, 4)
    _write_record(where, record)
    return record


def _write_record(where: Path, record: dict) -> None:
    where.mkdir(parents=True, exist_ok=True)
    tmp = where / "point.json.tmp"
    tmp.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, where / "point.json")


def _lost_point(out_dir: Path, index: int, texts: dict, err: BaseException) -> dict:
    """The record of a point whose worker failed (a process that died, a Dask task lost for good): written here,
    so that the point counts as failed, not missing."""
    text = str(err).strip().splitlines()
    record = {
        "index": index,
        "parameters": dict(texts),
        "results": None,
        "error": f"the worker running the point failed: {type(err).__name__}" + (f": {text[0]}" if text else ""),
        "wall_time_s": 0.0,
    }
    _write_record(_point_dir(out_dir, index), record)
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
    path: str = "fast",
    executor: str = "local",
    scheduler: str | None = None,
) -> dict:
    """Run every point of ``spec`` by ``path`` (:data:`PATHS`) with ``executor`` (:data:`EXECUTORS`), then
    :func:`collect`. ``local``: ``workers`` processes (default the number of cores; 1 runs in this process);
    ``dask``: a ``LocalCluster`` of ``workers`` processes, or the cluster of ``scheduler`` (checked before any
    work: ParameterError if it does not answer within :data:`SCHEDULER_TIMEOUT_S`). With ``resume`` a point whose
    point.json exists with the same parameters and no error is not run again. A point whose worker failed is
    recorded as failed. On KeyboardInterrupt the points still running are abandoned, scan.json says
    ``complete: false``, and the exception is re-raised."""
    for name, value, allowed in (("path", path, PATHS), ("executor", executor, EXECUTORS)):
        if value not in allowed:
            raise ParameterError(f"--{name} {value!r} is not allowed: expected one of {', '.join(allowed)}")
    if scheduler is not None and executor != "dask":
        raise ParameterError("--scheduler is not allowed without --executor dask")
    out_dir = Path(out_dir).resolve()
    workers = workers or os.cpu_count() or 1
    with environment_kept():
        client = (
            _dask_client(scheduler, workers) if executor == "dask" else None
        )  # an unreachable scheduler: before any work
        try:
            return _run_scan(spec, out_dir, workers, progress, resume, plot, timeout, keys, x, path, executor, client)
        finally:
            if client is not None:
                close_dask(client)


def _run_scan(spec, out_dir, workers, progress, resume, plot, timeout, keys, x, path, executor, client) -> dict:
    """Run the points not done yet, report each, and collect the table; on KeyboardInterrupt collect what there is,
    record the scan as interrupted and re-raise."""
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_tables(out_dir)
    todo = _points_to_run(spec, out_dir, resume)
    meta = {
        **spec.to_json(),
        "n_points": len(spec.points),
        "path": path,
        "executor": executor,
        "workers": _worker_count(client) if client is not None else workers,
        "complete": False,
    }
    if client is not None:
        meta["scheduler"] = client.scheduler.address
    _write_json(out_dir / "scan.json", meta)
    t0 = time.perf_counter()
    bar = _progress_bar(len(todo), f"cocoon scan {spec.chapter}", progress)
    records = _records(spec, todo, out_dir, workers, timeout, path, client)
    try:
        for rec in records:
            _report(rec, bar)
    except KeyboardInterrupt:
        records.close()  # the executor abandons the points still running
        bar.close()
        summary = collect(spec, out_dir, plot=False)
        wall = round(time.perf_counter() - t0, 2)
        _write_json(
            out_dir / "scan.json",
            {**meta, **_counts(summary), "complete": False, "interrupted": True, "wall_time_s": wall},
        )
        raise
    bar.close()
    summary = collect(spec, out_dir, plot=plot, keys=keys, x=x)
    wall = round(time.perf_counter() - t0, 2)
    _write_json(
        out_dir / "scan.json", {**meta, **_counts(summary), "complete": summary["complete"], "wall_time_s": wall}
    )
    return summary


def _points_to_run(spec, out_dir: Path, resume: bool) -> list:
    """(index, parameter texts) of the points to run: all, or with ``resume`` those without a successful point.json
    for the same parameters (a stale point.json is removed)."""
    todo = []
    for i, texts in enumerate(spec.points):
        f = _point_dir(out_dir, i) / "point.json"
        if resume and f.is_file():
            rec = json.loads(f.read_text())
            if rec.get("parameters") == texts and rec.get("error") is None:
                continue
        f.unlink(missing_ok=True)
        todo.append((i, texts))
    return todo


def _records(spec, todo, out_dir: Path, workers: int, timeout, path: str, client):
    """The points' records as they finish: on the Dask ``client``, in worker processes, or one after another here."""
    args = (spec.chapter, spec.fixed, timeout, path)
    if client is not None:
        return _dask_records(client, todo, out_dir, args)
    if workers == 1 or len(todo) <= 1:
        return (run_point(spec.chapter, i, texts, out_dir, spec.fixed, timeout, path) for i, texts in todo)
    return _process_records(min(workers, len(todo)), todo, out_dir, args)


def _process_records(workers: int, todo, out_dir: Path, args):
    """The records of the points ``todo`` run by ``workers`` fresh processes, as they complete."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    chapter, fixed, timeout, path = args
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"))
    try:
        futures = {
            pool.submit(run_point, chapter, i, texts, out_dir, fixed, timeout, path): (i, texts) for i, texts in todo
        }
        for fut in as_completed(futures):
            yield _record_of(fut, futures[fut], out_dir)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _record_of(fut, point, out_dir: Path) -> dict:
    """The record a finished future returned, or that of a lost point if its worker failed."""
    try:
        return fut.result()
    except Exception as err:  # a worker process that died, a task Dask gave up on: the point failed, the scan goes on
        return _lost_point(out_dir, *point, err)


# --- Dask --------------------------------------------------------------------------------------------------
def _dask_client(scheduler: str | None, workers: int):
    """A dask.distributed Client: of the scheduler at ``scheduler`` (ParameterError, one line, if none answers within
    :data:`SCHEDULER_TIMEOUT_S`), or of a new LocalCluster of ``workers`` single-threaded worker processes."""
    import logging

    try:
        from dask.distributed import Client
    except ImportError:  # pragma: no cover - both are in requirements.txt
        raise ParameterError(
            "--executor dask needs the packages dask and distributed: pip install -r requirements.txt"
        ) from None
    if scheduler is not None:
        quiet = logging.getLogger("distributed")
        level = quiet.level
        quiet.setLevel(logging.CRITICAL)  # the one line below says what went wrong
        try:
            return Client(scheduler, timeout=SCHEDULER_TIMEOUT_S)
        except Exception as err:
            raise ParameterError(
                f"--scheduler {scheduler!r} is not allowed: expected the address of a Dask scheduler that answers "
                f"within {SCHEDULER_TIMEOUT_S} s, e.g. tcp://host:8786 ({type(err).__name__}: "
                f"{str(err).splitlines()[0] if str(err) else 'no answer'})"
            ) from None
        finally:
            quiet.setLevel(level)
    return local_dask_client(workers)


def local_dask_client(workers: int):
    """A Client of a new LocalCluster of ``workers`` single-threaded worker processes on this machine (no dashboard,
    only errors logged). Starting it changes this process's environment (see :func:`environment_kept`)."""
    import logging

    from dask.distributed import Client, LocalCluster

    with warnings.catch_warnings():
        # without a dashboard the scheduler still serves its health routes, on port 8787 if free and on another
        # port (with a warning across the progress bar) if another cluster on this machine holds it
        warnings.filterwarnings("ignore", message=r"Port \d+ is already in use", category=UserWarning)
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,  # a point at a time per worker process, as the local executor
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,  # no log lines across the progress bar
        )
    return Client(cluster)


@contextlib.contextmanager
def environment_kept():
    """This process's environment variables as they were on entry, restored on exit. Starting a LocalCluster sets
    OMP_NUM_THREADS, MKL_NUM_THREADS and OPENBLAS_NUM_THREADS to 1 (and MALLOC_TRIM_THRESHOLD_, PYTHONHASHSEED) in
    the environment of the process that starts it, for its workers; without this, every process started later by
    the caller (a Jupyter kernel, a chapter's build) would run its linear algebra on one thread."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _worker_count(client) -> int:
    return len(client.scheduler_info().get("workers", {}))


def close_dask(client) -> None:
    """Close ``client`` and, if it made one, its cluster."""
    cluster = client.cluster
    client.close()
    if cluster is not None:
        cluster.close()


def _dask_records(client, todo, out_dir: Path, args):
    """The records of the points ``todo`` submitted to the Dask cluster of ``client``, as their futures complete.
    A record that the workers could not write to ``out_dir`` (a cluster without that folder) is written here."""
    import uuid

    from dask.distributed import as_completed

    chapter, fixed, timeout, path = args
    tag = uuid.uuid4().hex[:8]
    size = _batch_size(len(todo), _worker_count(client) or 1, path)
    batches = [todo[k : k + size] for k in range(0, len(todo), size)]
    futures = {
        client.submit(
            run_points,
            chapter,
            batch,
            str(out_dir),
            fixed,
            timeout,
            path,
            key=f"cocoon-points-{tag}-{batch[0][0]:04d}",
            pure=False,
        ): batch
        for batch in batches
    }
    try:
        for fut in as_completed(futures):
            for rec in _records_of(fut, futures[fut], out_dir):
                if not (_point_dir(out_dir, rec["index"]) / "point.json").is_file():
                    _write_record(_point_dir(out_dir, rec["index"]), rec)
                yield rec
    finally:
        client.cancel(list(futures))


def _batch_size(n_points: int, n_workers: int, path: str) -> int:
    """Points a Dask task runs: one on the notebook path (seconds each); on the fast path up to
    :data:`DASK_BATCH_MAX`, and at most a quarter of a worker's share, so that the work stays balanced."""
    if path != "fast":
        return 1
    return max(1, min(DASK_BATCH_MAX, n_points // (4 * n_workers)))


def run_points(chapter: str, batch: list, out_dir, fixed, timeout: int, path: str) -> list[dict]:
    """:func:`run_point` for each ``(index, texts)`` of ``batch``, in order (one Dask task)."""
    return [run_point(chapter, i, texts, out_dir, fixed, timeout, path) for i, texts in batch]


def _records_of(fut, batch, out_dir: Path) -> list[dict]:
    """The records a finished batch returned, or those of lost points if its worker failed."""
    try:
        return fut.result()
    except Exception as err:  # a worker that died, a task Dask gave up on: its points failed, the scan goes on
        return [_lost_point(out_dir, i, texts, err) for i, texts in batch]


def _progress_bar(total: int, desc: str, enabled: bool):
    """tqdm on a terminal (one line, redrawn in place); on anything else no bar, only the messages."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="point", file=sys.stderr, disable=not (enabled and sys.stderr.isatty()))


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
