"""Library functions that replaced physics written in the chapters' cells, each against an independent check."""

import numpy as np
import pytest

from cocoonlib.stats import joint


def test_grid_crossings_of_a_parabola_are_its_one_sigma_ends():
    x = np.linspace(0.0, 2.0, 401)
    lo, hi = joint.grid_crossings(x, ((x - 0.8) / 0.3) ** 2, 1.0)
    assert (lo, hi) == pytest.approx((0.5, 1.1), abs=1e-4)
    lo2, hi2 = joint.grid_crossings(x, ((x - 0.8) / 0.3) ** 2, 4.0)
    assert (lo2, hi2) == pytest.approx((0.2, 1.4), abs=1e-4)


def test_the_injected_energy_integral_is_eps_E_SN():
    """The trapezoid integral on a fine grid against the closed form that normalises K (chapter 1's check)."""
    from cocoonlib.book.params import from_params, validate
    from cocoonlib.source import injection

    P = validate({}, ("E_SN", "eps_p", "gamma_p", "eps_He", "gamma_He", "E_max"))
    for s in from_params.injection_spectra(P).values():
        assert injection.injected_energy_erg(s) == pytest.approx(s.eps * s.E_SN_erg, rel=1e-5)


def test_the_cocoon_birth_rate_integrates_to_R_SN():
    from cocoonlib.book.params import from_params, validate
    from cocoonlib.source import cocoon_disk

    P = validate({}, ("R_SN", "alpha", "beta", "R_sun", "R_disk", "z_profile", "z0", "h_disk"))
    disk = from_params.cocoon_disk(P)
    assert cocoon_disk.birth_rate_integral(disk) == pytest.approx(P["R_SN"], rel=1e-7)


def test_nuclide_keys_sort_by_charge_then_mass():
    from cocoonlib.transport import nuclear

    assert nuclear.charge_and_mass("12C") == (6, 12)
    assert sorted(["16O", "10B", "11B", "12C"], key=nuclear.charge_and_mass) == ["10B", "11B", "12C", "16O"]
    with pytest.raises(ValueError, match="nuclide"):
        nuclear.charge_and_mass("carbon")


def test_the_abundance_table_holds_every_calibrated_element_with_its_chi2(mirror):
    from cocoonlib.book.params import affecting, from_params, validate
    from cocoonlib.transport import bc

    model = from_params.bc_model(validate({}, affecting("bc")))
    table, points, predicted = bc.abundance_table(model, model.abundances)
    assert set(bc.CALIBRATED_ELEMENTS) - {"O"} <= set(table.index)
    assert (table["chi2 of X/O"].dropna() >= 0).all() and len(points) == len(predicted) == table["points"].sum()
    assert table.loc["C", "used (this run)"] == pytest.approx(model.abundances["C"])


def test_one_interval_rule_for_every_fit():
    """core.fits.interval: Minos's ends where Minos finds them, the profile's for the others (per side), the profile's
    for both at a minimum that is not valid. A fake Minuit whose Minos finds only the lower end."""
    from types import SimpleNamespace

    from cocoonlib.core import fits

    class FakeMinuit:
        def __init__(self):
            self.values = {"a": 1.0}
            self.limits = {"a": (0.0, 10.0)}
            self.merrors = {}

        def minos(self, par, cl):
            self.merrors[par] = SimpleNamespace(
                at_lower_limit=False,
                at_upper_limit=False,
                lower=-0.3 * cl,
                upper=None,
                lower_valid=True,
                upper_valid=False,
            )

    profile_ends = lambda level: (1.0 - 0.25 * level**0.5, 1.0 + 0.5 * level**0.5)  # noqa: E731
    assert fits.interval(FakeMinuit(), "a", 1, True, profile_ends) == pytest.approx([0.7, 1.5])
    assert fits.interval(FakeMinuit(), "a", 2, True, profile_ends) == pytest.approx([0.4, 2.0])
    assert fits.interval(FakeMinuit(), "a", 1, False, profile_ends) == pytest.approx([0.75, 1.5])
    assert fits.root_interval(lambda c: ((c - 2.0) / 0.5) ** 2, 2.0, 1.0, 0.0, 10.0) == pytest.approx([1.5, 2.5])
    assert fits.root_interval(lambda c: ((c - 0.1) / 0.5) ** 2, 0.1, 1.0, 0.0, 10.0)[0] == 0.0  # stays below: limit
