"""The `cocoon` command end to end (subprocess: the installed console script)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cocoonlib.book.chapters import CHAPTERS

# the console script installed next to this interpreter (works without activating the venv)
_here = Path(sys.executable).parent / "cocoon"
COCOON = str(_here) if _here.exists() else shutil.which("cocoon")
pytestmark = pytest.mark.skipif(COCOON is None, reason="the cocoon console script is not installed")


def run(*args):
    return subprocess.run([COCOON, *args], capture_output=True, text=True, timeout=600)


def run_chapter(chapter, out, *params):
    """`cocoon run chapter -p name value ... -o out`; checks success and the chapter's result keys, returns them."""
    r = run("run", chapter, *(x for kv in params for x in ("-p", *kv)), "-o", str(out))
    assert r.returncode == 0, r.stderr
    res = json.loads((out / "results.json").read_text())
    assert set(res) == set(CHAPTERS[chapter].results)
    return res


def test_list():
    r = run("list")
    assert r.returncode == 0
    for name in CHAPTERS["model"].parameters:
        assert name in r.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["-p", "chi0", "-1"],
        ["-p", "chi0", "abc"],
        ["-p", "R0", "0"],
        ["-p", "R_SN", "0"],
        ["-p", "delta", "3"],
        ["-p", "grammage_model", "gauss"],
        ["-p", "bogus", "1"],
    ],
)
def test_invalid_parameter_stops_before_any_work(tmp_path, args):
    out = tmp_path / "out"
    r = run("run", "model", *args, "-o", str(out))
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and args[1] in r.stderr
    assert not out.exists()


def test_sea_with_a_transport_that_cannot_be_fitted_stops_before_any_work(tmp_path, mirror):
    """source_normalisation = 'sea' takes its transport from B/C; a gas disk of 90 mg cm^-2 drives D0 to its limit:
    one line naming source_normalisation, exit status 2, no output folder."""
    out = tmp_path / "out"
    r = run("run", "gamma", "-p", "source_normalisation", "sea", "-p", "mu_disk", "90", "-o", str(out))
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "source_normalisation = 'sea'" in lines[0] and "D0" in lines[0]
    assert not out.exists()


@pytest.mark.slow  # a chapter through the command: CI runs it (pytest --slow)
def test_run_gamma_with_the_cocoons_as_the_sources(tmp_path, mirror):
    """`-p source_normalisation sea`: the unsuffixed keys are the sea's (equal to their _sea twins), the efficiencies
    are eps_p_sea and eps_He_sea, and the run records the transport it used."""
    out = tmp_path / "gamma-sea"
    res = run_chapter("gamma", out, ("source_normalisation", "sea"))
    for k in ("cocoon_fraction_inner_1TeV", "chi2_km2a_outer", "cocoon_share_of_argo_excess_1TeV"):
        assert res[k] == res[f"{k}_sea"]
    assert res["sea_normalisation_ok"] == 1.0 and res["eps_p_sea"] > 2 * 0.05
    assert abs(res["eps_p_implied"] / res["eps_p_sea"] - 1) < 0.03  # one point (100 GV) against the 30-300 GV fit


def test_run_model_writes_results(tmp_path, mirror):
    ref = tmp_path / "ref"
    res = run_chapter("model", ref, ("chi0", "0.5"))
    # tau_c is linear in chi0 (0.2528 Myr at 0.4 g/cm^2); J does not depend on chi0
    assert res["tau_c_Myr"] == pytest.approx(0.2528 * 0.5 / 0.4, rel=1e-3)
    assert res["J_inner_per_yr_kpc2"] / res["J_outer_per_yr_kpc2"] > 1
    run_info = json.loads((ref / "run.json").read_text())
    assert run_info["parameters"]["chi0"] == 0.5


