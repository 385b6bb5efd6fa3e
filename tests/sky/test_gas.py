"""Gas models: transcription, column densities, window additivity."""

import numpy as np
import pytest

from cocoonlib.core.geometry import WINDOWS, SkyWindow
from cocoonlib.core.units import KPC_CM
from cocoonlib.io.data import read_transcribed
from cocoonlib.sky import gas


def _eval_expression(expr, R):
    """The CSV's expression text evaluated as written (^ as power): an independent path to the numbers."""
    return eval(expr.replace("^", "**"), {"exp": np.exp, "R": R, "__builtins__": {}})  # noqa: S307


def test_nakanishi_sofue_matches_the_transcribed_expressions():
    t = read_transcribed("gasmodel_NakanishiSofue_analytic.csv").set_index(["species", "quantity"])
    m = gas.gas_model("nakanishi_sofue")
    R = np.array([0.5, 2.0, 4.0, 8.5, 12.0, 20.0])
    n_hi = _eval_expression(t.loc[("HI", "n0_midplane"), "expression"], R)
    n_h2 = _eval_expression(t.loc[("H2", "n0_midplane"), "expression"], R)
    assert m.nH_HI(R, 0.0) == pytest.approx(n_hi, rel=1e-12)
    assert m.nH_H2(R, 0.0) == pytest.approx(2 * n_h2, rel=1e-12)
    h = _eval_expression(t.loc[("HI", "h_HWHM"), "expression"], R) * 1e-3  # pc -> kpc
    assert m.nH_HI(R, h) == pytest.approx(0.5 * n_hi, rel=1e-12)  # h is the half width at half maximum


@pytest.mark.parametrize("name", list(gas.GAS_MODELS))
def test_column_is_additive_over_split_windows(name):
    m = gas.gas_model(name)
    a, b = SkyWindow("a", 15.0, 70.0, -5.0, 5.0), SkyWindow("b", 70.0, 125.0, -5.0, 5.0)
    total = gas.window_column_cm2(m, WINDOWS["inner"]) * WINDOWS["inner"].solid_angle_sr
    parts = gas.window_column_cm2(m, a) * a.solid_angle_sr + gas.window_column_cm2(m, b) * b.solid_angle_sr
    assert parts == pytest.approx(total, rel=1e-3)


def test_uniform_slab_column_is_closed_form():
    """A uniform slab |z| < h of density n: at latitude b the column is n h / sin|b| (rays leave through the top)."""

    class Slab(gas.GasModel):
        def nH_HI(self, r, z):
            return np.where(np.abs(z) <= 0.2, 1.0, 0.0) + 0 * r

        def nH_H2(self, r, z):
            return 0 * r

    w = SkyWindow("high", 0.0, 360.0, 30.0, 60.0)
    N = gas.window_column_cm2(Slab(z_max=0.2), w)
    # mean of 0.2 kpc / sin b over the band, weighted by cos b: (0.2 / Omega) * 2 pi * ln(sin 60 / sin 30)
    expected = 0.2 * 2 * np.pi * np.log(np.sin(np.pi / 3) / np.sin(np.pi / 6)) / w.solid_angle_sr * KPC_CM
    assert N == pytest.approx(expected, rel=1e-4)


def test_models_disagree_in_the_outer_window_by_a_factor_two_or_more():
    cols = {n: gas.window_column_cm2(gas.gas_model(n), WINDOWS["outer"]) for n in gas.GAS_MODELS}
    assert max(cols.values()) / min(cols.values()) > 2.0
    assert all(3e21 < c < 3e22 for c in cols.values())


def test_unknown_gas_model():
    with pytest.raises(ValueError, match="gas_model = 'ferriere'"):
        gas.gas_model("ferriere")
