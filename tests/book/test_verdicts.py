"""What decides a verdict (cocoonlib.book.chapters.verdicts): the leave-one-out against brute force, and the point that sets the
R0 limit found by it."""

import numpy as np
import pytest

from cocoonlib.book.chapters import get_chapter, keys, verdicts
from cocoonlib.book.params import validate
from cocoonlib.io import cosmic_ray_data
from cocoonlib.stats import compare, limits

pytestmark = pytest.mark.usefixtures("mirror")


@pytest.fixture(scope="module")
def r0_ctx():
    return keys.Context("r0", validate({}, get_chapter("r0").parameters))


def test_the_leave_one_out_of_the_R0_limit_finds_the_km2a_outer_point_that_sets_it(r0_ctx):
    """Of the LHAASO points, only the one that sets R0_max flips the claim on R0 when removed, and it is the KM2A
    point of the outer window where the DGE alone leaves the least room."""
    removals = verdicts.leave_one_out(r0_ctx)["r0_upper"]
    window, E = r0_ctx["limit"].window, r0_ctx["limit"].E_GeV
    assert window == "outer" and len(removals) == keys.own_key_numbers(r0_ctx)["n_points"]
    flips = [r for r in removals if not r.judgement.met]
    assert [r.removed for r in flips] == [f"LHAASO-KM2A outer {E / 1e3:.3g} TeV"]


def test_removing_a_point_that_does_not_set_the_limit_leaves_it_exactly(r0_ctx):
    """The shortcut of the leave-one-out, by brute force: R0_max recomputed without each point equals the chapter's
    for every point but the one that sets it (the cocoon flux grows with R0, so the first crossing stays)."""
    sky, m, aside, n = r0_ctx["sky"], r0_ctx["measurements"], r0_ctx["set_aside"], r0_ctx.P["n_sigma"]
    R0_max = r0_ctx["R0_max"].value
    window, E = r0_ctx["limit"].window, r0_ctx["limit"].E_GeV
    for w, table in m.items():
        pts = compare.measured_points(table).E_GeV.to_numpy()
        for i, E_i in enumerate(pts):
            skip = {**aside, w: aside[w] | (np.arange(pts.size) == i)}
            R, _ = limits.largest_value(
                lambda r, skip=skip: limits.max_pull(m, sky.E, keys.totals(sky, R0=r), skip), *keys.R0_SEARCH_TV, n
            )
            if w == window and np.isclose(E_i, E):
                assert R > 1.2 * R0_max
            else:
                # the same crossing, found by Brent's method to its tolerance in ln R0 (limits.largest_value: 1e-4),
                # whose path may differ where another point sets the maximum far from the crossing
                assert R == pytest.approx(R0_max, rel=2e-4)


def test_the_b_c_leave_one_out_is_the_fit_without_that_experiment():
    from cocoonlib.book.params import from_params
    from cocoonlib.stats import bc_fit

    P = validate({}, get_chapter("bc").parameters)
    ctx = keys.Context("bc", P)
    removals = {r.removed: r for r in verdicts.leave_one_out(ctx)["chi0"]}
    assert set(removals) == {"AMS-02", "CALET", "DAMPE"}
    data = cosmic_ray_data.bc_fit_data(P["ams02_table"], P["T_min_fit"])
    subset = data.assign(used=data.used & (data.experiment != "DAMPE"))
    fit = bc_fit.fit_bc(ctx["model"], subset, from_params.FREE_TRANSPORT[P["free_transport"]], n_profile=0)
    assert removals["DAMPE"].judgement.ours.startswith(f"{fit.chi0:.3f}")
    assert removals["DAMPE"].points == int((data.used & (data.experiment == "DAMPE")).sum())