@pytest.mark.slow  # a chapter through the command: CI runs it (pytest --slow)
def test_run_into_a_relative_folder(tmp_path, mirror):
    """-o relative to the current folder (as CI's step after pip install . gives it): papermill changes the folder
    while it starts the kernel, so the runner works with the absolute path."""
    r = subprocess.run(
        [COCOON, "run", "model", "-o", "runs/relative"], capture_output=True, text=True, timeout=600, cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "runs" / "relative" / "results.json").is_file()
    assert (tmp_path / "runs" / "relative" / "kernel.log").is_file()


@pytest.mark.slow  # a chapter through the command: CI runs it (pytest --slow)
def test_run_bc_writes_results_and_fit_file(tmp_path, mirror):
    """`cocoon run bc` with the transport fixed: results.json, and bc_fit.json in the same directory."""
    out = tmp_path / "bc"
    res = run_chapter("bc", out, ("free_transport", "none"), ("T_min_fit", "50"))
    assert res["chi0_lo_g_cm2"] < res["chi0_best_g_cm2"] < res["chi0_hi_g_cm2"]
    fit = json.loads((out / "bc_fit.json").read_text())
    assert fit["best"]["chi0"] == pytest.approx(res["chi0_best_g_cm2"], rel=1e-9)
    assert fit["free"] == ["chi0"] and fit["settings"]["T_min_fit"] == 50.0
    # the B/C of the network at the default transport for chi0 = 0, 0.4, 0.8: rising with chi0, falling with T
    for E in (10, 100, 1000):
        assert res[f"BC_chi0_00_{E}GeVn"] < res[f"BC_chi0_04_{E}GeVn"] < res[f"BC_chi0_08_{E}GeVn"]
    assert res["BC_chi0_04_10GeVn"] > res["BC_chi0_04_100GeVn"] > res["BC_chi0_04_1000GeVn"]
    assert 0.05 < res["boron_share_heavy_100GeVn"] < 0.2
    assert fit["settings"]["source_abundances"] == "fit" and fit["settings"]["nuclei"] == 15


@pytest.mark.slow  # a chapter through the command: CI runs it (pytest --slow)
def test_run_gamma_writes_results(tmp_path, mirror):
    """`cocoon run gamma` with another gas model and the letter's setup (its mask factor, no inverse Compton): the
    issue's keys, KM2A point counts; the catalog's masked fractions are reported whatever window_mask."""
    out = tmp_path / "gamma"
    setup = (("window_mask", "letter_factor"), ("mask_inner", "0.5"), ("dge_ic", "off"))
    res = run_chapter("gamma", out, ("gas_model", "bronf_ferr"), *setup)
    assert res["n_km2a_inner"] == 10 and res["n_km2a_outer"] == 5
    assert 0 < res["cocoon_fraction_outer_1TeV"] < res["cocoon_fraction_inner_1TeV"] < 1
    assert res["ic_share_dge_inner_1TeV"] < 1e-12 and 0 < res["mask_fraction_solid_angle_inner"] < 1
    assert res["E2I_dge_inner_1TeV_min"] <= res["E2I_dge_inner_1TeV_max"]
    assert json.loads((out / "run.json").read_text())["parameters"]["gas_model"] == "bronf_ferr"


@pytest.mark.slow  # a chapter through the command: CI runs it (pytest --slow)
def test_run_neutrino_writes_results(tmp_path, mirror):
    res = run_chapter("neutrino", tmp_path / "nu", ("production_model", "aafrag"))
    assert res["E2F_cocoon_100TeV"] < 1e-3 * res["E2F_total_100TeV_min"] <= res["E2F_total_100TeV_max"]
    assert 0 < res["ratio_total_to_icecube_pi0_100TeV"] < 5


