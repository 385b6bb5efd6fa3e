"""The one implementation of each chapter's key numbers (cocoonlib.book.chapters.keys): its context, its workspace, and the
reuse of a sky between points that the fast path of `cocoon scan` rests on. That the fast path and the executed
notebooks give the same numbers is tested in tests/end_to_end/test_scan_paths.py."""

import numpy as np
import pytest

from cocoonlib.book.chapters import CHAPTERS, chapter_parameters, keys
from cocoonlib.book.params import from_params


def test_every_chapter_has_key_numbers_and_pieces():
    assert set(keys.PIECES) == set(CHAPTERS) == set(keys._KEYS)


def test_context_uses_given_pieces_and_builds_each_other_piece_once():
    P = chapter_parameters("model", {})
    calls = []
    ctx = keys.Context("model", P, {"J": "given"})
    assert ctx["J"] == "given"
    original = keys.PIECES["model"]["disk"]
    keys.PIECES["model"]["disk"] = lambda c: calls.append(1) or "disk"
    try:
        assert ctx["disk"] == "disk" and ctx["disk"] == "disk"
    finally:
        keys.PIECES["model"]["disk"] = original
    assert calls == [1]
    with pytest.raises(ValueError, match="sky is not a piece of chapter 'model'"):
        keys.Context("model", P, {"sky": None})
    with pytest.raises(KeyError, match="no piece 'fits'"):
        ctx["fits"]


def test_key_numbers_must_be_the_declared_ones(monkeypatch):
    P = chapter_parameters("model", {})
    monkeypatch.setitem(keys._KEYS, "model", lambda ctx: {"tau_c_Myr": 1.0, "made_up": 2.0})
    with pytest.raises(ValueError, match=r"missing .*'J_inner_per_yr_kpc2'.*undeclared \['made_up'\]"):
        keys.key_numbers("model", P)


def test_workspace_keeps_the_most_recent_pieces_of_each_kind():
    ws = keys.Workspace(size=2)
    assert keys.Workspace.SIZES["sky"] < keys.Workspace().size  # skies are large: fewer are kept
    built = []

    def build(v):
        built.append(v)
        return v * 10

    assert [ws.get("k", v, lambda v=v: build(v)) for v in (1, 2, 1, 3, 2)] == [10, 20, 10, 30, 20]
    assert built == [1, 2, 3, 2]  # 1 was used again before 3 came, so 2 was the one dropped
    assert (ws.hits, ws.misses) == (1, 4)
    assert ws.get("other kind", 1, lambda: "x") == "x"


def test_sky_of_a_workspace_equals_a_sky_built_from_scratch(mirror):
    """The fast path's premise: the sky of a point is the workspace's base sky with the point's cocoons, and that
    is the same sky, to the last bit, as one built from scratch; a second point with other cocoon parameters
    reuses the base sky; a point with another DGE parameter gets a new one."""
    ws = keys.Workspace()
    P = chapter_parameters("gamma", {})
    for change in ({"chi0": 0.3, "R0": 50.0}, {"grammage_model": "advection_diffusion", "delta": 0.5}):
        Q = {**P, **change}
        fast = keys.sky_of(ws.context("gamma", Q), Q, "gamma inner outer")
        full = from_params.gamma_sky(Q)
        assert fast.chi0 == full.chi0
        for w in full.windows:
            assert np.array_equal(fast.cocoon(w), full.cocoon(w))
            assert np.array_equal(fast.dge_band(w)[0], full.dge_band(w)[0])
        assert fast.with_cocoons(R0=10.0).cocoon("inner") == pytest.approx(
            full.with_cocoons(R0=10.0).cocoon("inner"), rel=1e-14
        )
    assert (ws.hits, ws.misses) == (1, 1)
    keys.sky_of(ws.context("gamma", P), {**P, "mask_inner": 0.5}, "gamma inner outer")
    assert ws.misses == 2


def test_key_numbers_of_a_workspace_equal_those_without(mirror):
    """Chapter r0 twice through one workspace (the second point with another chi0 and R0: the sky reused) and once
    without: the same numbers."""
    ws = keys.Workspace()
    P = chapter_parameters("r0", {})
    for change in ({}, {"chi0": 0.3, "R0": 40.0}):
        Q = {**P, **change}
        assert keys.key_numbers("r0", Q, ws.context("r0", Q)) == keys.key_numbers("r0", Q)
    assert ws.hits >= 1


@pytest.mark.parametrize("chapter", ["gamma", "neutrino"])
def test_each_function_of_chi0_gives_its_key_number_at_the_chapters_chi0(chapter, mirror):
    """The chi0 ranges (keys *_chi0_min/_max, issue 22) come from functions of chi0 that scale the cocoons by linearity;
    at the chapter's own chi0 each must give the key number computed directly from the sky (an independent path:
    gamma_window_row, gamma_experiment_chi2, share_of_excess and distance_to_band with the sky's cocoon curve)."""
    ctx = keys.Context(chapter, chapter_parameters(chapter, {}), {})
    numbers = keys.key_numbers(chapter, ctx.P, ctx)
    functions = ctx["chi0_functions"]
    assert {f"{k}_chi0_min" for k in functions} <= set(numbers)
    for k, f in functions.items():
        assert f(ctx["sky"].chi0) == pytest.approx(numbers[k], rel=1e-9), k
        # the range is f at nodes across the interval, its ends included (bands.value_range, tests/stats/test_bands.py):
        # the key numbers must hold f at those ends
        lo, hi = numbers[f"{k}_chi0_min"], numbers[f"{k}_chi0_max"]
        for end in (numbers["chi0_band_lo_g_cm2"], numbers["chi0_band_hi_g_cm2"]):
            assert lo <= f(end) <= hi, k


def test_stored_pieces_are_built_once_per_inputs_and_not_for_given_pieces(tmp_path, monkeypatch):
    """Context.stored keeps a result in the array cache under the chapter's parameters and the code: a second context
    with the same parameters reads it back (equal, its build not called), other parameters build again, and a context
    given pieces (not parameters) always builds."""
    from cocoonlib.io import array_cache

    monkeypatch.setenv(array_cache.CACHE_ENV, str(tmp_path))
    calls = []

    def build():
        calls.append(1)
        return {"chi0": 0.1 + 0.2, "hi": float("inf")}

    def stored(ctx):
        return ctx.stored("demo", build, dict, dict)

    P = chapter_parameters("model", {})
    first = stored(keys.Context("model", P))
    again = stored(keys.Context("model", P))
    assert first == again == build() and len(calls) == 2  # the third call is the comparison's own
    stored(keys.Context("model", chapter_parameters("model", {"chi0": 0.3})))
    assert len(calls) == 3
    stored(keys.Context("model", P, {"J": "given"}))
    assert len(calls) == 4


def test_the_stored_bc_refit_is_the_fit(tmp_path, monkeypatch, mirror):
    """The B/C refit kept for every chapter (from_params.bc_refit) equals the fit made directly, read back or not."""
    from cocoonlib.book.params import affecting, validate
    from cocoonlib.io import array_cache

    monkeypatch.setenv(array_cache.CACHE_ENV, str(tmp_path))
    P = chapter_parameters("gamma", {})
    names = affecting("bc")
    direct = from_params.bc_fit(validate({k: P[k] for k in names if k in P}, names), n_profile=0)[2]
    assert from_params.bc_refit(P) == direct and from_params.bc_refit(P) == direct
    assert len(list(tmp_path.glob("bc_refit-*.npy"))) == 1
