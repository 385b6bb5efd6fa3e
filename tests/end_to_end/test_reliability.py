"""Reliability of a chapter run as a researcher starts it (``cocoon run``, the console script):

* a registered data file with one byte changed stops the run, naming the file;
* no mirror and no network stop it, naming the file and the variable to set;
* invalid parameter sets (generated with hypothesis) stop it with one line and exit status 2, before any work;
* doubling every integration grid (``grid_scale = 2``) moves no key number of any chapter by more than 0.5 % (a limit
  of the appendices set by a point the DGE alone nearly reaches: no more than a 2e-3 sigma change of the pulls).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cli import COCOON

from cocoonlib.book import cli
from cocoonlib.book.chapters import CHAPTERS
from cocoonlib.book.chapters.results import extract
from cocoonlib.book.params import PARAMETERS
from cocoonlib.io import data

pytestmark = pytest.mark.skipif(COCOON is None, reason="the cocoon console script is not installed")

TAMPERED = "bc_ratio/AMS-02_B_C_kineticEnergyPerNucleon.txt"  # read by chapter 2


def cocoon_run(chapter, out, env, *params):
    args = [COCOON, "run", chapter, *(x for kv in params for x in ("-p", *kv)), "-o", str(out)]
    return subprocess.run(args, capture_output=True, text=True, timeout=900, env=env)


def error_line(r) -> str:
    """The one line `cocoon` prints for a failure (kernel warnings on stderr are not part of it)."""
    lines = [line for line in r.stderr.splitlines() if line.startswith("cocoon: error:")]
    assert len(lines) == 1, r.stderr
    return lines[0]


def test_changed_byte_stops_the_chapter_naming_the_file(tmp_path, mirror):
    copy = tmp_path / "mirror"
    for f in mirror.rglob("*"):  # a mirror of links, with one real file changed
        if f.is_file():
            (copy / f.relative_to(mirror)).parent.mkdir(parents=True, exist_ok=True)
            (copy / f.relative_to(mirror)).symlink_to(f)
    target = copy / TAMPERED
    raw = bytearray(target.read_bytes())
    raw[-2] = ord("7") if raw[-2] != ord("7") else ord("8")
    target.unlink()
    target.write_bytes(bytes(raw))
    r = cocoon_run("bc", tmp_path / "out", {**os.environ, data.MIRROR_ENV: str(copy)})
    assert r.returncode == 1
    line = error_line(r)
    assert TAMPERED in line and "sha256" in line
    assert (mirror / TAMPERED).read_bytes() != target.read_bytes(), "the changed file was replaced"


def test_no_mirror_and_no_network_names_the_file_and_the_variable(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != data.MIRROR_ENV}
    # an empty cache, and every download through a proxy that refuses (port 9: discard, nothing listens)
    env.update(
        {
            data.CACHE_ENV: str(tmp_path / "cache"),
            "HTTPS_PROXY": "http://127.0.0.1:9",
            "HTTP_PROXY": "http://127.0.0.1:9",
            "https_proxy": "http://127.0.0.1:9",
            "NO_PROXY": "",
        }
    )
    r = cocoon_run("bc", tmp_path / "out", env)
    assert r.returncode == 1
    line = error_line(r)
    assert any(f"'{name}'" in line for name in data.registry().index), line
    assert data.MIRROR_ENV in line


# --- invalid parameter sets ------------------------------------------------------------------


def _outside(p) -> st.SearchStrategy[str]:
    """Texts that parameter p must refuse."""
    garbage = st.sampled_from(["abc", "nan", "", "1e", "0x", "one", "--", "-x"])
    if p.kind == "choice":
        return st.one_of(
            garbage,
            st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12).filter(lambda t: t not in p.choices),
        )
    if p.kind == "window":
        return st.sampled_from(["abc", "10,20", "1,2,3", "0,0,0,0,0"])
    lo, hi, lo_in, hi_in = p.bounds
    bad = [garbage]
    if math.isfinite(lo):
        bad.append(st.floats(min_value=lo - 1e3 - abs(lo), max_value=lo, exclude_max=lo_in))
    if math.isfinite(hi):
        bad.append(st.floats(min_value=hi, max_value=hi + 1e3 + abs(hi), exclude_min=hi_in))
    if p.kind == "int":
        bad.append(st.just("1.5"))
    numbers = st.one_of(*bad).map(lambda v: v if isinstance(v, str) else repr(float(v)))
    if p.kind == "floats":
        return numbers.map(lambda t: f"1,{t}")
    return numbers


_CASES = [(ch, name) for ch, c in CHAPTERS.items() for name in c.parameters]


@st.composite
def invalid_sets(draw):
    chapter, name = draw(st.sampled_from(_CASES))
    if draw(st.integers(0, 9)) == 0:  # an unknown name
        unknown = draw(st.from_regex(r"[a-z]{3,10}_x", fullmatch=True))
        return chapter, unknown, "1"
    return chapter, name, draw(_outside(PARAMETERS[name]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(invalid_sets())
def test_invalid_parameter_sets_stop_with_one_line(case):
    chapter, name, text = case
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            status = cli.main(["run", chapter, "-p", name, text, "-o", str(out)])
        lines = err.getvalue().strip().splitlines()
        assert status == 2, (case, err.getvalue())
        assert len(lines) == 1 and name in lines[0], (case, lines)
        assert not out.exists(), "work started before the parameters were checked"


def test_at_least_twenty_distinct_invalid_sets_are_generated():
    seen = set()

    @settings(max_examples=60, deadline=None)
    @given(invalid_sets())
    def collect(case):
        seen.add(case)

    collect()
    assert len(seen) >= 20


# --- doubled integration grids ---------------------------------------------------------------


@pytest.mark.slow  # every chapter twice with doubled grids (~2 min): CI runs it (pytest --slow)
def test_doubling_every_grid_moves_no_key_number_by_more_than_half_a_percent(tmp_path, mirror):
    def run(chapter):
        r = cocoon_run(chapter, tmp_path / chapter, dict(os.environ), ("grid_scale", "2"))
        assert r.returncode == 0, r.stderr[-2000:]
        return chapter, json.loads((tmp_path / chapter / "results.json").read_text())

    with ThreadPoolExecutor(max_workers=2) as pool:
        fine = dict(pool.map(run, CHAPTERS))
    bad = []
    for chapter, ch in CHAPTERS.items():
        ref = extract(ch.path)
        for k, v in ref.items():
            if k.endswith(("_headroom_sigma", "_margin_sigma")):  # a pull itself: converged to 2e-3 sigma
                if abs(fine[chapter][k] - v) > PULL_TOLERANCE:
                    bad.append(f"{chapter}.{k}: {v:.6g} -> {fine[chapter][k]:.6g} (tolerance {PULL_TOLERANCE} sigma)")
            elif abs(fine[chapter][k] - v) > tolerance(k, ref) * abs(v):
                bad.append(f"{chapter}.{k}: {v:.6g} -> {fine[chapter][k]:.6g} (tolerance {tolerance(k, ref):.2g})")
    assert not bad, "\n".join(bad)


PULL_TOLERANCE = 2e-3  # sigma


def headroom_key(key: str) -> str | None:
    """The key that reports the room the DGE alone left at the point setting the limit ``key`` (appendices)."""
    for limit in ("R0_max", "chi0_max_kolmogorov", "chi0_max_kraichnan", "chi0_max_bohm", "chi0_max_exponential"):
        if key.startswith(limit + "_") and not key.endswith("_sigma") and key != "R0_max_found":
            return f"{limit}_headroom_sigma"
    return None


#: keys that are differences of chi^2 values (chapter joint): key -> the chi^2 they are a difference of
CHI2_DIFFERENCES = {"delta_chi2_joint_vs_separate": "chi2_joint", "tension_pg_sigma": "chi2_joint"}


#: significances that are a difference of two best values of chi0 over their half-widths (chapter joint): key -> the
#: two chi0 (B/C alone as in the letter's column: B/C does not depend on the efficiencies)
CHI0_DIFFERENCES = {
    "tension_bc_gamma_sigma": ("chi0_gamma_only_best_g_cm2", "chi0_bc_only_best_g_cm2"),
    "tension_bc_gamma_sigma_sea": ("chi0_gamma_only_best_sea_g_cm2", "chi0_bc_only_best_g_cm2"),
}


#: best values of a fit whose chi^2 is nearly flat in them (chapter joint): key -> the (lo, hi) of a 1 sigma interval
#: of the same parameter at least as tight (the joint fit's: the gamma rays alone constrain R0 less); a tiny change of
#: the chi^2 surface moves such a minimum by more than 0.5 %, but by a small fraction of its error
WEAK_BEST_VALUES = {"R0_gamma_only_best_TV": ("R0_joint_lo_TV", "R0_joint_hi_TV")}


#: probabilities of a chi^2 (chapter joint): key -> the chi^2
P_VALUES = {"p_gamma_only": "chi2_gamma_only"}


def tolerance(key: str, results: dict) -> float:
    """0.5 %, except for a limit set by a point the DGE alone nearly reaches: its relative change is about the change
    of the pulls divided by the room left (limits.headroom), so the pulls are required to converge to 2e-3 sigma. A
    difference of chi^2 values (and the significance made from it) may move by 0.5 % of the chi^2 it is a difference
    of: the terms converge, their difference inherits their absolute change. Likewise a difference of two chi0 over
    their half-widths may move by 0.5 % of the larger chi0, relative to the difference."""
    if key in CHI2_DIFFERENCES:
        return max(5e-3, 5e-3 * results[CHI2_DIFFERENCES[key]] / results["delta_chi2_joint_vs_separate"])
    if key in P_VALUES:  # a probability moves with its chi^2: d ln p ~ d chi^2 / 2 for a large chi^2
        return max(5e-3, 5e-3 * results[P_VALUES[key]] / 2.0)
    if key in CHI0_DIFFERENCES:
        a, b = (results[k] for k in CHI0_DIFFERENCES[key])
        return max(5e-3, 5e-3 * max(a, b) / abs(a - b))
    if key in WEAK_BEST_VALUES:  # a best value the data constrain only loosely: 5 % of a 1 sigma half-width
        lo, hi = (results[k] for k in WEAK_BEST_VALUES[key])
        return max(5e-3, 0.05 * 0.5 * (hi - lo) / results[key])
    h = headroom_key(key)
    return 5e-3 if h is None else max(5e-3, PULL_TOLERANCE / results[h])