@pytest.mark.slow  # a chapter through the command: CI runs it (pytest --slow)
def test_run_joint_writes_the_issue_keys(tmp_path, mirror):
    """`cocoon run joint` with IceCube's pi0 fit in the likelihood: intervals around the best values, one more
    degree of freedom than without it, and the IceCube key equal to the joint chi0."""
    res = run_chapter("joint", tmp_path / "joint", ("icecube_term", "on"))
    assert res["chi0_joint_lo_g_cm2"] < res["chi0_joint_best_g_cm2"] < res["chi0_joint_hi_g_cm2"]
    assert res["R0_joint_lo_TV"] < res["R0_joint_best_TV"] <= res["R0_joint_hi_TV"]
    assert res["chi0_joint_with_icecube_g_cm2"] == res["chi0_joint_best_g_cm2"]
    assert (
        res["ndof_joint"] == 81 and res["tension_bc_gamma_sigma"] >= 0 and res["delta_chi2_joint_vs_separate"] > -1e-3
    )


@pytest.mark.slow  # a chapter through the command: CI runs it (pytest --slow)
def test_run_r0_writes_R0_max(tmp_path, mirror):
    """`cocoon run r0`: R0_max found inside the search range; a stricter criterion gives a smaller R0_max, unless it
    sets aside more points (those the DGE alone already exceeds by n_sigma), one of which may have set the limit."""
    res = run_chapter("r0", tmp_path / "r0", ("R0_grid", "10,30"))
    strict = run_chapter("r0", tmp_path / "r0s", ("R0_grid", "10,30"), ("n_sigma", "1"))
    assert res["R0_max_found"] == 1 and 1 < res["R0_max_TV"] < 1e4
    assert (tmp_path / "r0" / "figures" / "fig4_R0.pdf").stat().st_size > 0  # the Fig. 4 analogue, as a file
    assert strict["R0_max_TV"] < res["R0_max_TV"] or strict["n_set_aside"] > res["n_set_aside"]
    assert res["n_points"] == 15


@pytest.mark.slow  # a chapter through the command: CI runs it (pytest --slow)
def test_run_delta_writes_chi0_max(tmp_path, mirror):
    """`cocoon run delta` writes the three chi0_max keys; harder turbulence (smaller delta) allows less grammage."""
    res = run_chapter("delta", tmp_path / "delta", ("R0", "10"))
    assert 0 < res["chi0_max_kolmogorov_g_cm2"] < res["chi0_max_kraichnan_g_cm2"] < res["chi0_max_bohm_g_cm2"]
    assert res["ratio_bohm_exp_10TeV"] > 1


def scan(*args):
    return subprocess.run([COCOON, "scan", *args, "-q"], capture_output=True, text=True, timeout=900)


@pytest.mark.slow  # a chapter through the command: CI runs it (pytest --slow)
def test_scan_rows_equal_single_runs(tmp_path, mirror):
    """A 2x2 scan of chapter 1 in two workers gives four rows, each equal to a single `cocoon run`."""
    out = tmp_path / "scan"
    r = scan("model", "--grid", "chi0=0.3,0.5", "--grid", "n_gas=1,3", "-o", str(out), "-j", "2")
    assert r.returncode == 0, r.stderr
    table = pd.read_csv(out / "scan.csv")
    assert len(table) == 4 and (out / "scan.png").stat().st_size > 0 and (out / "scan.pdf").exists()
    assert json.loads((out / "scan.json").read_text())["complete"] is True
    for _, row in table.iterrows():
        single = run_chapter(
            "model", tmp_path / f"single{row.point}", ("chi0", f"{row.chi0:g}"), ("n_gas", f"{row.n_gas:g}")
        )
        for key, value in single.items():
            assert row[key] == pytest.approx(value, rel=1e-12), key


