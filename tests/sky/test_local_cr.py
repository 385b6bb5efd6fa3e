"""Local H and He spectra: the broken power law, the force field, unit conversions and the fits."""

import numpy as np
import pytest
from scipy import integrate

from cocoonlib.book.params import PARAMETERS
from cocoonlib.core.kinematics import HELIUM, PROTON
from cocoonlib.sky import local_cr

SHAPE = local_cr.SpectrumShape(K=0.045, gamma=2.85, R_h=400.0, dg_h=-0.2, R_s=2e4, dg_s=0.3)


def _slope(f, R):
    return float(np.gradient(np.log(f(R)), np.log(R))[len(R) // 2])


def test_each_break_changes_the_slope_by_its_dgamma():
    """Far below the first break the slope is -gamma; between and above the breaks it changes by dg."""
    for R0, expected in [(10.0, -2.85), (3e3, -2.65), (1e6, -2.95)]:
        R = R0 * np.array([0.99, 1.0, 1.01])
        assert _slope(SHAPE.flux_R, R) == pytest.approx(expected, abs=0.02)
    knee = local_cr.SpectrumShape(**{**SHAPE.__dict__, "R_k": 3e6, "dg_k": 1.2})
    R = 3e8 * np.array([0.99, 1.0, 1.01])
    assert _slope(knee.flux_R, R) == pytest.approx(-2.95 - 1.2, abs=0.02)
    assert knee.flux_R(100.0) == pytest.approx(SHAPE.flux_R(100.0), rel=1e-12)


def test_force_field_with_zero_potential_is_the_identity():
    R = np.logspace(0, 4, 9)
    for sp in (PROTON, HELIUM):
        assert np.allclose(local_cr.modulated_flux_R(SHAPE, sp, R, 0.0), SHAPE.flux_R(R), rtol=1e-12)
        assert np.all(local_cr.modulated_flux_R(SHAPE, sp, R, 0.5) < SHAPE.flux_R(R))


@pytest.mark.parametrize("species", [PROTON, HELIUM])
def test_flux_per_energy_conserves_particles(species):
    """Int j_E dE over an energy interval equals Int j_R dR over the same particles."""
    flux = local_cr.LocalFlux(species, SHAPE)
    E1, E2 = 50.0, 5e3
    n_E = integrate.quad(lambda E: flux.flux_E(E), E1, E2, limit=200, epsrel=1e-10)[0]
    R1, R2 = flux.rigidity_GV(E1), flux.rigidity_GV(E2)
    n_R = integrate.quad(lambda R: SHAPE.flux_R(R), R1, R2, limit=200, epsrel=1e-10)[0]
    assert n_E == pytest.approx(n_R, rel=1e-8)
    # per_energy is 4 pi j in cm^-2
    assert flux.per_energy(100.0) == pytest.approx(4 * np.pi * 1e-4 * flux.flux_E(100.0))


def test_kinetic_energy_tables_convert_to_rigidity():
    R, dEdR = local_cr._to_rigidity(HELIUM, [100.0], "kinetic")
    p = np.sqrt((100.0 + HELIUM.mass_GeV) ** 2 - HELIUM.mass_GeV**2)
    assert R[0] == pytest.approx(p / 2)
    assert dEdR[0] == pytest.approx(2 * p / (100.0 + HELIUM.mass_GeV))
    R, dEdR = local_cr._to_rigidity(HELIUM, [100.0], "rigidity")
    assert R[0] == 100.0 and dEdR[0] == 1.0


@pytest.fixture(scope="module")
def fits(mirror):
    return {
        sp: local_cr.fit_direct(sp, PARAMETERS["R_min_local"].default, PARAMETERS["phi"].default) for sp in ("H", "He")
    }


def test_direct_fits_describe_the_data(fits):
    for sp, f in fits.items():
        assert f.chi2 / f.ndof < 1.0, sp  # total errors include systematics, so chi2/ndof < 1 is expected
    # the AMS-02 proton flux at 100 GV: 4.5e-2 (m^2 s sr GV)^-1 (Phys. Rep. 894 table, 1 %)
    d = local_cr.direct_data("H")
    ams = d[(d.experiment == "AMS-02") & (d.R_GV > 90) & (d.R_GV < 110)]
    model = local_cr.modulated_flux_R(fits["H"].shape, PROTON, ams.R_GV.to_numpy(), 0.487754)
    assert np.allclose(model, ams.flux_R, rtol=0.03)
    # the hardening and softening the data are known for
    for f in fits.values():
        assert 100 < f.shape.R_h < 2e3 and f.shape.dg_h < -0.1
        assert 5e3 < f.shape.R_s < 1e5 and f.shape.dg_s > 0.1


def test_knee_variants_bracket_each_other_above_the_knee(fits):
    base, reh = local_cr.fit_rehardening(
        {sp: f.shape for sp, f in fits.items()}, PARAMETERS["R_rehardening"].default * 1e3
    )
    assert base["H"].dg_2 < 0  # LHAASO protons are harder than the DAMPE softening
    shapes = {v: local_cr.fit_knee(base, v)[0] for v in local_cr.KNEE_VARIANTS}
    for v in local_cr.KNEE_VARIANTS:
        assert 3e5 < shapes[v]["H"].R_k < 3e7
    # below the knee the variants coincide; at 10 PV the IceTop-like 'max' protons are above the KASCADE-like 'min'
    assert shapes["min"]["H"].flux_R(1e4) == pytest.approx(shapes["max"]["H"].flux_R(1e4), rel=1e-9)
    assert shapes["max"]["H"].flux_R(1e7) > 1.5 * shapes["min"]["H"].flux_R(1e7)


def test_unknown_knee_variant():
    with pytest.raises(ValueError, match="knee = 'median' is not allowed"):
        local_cr.knee_data("median")
