"""The two paths and the two executors of `cocoon scan` (issue 20).

The fast path (key numbers in the process, cocoonlib.book.chapters.keys) and the notebook path (each point an executed
chapter) give the same numbers, on a 2-point grid of every chapter; a scan on a Dask LocalCluster gives the same
scan.csv as the local executor, reports a failing point while the others complete, and --resume reruns only the
points that failed. Bad input (a grid value, a scheduler address) stops before any work: tests/end_to_end/test_cli.py.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cocoonlib.book.chapters import CHAPTERS
from cocoonlib.book.cli import scan

COCOON = str(Path(sys.executable).parent / "cocoon")

#: chapter -> a 2-point grid and fixed parameters (the same for both paths)
GRIDS = {
    "model": (["chi0=0.3,0.5"], []),
    "bc": (["R0=10,40"], []),
    "gamma": (["R0=10,40"], [("chi0", "0.3")]),
    "neutrino": (["chi0=0.3,0.6"], []),
    "r0": (["R0=10,40"], []),
    "delta": (["chi0=0.2,0.5"], []),
    "joint": (["icecube_term=off,on"], []),
}


def test_every_chapter_has_a_grid():
    assert set(GRIDS) == set(CHAPTERS)


@pytest.mark.slow  # every chapter through papermill (~70 s): CI runs it (pytest --slow)
@pytest.mark.parametrize("chapter", list(GRIDS))
def test_fast_and_notebook_paths_agree_on_every_key(tmp_path, mirror, chapter):
    """Both paths on the same two points: the same key numbers, to the last digit (the fast path calls the function
    the notebook's key-number cell calls, and reuses a sky only where that gives the same numbers)."""
    grid, fixed = GRIDS[chapter]
    spec = scan.parse_grid(chapter, grid, fixed)
    tables = {}
    for path, workers in (("notebook", 2), ("fast", 1)):
        summary = scan.run_scan(spec, tmp_path / path, workers=workers, progress=False, plot=False, path=path)
        assert summary["n_ok"] == 2, summary["failures"]
        tables[path] = pd.read_csv(tmp_path / path / "scan.csv").drop(columns="wall_time_s")
        run = json.loads((tmp_path / path / "points" / "0000" / "run.json").read_text())
        assert run["path"] == path
    assert (tmp_path / "notebook" / "points" / "0001" / CHAPTERS[chapter].notebook).is_file()
    assert not (tmp_path / "fast" / "points" / "0001" / CHAPTERS[chapter].notebook).exists()
    pd.testing.assert_frame_equal(tables["fast"], tables["notebook"], check_exact=True)
    assert list(tables["fast"].columns[2:]) == list(CHAPTERS[chapter].results)
    if chapter == "bc":  # chapter 2's fit is written next to its results on both paths
        for path in tables:
            assert (tmp_path / path / "points" / "0001" / "bc_fit.json").is_file()


def cocoon_scan(*args):
    return subprocess.run([COCOON, "scan", *args], capture_output=True, text=True, timeout=600)


GAMMA_2X2 = ["gamma", "--grid", "chi0=0.3,0.5", "--grid", "R0=10,40"]


@pytest.mark.slow  # a Dask cluster: CI runs it (pytest --slow)
def test_dask_local_cluster_gives_the_local_scan(tmp_path, mirror):
    """A 4-point scan on a 2-worker LocalCluster: the scan.csv of the local executor, the executor and workers in
    scan.json; without a terminal no progress bar is drawn, and nothing but the summary reaches stderr."""
    local = cocoon_scan(*GAMMA_2X2, "-o", str(tmp_path / "local"), "-j", "1", "-q")
    assert local.returncode == 0, local.stderr
    dask = cocoon_scan(*GAMMA_2X2, "-o", str(tmp_path / "dask"), "--executor", "dask", "-j", "2")
    assert dask.returncode == 0, dask.stderr
    assert dask.stderr.strip().splitlines() == [
        f"4 of 4 points succeeded, 0 failed, 0 missing; wrote {tmp_path / 'dask' / 'scan.csv'}"
    ]
    tables = [pd.read_csv(tmp_path / d / "scan.csv").drop(columns="wall_time_s") for d in ("local", "dask")]
    pd.testing.assert_frame_equal(tables[0], tables[1], check_exact=True)
    meta = json.loads((tmp_path / "dask" / "scan.json").read_text())
    assert meta["executor"] == "dask" and meta["workers"] == 2 and meta["complete"] is True
    assert meta["scheduler"].startswith("tcp://")


@pytest.mark.slow  # a Dask cluster: CI runs it (pytest --slow)
def test_dask_failing_points_are_reported_and_resume_reruns_only_them(tmp_path, mirror):
    """chi0_source = 'fit' needs chapter 2's fit in the point's folder: without it those two points fail (reported
    with their parameters, in failures.csv), the other two complete. With the fit put there, --resume runs the two
    failed points again and leaves the others alone."""
    from cocoonlib.book.chapters import chapter_parameters
    from cocoonlib.book.params import from_params, saved_fit

    out = tmp_path / "scan"
    args = ["gamma", "--grid", "chi0_source=parameter,fit", "--grid", "R0=10,40", "-o", str(out), "-q"]
    first = cocoon_scan(*args, "--executor", "dask", "-j", "2")
    assert first.returncode == 1
    assert "point 2 failed (chi0_source=fit, R0=10): chi0_source = 'fit' is not allowed here" in first.stderr
    assert pd.read_csv(out / "failures.csv").point.tolist() == [2, 3]
    assert pd.read_csv(out / "scan.csv").point.tolist() == [0, 1]
    kept = {i: (out / "points" / f"{i:04d}" / "point.json").stat().st_mtime_ns for i in (0, 1)}

    fit = from_params.bc_fit(chapter_parameters("bc", {}), n_profile=0)[2]
    saved = saved_fit.save_fit(fit, tmp_path / saved_fit.FIT_FILENAME)
    for i in (2, 3):
        shutil.copy(saved, out / "points" / f"{i:04d}" / saved_fit.FIT_FILENAME)
    again = cocoon_scan(*args, "--executor", "dask", "-j", "1", "--resume")
    assert again.returncode == 0, again.stderr
    table = pd.read_csv(out / "scan.csv")
    assert table.point.tolist() == [0, 1, 2, 3] and not (out / "failures.csv").exists()
    assert {i: (out / "points" / f"{i:04d}" / "point.json").stat().st_mtime_ns for i in (0, 1)} == kept
    # the fit's chi0 went into the points that read it, the parameter's into the others
    assert table.E2I_cocoon_inner_1TeV[2] / table.E2I_cocoon_inner_1TeV[0] == pytest.approx(fit.chi0 / 0.4, rel=1e-9)


@pytest.mark.slow  # a Dask cluster: CI runs it (pytest --slow)
def test_dask_batches_of_points_give_the_local_scan(tmp_path, mirror):
    """On the fast path a Dask task runs consecutive points (8 points, 1 worker: tasks of 2); the table is the
    local executor's, every point has its own folder, and a batch whose worker was lost makes each of its points a
    failed point, not a missing one. The scan leaves this process's environment as it found it."""
    assert scan._batch_size(8, 1, "fast") == 2 and scan._batch_size(8, 1, "notebook") == 1
    assert scan._batch_size(1000, 2, "fast") == scan.DASK_BATCH_MAX and scan._batch_size(3, 2, "fast") == 1
    spec = scan.parse_grid("gamma", ["chi0=" + ",".join(f"{0.1 * k:.1f}" for k in range(1, 9))])
    local = scan.run_scan(spec, tmp_path / "local", workers=1, progress=False, plot=False)
    environment = dict(os.environ)
    dask = scan.run_scan(spec, tmp_path / "dask", workers=1, progress=False, plot=False, executor="dask")
    assert local["n_ok"] == dask["n_ok"] == 8
    # the LocalCluster's OMP_NUM_THREADS=1 etc. stay with its workers: processes started later keep their threads
    assert dict(os.environ) == environment
    tables = [pd.read_csv(tmp_path / d / "scan.csv").drop(columns="wall_time_s") for d in ("local", "dask")]
    pd.testing.assert_frame_equal(tables[0], tables[1], check_exact=True)
    assert sorted(p.name for p in (tmp_path / "dask" / "points").iterdir()) == [f"{i:04d}" for i in range(8)]

    class LostWorker:
        def result(self):
            raise RuntimeError("worker tcp://10.0.0.1:4000 died")

    batch = [(8, {"chi0": "0.9"}), (9, {"chi0": "1.0"})]
    records = scan._records_of(LostWorker(), batch, tmp_path / "lost")
    assert [r["index"] for r in records] == [8, 9]
    assert all(r["error"].startswith("the worker running the point failed: RuntimeError") for r in records)
    assert (tmp_path / "lost" / "points" / "0009" / "point.json").is_file()