@pytest.mark.slow  # a chapter through the command: CI runs it (pytest --slow)
def test_scan_combination_not_allowed_fails_its_point_only(tmp_path, mirror):
    """Every value is allowed, one combination is not (H+He gas with Kelner's cross sections): three rows, one
    failure named with its parameters, exit status 1; the array-job path (--only, --collect) gives the same table
    from the same points."""
    out = tmp_path / "scan"
    grid = ["--grid", "production_model=kelner,aafrag", "--grid", "ism_composition=H,H+He"]
    r = scan("model", *grid, "-o", str(out), "-j", "1")
    assert r.returncode == 1
    assert "point 1 failed (production_model=kelner, ism_composition=H+He)" in r.stderr
    assert "ism_composition = 'H+He' is not allowed with production_model = 'kelner'" in r.stderr
    table = pd.read_csv(out / "scan.csv")
    assert list(table.point) == [0, 2, 3], r.stderr
    assert pd.read_csv(out / "failures.csv").point.tolist() == [1]
    only = scan("model", *grid, "-o", str(out), "--only", "1")
    assert only.returncode == 1 and json.loads(only.stdout)["error"].startswith("ism_composition = 'H+He'")
    (out / "scan.csv").unlink()
    again = scan("model", *grid, "-o", str(out), "--collect")
    assert again.returncode == 1 and pd.read_csv(out / "scan.csv").equals(table)


def _fake_chapter(errors):
    """A stand-in for runner.run_chapter that raises the given errors in turn, then returns results."""
    from cocoonlib.book.cli.runner import RunError

    calls = []

    def run(chapter, values, where, timeout):
        calls.append(values)
        if len(calls) <= len(errors):
            raise RunError(f"chapter {chapter!r} failed: attempt {len(calls)}") from errors[len(calls) - 1]
        return {"x": 1.0}

    return run, calls


@pytest.mark.parametrize(
    "cause, runs, ok",
    [
        ("kernel", 2, True),  # a kernel that died or did not start: the point is run again
        ("cell", 1, False),  # a cell that raised: the same inputs would raise again
        ("timeout", 1, False),  # a cell slower than --timeout: not run again
    ],
)
def test_point_is_retried_only_after_a_kernel_failure(tmp_path, monkeypatch, capsys, cause, runs, ok):
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    from cocoonlib.book.cli import runner
    from cocoonlib.book.cli import scan as scan_mod

    err = {
        "kernel": DeadKernelError("Kernel died"),
        "timeout": CellTimeoutError("slow"),
        "cell": PapermillExecutionError(0, 1, "boom", "ValueError", "bad", []),
    }[cause]
    fake, calls = _fake_chapter([err])
    monkeypatch.setattr(runner, "run_chapter", fake)
    rec = scan_mod.run_point("model", 3, {"chi0": "0.4"}, tmp_path, path="notebook")
    assert len(calls) == runs and (rec["error"] is None) == ok
    assert json.loads((tmp_path / "points" / "0003" / "point.json").read_text()) == rec
    if ok:
        assert rec["results"] == {"x": 1.0} and rec["retried_after"] == ["chapter 'model' failed: attempt 1"]

        class Bar:
            def write(self, text, file):
                print(text, file=file)

            def update(self, n):
                pass

        scan_mod._report(rec, Bar())
        assert (
            "point 3: the kernel failed (chapter 'model' failed: attempt 1); ran the point again"
            in capsys.readouterr().err
        )


def test_point_kernel_failing_twice_is_a_failed_point(tmp_path, monkeypatch):
    from nbclient.exceptions import DeadKernelError

    from cocoonlib.book.cli import runner
    from cocoonlib.book.cli import scan as scan_mod

    fake, calls = _fake_chapter([DeadKernelError("a"), DeadKernelError("b")])
    monkeypatch.setattr(runner, "run_chapter", fake)
    rec = scan_mod.run_point("model", 0, {"chi0": "0.4"}, tmp_path, path="notebook")
    assert len(calls) == 1 + scan_mod.KERNEL_RETRIES and rec["error"] == "chapter 'model' failed: attempt 2"


