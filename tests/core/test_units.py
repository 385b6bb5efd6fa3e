"""cocoonlib.core.units against astropy (an independent implementation of the same definitions)."""

import astropy.constants as ac
import astropy.units as u
import pytest

from cocoonlib.core import units


@pytest.mark.parametrize(
    "name, reference",
    [
        ("M_PROTON_G", ac.m_p.cgs.value),
        ("C_CM_S", ac.c.cgs.value),
        ("KPC_CM", (1 * u.kpc).to_value(u.cm)),
        ("PC_KPC", (1 * u.pc).to_value(u.kpc)),
        ("YR_S", (1 * u.yr).to_value(u.s)),
        ("MYR_S", (1 * u.Myr).to_value(u.s)),
        ("ERG_GEV", (1 * u.erg).to_value(u.GeV)),
        ("MEV_GEV", (1 * u.MeV).to_value(u.GeV)),
        ("TEV_GEV", (1 * u.TeV).to_value(u.GeV)),
        ("PEV_GEV", (1 * u.PeV).to_value(u.GeV)),
        ("MB_CM2", (1 * u.mbarn).to_value(u.cm**2)),
        ("DEG_RAD", (1 * u.deg).to_value(u.rad)),
        ("M_PROTON_GEV", (ac.m_p * ac.c**2).to_value(u.GeV)),
        ("M_ELECTRON_GEV", (ac.m_e * ac.c**2).to_value(u.GeV)),
        ("SIGMA_THOMSON_CM2", ac.sigma_T.cgs.value),
        ("HBARC_GEV_CM", (ac.hbar * ac.c).to_value(u.GeV * u.cm)),
        ("K_BOLTZMANN_GEV_K", ac.k_B.to_value(u.GeV / u.K)),
    ],
)
def test_unit_equals_astropy(name, reference):
    assert getattr(units, name) == pytest.approx(reference, rel=1e-9)


def test_units_does_not_import_astropy():
    """The point of taking the values from scipy and hepunits: a chapter does not pay for astropy."""
    import subprocess
    import sys

    code = "import sys, cocoonlib.core.units, cocoonlib.sky.absorption; print('astropy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
