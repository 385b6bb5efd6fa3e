"""The ``cocoon`` command: list the chapters and rerun one with new parameters.

    cocoon list [CHAPTER]
    cocoon run CHAPTER [-p NAME VALUE ...] -o DIR
    cocoon scan CHAPTER --grid NAME=V1,V2,... [--grid ...] [-p NAME VALUE ...] -o DIR [-j N]
                [--path fast|notebook] [--executor local|dask [--scheduler ADDRESS]]

``run`` validates every parameter before anything is executed, runs the
chapter's notebook with papermill into DIR, and writes DIR/results.json (the
chapter's key numbers) and DIR/run.json (parameters, versions, timing). Files a
chapter writes for other chapters (chapter 2: bc_fit.json) also go to DIR.
Exit status: 0 success, 2 invalid input, 1 the notebook failed (``scan``: at least one point failed
or is missing), 130 interrupted. ``scan`` is described in :mod:`cocoonlib.book.cli.scan`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cocoonlib import __version__
from cocoonlib.book.chapters import CHAPTERS, get_chapter
from cocoonlib.book.cli.runner import RunError, run_chapter
from cocoonlib.book.params import PARAMETERS, ParameterError, parse_cli_value
from cocoonlib.io import paths

__all__ = ["main", "run_chapter"]


def _list(args) -> int:
    names = [args.chapter] if args.chapter else list(CHAPTERS)
    for n in names:
        ch = get_chapter(n)
        print(f"{ch.name}: {ch.title}  ({ch.notebook})")
        width = max(len(p) for p in ch.parameters)
        for p in ch.parameters:
            d = PARAMETERS[p]
            unit = f" {d.unit}" if d.unit else ""
            print(f"  {p:<{width}}  default {d.default!r}{unit}; {d.allowed()}  [{d.tag}]")
        print("  results: " + ", ".join(ch.results))
    return 0


def _run(args) -> int:
    paths.require_root()
    ch = get_chapter(args.chapter)
    values = {}
    for name, text in args.param or []:
        if name not in ch.parameters:
            raise ParameterError(
                f"unknown parameter {name!r} for chapter {ch.name!r}: allowed are {', '.join(ch.parameters)}"
            )
        values[name] = parse_cli_value(name, text)
    results = run_chapter(ch.name, values, Path(args.output), timeout=args.timeout)
    print(json.dumps(results, indent=2, sort_keys=True))
    print(f"wrote {Path(args.output) / 'results.json'}", file=sys.stderr)
    return 0


def _scan(args) -> int:
    paths.require_root()
    from cocoonlib.book.cli import scan

    spec = scan.parse_grid(args.chapter, args.grid, args.param)  # names, grid and fixed values checked before any work
    spec.plot_axes(args.plot, args.x)  # --plot keys and --x checked before any work
    out = Path(args.output)
    if args.scheduler is not None and args.executor != "dask":
        raise ParameterError("--scheduler is not allowed without --executor dask")
    if args.executor == "dask" and (args.only is not None or args.collect):
        raise ParameterError("--executor dask is not allowed with --only or --collect: they run no scan")
    if args.scheduler is not None and args.jobs is not None:
        raise ParameterError("--jobs is not allowed with --scheduler: the cluster has its own workers")
    if args.only is not None:
        n = len(spec.points)
        if not 0 <= args.only < n:
            raise ParameterError(f"--only {args.only} is not allowed: expected a point index in [0, {n - 1}]")
        rec = scan.run_point(spec.chapter, args.only, spec.points[args.only], out, spec.fixed, args.timeout, args.path)
        print(json.dumps(rec, indent=2, sort_keys=True))
        return 0 if rec["error"] is None else 1
    if args.collect:
        summary = scan.collect(spec, out, keys=args.plot, x=args.x)
    else:
        if args.jobs is not None and args.jobs < 1:
            raise ParameterError(f"--jobs {args.jobs} is not allowed: expected a positive integer")
        summary = scan.run_scan(
            spec,
            out,
            workers=args.jobs,
            progress=not args.quiet,
            resume=args.resume,
            timeout=args.timeout,
            keys=args.plot,
            x=args.x,
            path=args.path,
            executor=args.executor,
            scheduler=args.scheduler,
        )
    for f in summary["failures"]:
        params = ", ".join(f"{k}={v}" for k, v in f.items() if k not in ("point", "error"))
        print(f"cocoon: point {f['point']} failed ({params}): {f['error']}", file=sys.stderr)
    table = "scan.csv" if summary["complete"] else "scan.incomplete.csv"
    print(
        f"{summary['n_ok']} of {summary['n_points']} points succeeded, {summary['n_failed']} failed, "
        f"{summary['n_missing']} missing; wrote {out / table}",
        file=sys.stderr,
    )
    return 0 if summary["n_ok"] == summary["n_points"] else 1


def build_parser() -> argparse.ArgumentParser:
    """The ``cocoon`` command and its three subcommands (list, run, scan)."""
    parser = argparse.ArgumentParser(prog="cocoon", description="Rerun the chapters of the cocoon book.")
    parser.add_argument("--version", action="version", version=f"cocoonlib {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p_list = sub.add_parser("list", help="chapters with their parameters, defaults and allowed values")
    p_list.add_argument("chapter", nargs="?", choices=list(CHAPTERS))
    p_list.set_defaults(func=_list)
    _add_run_parser(sub)
    _add_scan_parser(sub)
    return parser


def _add_run_parser(sub) -> None:
    p_run = sub.add_parser("run", help="execute a chapter with papermill and write DIR/results.json")
    p_run.add_argument("chapter", choices=list(CHAPTERS))
    p_run.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="set a parameter (repeatable); windows as l_min,l_max,b_min,b_max",
    )
    p_run.add_argument("-o", "--output", required=True, metavar="DIR", help="output directory")
    p_run.add_argument("--timeout", type=int, default=1800, help="per-cell timeout in seconds (default 1800)")
    p_run.set_defaults(func=_run)


def _add_scan_parser(sub) -> None:
    p_scan = sub.add_parser("scan", help="run a chapter on a grid of parameters (in parallel) and write DIR/scan.csv")
    p_scan.add_argument("chapter", choices=list(CHAPTERS))
    p_scan.add_argument(
        "--grid",
        action="append",
        required=True,
        metavar="NAME=V1,V2,...",
        help="a scanned parameter and its values (repeatable; the grid is the product); "
        "values of list parameters (windows, R0_grid) are separated by ';'",
    )
    p_scan.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="a parameter fixed for every point (repeatable)",
    )
    p_scan.add_argument("-o", "--output", required=True, metavar="DIR", help="output directory")
    _add_scan_execution(p_scan)
    _add_scan_output(p_scan)
    p_scan.set_defaults(func=_scan)


def _add_scan_execution(p_scan) -> None:
    """How a scan runs: workers, path, executor, scheduler."""
    p_scan.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        help="worker processes, of this machine or of the Dask LocalCluster (default: the number of cores; 1 with "
        "--executor local runs the points one after another in this process)",
    )
    p_scan.add_argument(
        "--path",
        choices=("fast", "notebook"),
        default="fast",
        help="fast (default): the key numbers computed in the worker, reusing what the scanned parameters do not "
        "change; notebook: each point executes the chapter's notebook (figures and prose in points/NNNN/)",
    )
    p_scan.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="local (default): worker processes of this machine; dask: dask.distributed (a LocalCluster of -j "
        "workers, or the cluster of --scheduler)",
    )
    p_scan.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="address of a running Dask scheduler (e.g. tcp://host:8786; with --executor dask); it must answer "
        "within 5 s",
    )
    p_scan.add_argument(
        "--timeout", type=int, default=1800, help="per-cell timeout in seconds, notebook path (default 1800)"
    )


def _add_scan_output(p_scan) -> None:
    """Which points a scan runs and what it writes: resume, one point, collect, the figure, the progress bar."""
    p_scan.add_argument(
        "--resume", action="store_true", help="keep points of DIR that already succeeded with the same parameters"
    )
    p_scan.add_argument(
        "--only",
        type=int,
        default=None,
        metavar="I",
        help="run point I only (0-based), e.g. as one task of a batch array job",
    )
    p_scan.add_argument(
        "--collect", action="store_true", help="run nothing: assemble the points in DIR into scan.csv and the figure"
    )
    p_scan.add_argument(
        "--plot", action="append", metavar="KEY", help="result key(s) for the summary figure (repeatable; default: all)"
    )
    p_scan.add_argument("--x", metavar="NAME", help="scanned parameter on the x axis (default: the first --grid)")
    p_scan.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def _values_not_options(argv: list[str]) -> list[str]:
    """argparse takes a value such as ``-1e-3`` after ``-p NAME`` for an option (it only knows plain negative
    numbers); a leading space marks it as a value (parse_cli_value strips it)."""
    out = list(argv)
    for i in range(len(out) - 2):
        if out[i] in ("-p", "--param") and out[i + 2].startswith("-"):
            out[i + 2] = " " + out[i + 2]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(_values_not_options(sys.argv[1:] if argv is None else argv))
    try:
        return args.func(args)
    except (ParameterError, ValueError, FileNotFoundError) as err:
        print(f"cocoon: error: {err}", file=sys.stderr)
        return 2
    except RunError as err:
        print(f"cocoon: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("cocoon: interrupted (a scan keeps its finished points and writes no scan.csv)", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