@pytest.mark.parametrize(
    "args",
    [
        ["--grid", "chi0"],
        ["--grid", "bogus=1,2"],
        ["--grid", "chi0=1", "--grid", "chi0=2"],
        ["--grid", "chi0=1", "-p", "n_gas", "-3"],
        ["--grid", "chi0=1", "--plot", "nope"],
        ["--grid", "chi0=1", "-j", "0"],
        ["--grid", "R0=10,abc"],  # the second value is wrong: found before the first point runs
        ["--grid", "chi0=0.3,-1"],
        ["--grid", "chi0=1", "--scheduler", "tcp://127.0.0.1:9"],  # a scheduler without --executor dask
        ["--grid", "chi0=1", "--executor", "dask", "--only", "0"],
        ["--grid", "chi0=1", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9", "-j", "2"],
        ["--grid", "chi0=1", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"],  # nothing answers there
        ["--grid", "chi0=1", "--executor", "dask", "--scheduler", "not an address"],
    ],
)
def test_scan_bad_specification_stops_before_any_work(tmp_path, args):
    out = tmp_path / "scan"
    r = scan("model", *args, "-o", str(out))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert r.stderr.startswith("cocoon: error: ")
    assert not out.exists()


@pytest.mark.slow  # a chapter through the command: CI runs it (pytest --slow)
def test_interrupted_scan_leaves_no_complete_looking_table(tmp_path, mirror):
    """Ctrl-C during a scan: exit 130, no scan.csv, the finished points in scan.incomplete.csv, scan.json
    says incomplete; a stale scan.csv of an earlier scan in the same directory is removed at the start."""
    import os
    import signal
    import time

    out = tmp_path / "scan"
    out.mkdir()
    (out / "scan.csv").write_text("point,chi0\n0,0.1\n")  # an earlier, finished scan
    p = subprocess.Popen(
        [
            COCOON,
            "scan",
            "model",
            "--grid",
            "chi0=0.2,0.3,0.4,0.5",
            "-o",
            str(out),
            "-j",
            "1",
            "-q",
            "--path",
            "notebook",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # Ctrl-C as at a terminal: a test run started in the background (nohup, `cmd &` in a script) passes SIGINT
        # on as ignored, and Python then never raises KeyboardInterrupt
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    first = out / "points" / "0000" / "point.json"
    t0 = time.time()
    while not first.exists() and time.time() - t0 < 300 and p.poll() is None:
        time.sleep(0.2)
    assert first.exists()
    os.killpg(p.pid, signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    assert not (out / "scan.csv").exists()
    partial = pd.read_csv(out / "scan.incomplete.csv")
    assert 1 <= len(partial) < 4
    meta = json.loads((out / "scan.json").read_text())
    assert meta["complete"] is False and meta["interrupted"] is True


def test_save_figure_writes_pdf_and_png(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cocoonlib.book.report import plotting

    monkeypatch.setenv("COCOON_FIGURES_DIR", str(tmp_path))
    fig, ax = plt.subplots()
    ax.plot([1, 2], [1, 2])
    out = plotting.save_figure(fig, "fig9_test")
    assert [p.name for p in out] == ["fig9_test.pdf", "fig9_test.png"] and all(p.stat().st_size > 1000 for p in out)
    with pytest.raises(ValueError, match="figure name"):
        plotting.save_figure(fig, "../escape")


def test_save_and_show_displays_the_saved_png_and_closes_the_figure(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import IPython.display
    import matplotlib.pyplot as plt

    from cocoonlib.book.report import plotting

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    monkeypatch.setenv("COCOON_FIGURES_DIR", str(tmp_path))
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([1, 2], [1, 2])
    ax.set_xlabel("a label that the tight box must keep")
    plotting.save_and_show(fig, "fig9_show")
    assert not plt.fignum_exists(fig.number)
    (img,) = shown
    png = (tmp_path / "fig9_show.png").read_bytes()
    assert img.data == png and (tmp_path / "fig9_show.pdf").stat().st_size > 1000
    w, h = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    # cropped to the tight box: smaller than the full canvas at the file resolution, larger than nothing
    assert (
        0.5 * 4 * plotting.FILE_DPI < w < 4 * plotting.FILE_DPI
        and 0.5 * 3 * plotting.FILE_DPI < h <= 3 * plotting.FILE_DPI
    )
