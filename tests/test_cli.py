"""The `cocoon` command end to end (subprocess: the installed console script)."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cocoonlib.chapters import CHAPTERS

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


@pytest.mark.parametrize("args", [["-p", "chi0", "-1"], ["-p", "chi0", "abc"], ["-p", "R0", "0"], ["-p", "R_SN", "0"],
                                  ["-p", "delta", "3"], ["-p", "grammage_model", "gauss"], ["-p", "bogus", "1"]])
def test_invalid_parameter_stops_before_any_work(tmp_path, args):
    out = tmp_path / "out"
    r = run("run", "model", *args, "-o", str(out))
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and args[1] in r.stderr
    assert not out.exists()


def test_run_model_writes_results(tmp_path, mirror):
    ref = tmp_path / "ref"
    res = run_chapter("model", ref, ("chi0", "0.5"))
    # tau_c is linear in chi0 (0.2528 Myr at 0.4 g/cm^2); J does not depend on chi0
    assert res["tau_c_Myr"] == pytest.approx(0.2528 * 0.5 / 0.4, rel=1e-3)
    assert res["J_inner_per_yr_kpc2"] / res["J_outer_per_yr_kpc2"] > 1
    run_info = json.loads((ref / "run.json").read_text())
    assert run_info["parameters"]["chi0"] == 0.5


def test_run_bc_writes_results_and_fit_file(tmp_path, mirror):
    """`cocoon run bc` with the transport fixed: results.json, and bc_fit.json in the same directory."""
    out = tmp_path / "bc"
    res = run_chapter("bc", out, ("free_transport", "none"), ("T_min_fit", "50"))
    assert res["chi0_lo_g_cm2"] < res["chi0_best_g_cm2"] < res["chi0_hi_g_cm2"]
    fit = json.loads((out / "bc_fit.json").read_text())
    assert fit["best"]["chi0"] == pytest.approx(res["chi0_best_g_cm2"], rel=1e-9)
    assert fit["free"] == ["chi0"] and fit["settings"]["T_min_fit"] == 50.0


def test_run_gamma_writes_results(tmp_path, mirror):
    """`cocoon run gamma` with another gas model: the issue's keys, KM2A point counts, masks applied."""
    out = tmp_path / "gamma"
    res = run_chapter("gamma", out, ("gas_model", "bronf_ferr"), ("mask_inner", "0.5"))
    assert res["n_km2a_inner"] == 10 and res["n_km2a_outer"] == 5
    assert 0 < res["cocoon_fraction_outer_1TeV"] < res["cocoon_fraction_inner_1TeV"] < 1
    assert res["E2I_dge_inner_1TeV_min"] <= res["E2I_dge_inner_1TeV_max"]
    assert json.loads((out / "run.json").read_text())["parameters"]["gas_model"] == "bronf_ferr"


def test_run_neutrino_writes_results(tmp_path, mirror):
    res = run_chapter("neutrino", tmp_path / "nu", ("production_model", "aafrag"))
    assert res["E2F_cocoon_100TeV"] < 1e-3 * res["E2F_total_100TeV_min"] <= res["E2F_total_100TeV_max"]
    assert 0 < res["ratio_total_to_icecube_pi0_100TeV"] < 5
