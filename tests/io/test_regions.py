"""The sky regions of the measurements: the table, its mask factors, and J over each region by a second method."""

import numpy as np
import pytest
from scipy import integrate

from cocoonlib.book import params
from cocoonlib.book.params import from_params
from cocoonlib.core.geometry import WINDOWS, SkyWindow, line_of_sight_integral
from cocoonlib.io import paths, regions
from cocoonlib.source.cocoon_disk import CocoonDisk

NEW_REGIONS = ["tibet_25l100", "tibet_50l200", "hawc_43l73", "fermi_inner_galaxy"]


def test_region_table():
    """The regions the issue lists, with their bounds; the LHAASO windows and the whole sky are those of
    galaxy.WINDOWS; every mask parameter is a declared parameter, LHAASO inner's the letter's 0.65."""
    table = regions.regions()
    assert set(NEW_REGIONS + ["inner", "outer", "allsky"]) <= set(table)
    for name in ("inner", "outer", "allsky"):
        assert regions.sky_window(name) == WINDOWS[name]
    assert regions.sky_window("fermi_inner_galaxy") == SkyWindow("fermi_inner_galaxy", -80.0, 80.0, -8.0, 8.0)
    assert regions.sky_window("hawc_43l73") == SkyWindow("hawc_43l73", 43.0, 73.0, -4.0, 4.0)
    assert regions.region("tibet_25l100").experiments == ("Tibet AS+MD", "ARGO-YBJ")
    names = list(regions.regions())
    assert all(regions.region(n).mask_parameter in params.PARAMETERS for n in names if regions.region(n).mask_parameter)
    letter = {"window_mask": "letter_factor"}
    assert from_params.mask_factors(letter, ["inner"])["inner"] == 0.65 == params.PARAMETERS["mask_inner"].default
    assert from_params.mask_factors({}, ["inner"])["inner"] == 1.0  # the catalog masks (default) replace the factor
    for name in NEW_REGIONS + ["outer"]:
        p = params.PARAMETERS[regions.region(name).mask_parameter]
        assert p.default == 1.0 and p.tag == "I" and "no" in p.source  # says why 1: no factor published
    assert from_params.mask_factors({}, ["allsky"])["allsky"] == 1.0
    assert from_params.mask_factors({"mask_tibet_50l200": 0.7}, ["tibet_50l200"])["tibet_50l200"] == 0.7


def test_unknown_region_is_one_line():
    with pytest.raises(ValueError, match="^region = 'galactic_centre' is not allowed: expected one of inner") as err:
        regions.region("galactic_centre")
    assert "\n" not in str(err.value)


def test_malformed_region_row_names_it(tmp_path, monkeypatch):
    bad = tmp_path / "sky_regions.csv"
    bad.write_text(paths.SKY_REGIONS.read_text() + "oops,100,50,-5,5,X,,backwards\n")
    monkeypatch.setattr(paths, "SKY_REGIONS", bad)
    regions.regions.cache_clear()
    try:
        with pytest.raises(ValueError, match="region row 8: bounds must satisfy l_min < l_max"):
            regions.regions()
        bad.write_text(
            paths.SKY_REGIONS.read_text().replace("oops,100,50", "oops,50,100").replace(",X,,", ",X,mask_x,")
        )
        regions.regions.cache_clear()
        assert regions.region("oops").mask_parameter == "mask_x"  # the table is data; the book checks the name
        with pytest.raises(ValueError, match="mask_parameter 'mask_x' is not a parameter"):
            from_params.mask_factors({}, ["oops"])
    finally:
        regions.regions.cache_clear()


def _J_nquad(disk: CocoonDisk, w: SkyWindow) -> float:
    """Int dl Int db cos b Int ds rho by scipy's adaptive nquad over (s, b, l), written independently of the ray
    casting: each ray runs from the Sun to the disk's edge, r = R_disk (law of cosines), or to |z| = 40 z0."""
    Rs, Rd = disk.R_sun, disk.R_disk
    z_end = min(disk.h_disk, 40 * disk.z0)

    def integrand(s, b, l):
        x, y = Rs - s * np.cos(b) * np.cos(l), s * np.cos(b) * np.sin(l)
        return float(disk.density(np.hypot(x, y), s * np.sin(b))) * np.cos(b)

    def s_range(b, l):
        horizontal = Rs * np.cos(l) + np.sqrt(Rd**2 - (Rs * np.sin(l)) ** 2)
        return 0.0, min(horizontal / np.cos(b), z_end / abs(np.sin(b)) if b != 0 else np.inf)

    opts = {"epsabs": 0.0, "epsrel": 1e-5, "limit": 200}

    def s_opts(b, l):  # rho ~ r^alpha has a kink where the ray passes closest to the Galactic centre
        closest = Rs * np.cos(l) / np.cos(b)
        return {**opts, "points": [closest]} if 0 < closest < s_range(b, l)[1] else opts

    deg = np.pi / 180
    l_opts = {**opts, "points": [0.0]} if w.l_min < 0 < w.l_max else opts  # the ray through the Galactic centre
    return integrate.nquad(
        integrand,
        [s_range, (w.b_min * deg, w.b_max * deg), (w.l_min * deg, w.l_max * deg)],
        opts=[s_opts, {**opts, "points": [0.0]}, l_opts],
    )[0]


@pytest.mark.parametrize("name", NEW_REGIONS + ["inner", "outer"])
def test_J_of_each_region_against_nquad(name):
    """The cocoon J over each region (the window machinery of chapter 1) against an independent 3-D adaptive
    quadrature of CocoonDisk.density: the cocoon intensity of a region, Q J / (4 pi Omega), scales with it."""
    disk = from_params.cocoon_disk()
    w = regions.sky_window(name)
    assert line_of_sight_integral(disk, w) == pytest.approx(_J_nquad(disk, w), rel=1e-4)


def test_negative_longitude_works_with_the_rays():
    """-80 < l < 80 is the same sky as 0-80 plus 280-360, and by the disk's mirror symmetry twice 0-80."""
    disk = from_params.cocoon_disk(z0=0.2, alpha=1.5)
    fermi = regions.sky_window("fermi_inner_galaxy")
    east = line_of_sight_integral(disk, SkyWindow("e", 0.0, 80.0, -8.0, 8.0))
    west = line_of_sight_integral(disk, SkyWindow("w", 280.0, 360.0, -8.0, 8.0))
    J = line_of_sight_integral(disk, fermi)
    assert J == pytest.approx(east + west, rel=1e-9)
    assert J == pytest.approx(2 * east, rel=1e-9)
    assert fermi.solid_angle_sr == pytest.approx(160 * np.pi / 180 * 2 * np.sin(8 * np.pi / 180), rel=1e-12)


def test_each_regions_cocoon_intensity_is_Q_J_over_4pi_omega_with_its_mask(mirror):
    """Chapter 3's cocoon curve of every region (the sky's window machinery, CMB absorption off) equals
    mask x E^2 Q J / (4 pi Omega) with J from the independent nquad above, Omega from the region's bounds and the
    unit 1 / (yr kpc^2) converted by astropy: the intensity scales with J / Omega region by region."""
    from astropy import units as u

    from cocoonlib.book.chapters import chapter_parameters

    names = [*NEW_REGIONS, "inner", "outer"]
    P = {**chapter_parameters("gamma", {}), "cmb_absorption": "off", "window_mask": "letter_factor"}
    sky = from_params.gamma_sky(P, window_names=names)
    Q = sky.Q_cocoon[sky.default_model]  # GeV^-1 per cocoon, on sky.E
    per_yr_kpc2 = (1 / (u.yr * u.kpc**2)).to_value(1 / (u.s * u.cm**2))
    disk = from_params.cocoon_disk(P)
    for name in names:
        reg = regions.region(name)
        omega = np.radians(reg.l_max - reg.l_min) * (np.sin(np.radians(reg.b_max)) - np.sin(np.radians(reg.b_min)))
        expected = (
            sky.mask[name] * sky.E**2 * Q * _J_nquad(disk, regions.sky_window(name)) * per_yr_kpc2 / (4 * np.pi * omega)
        )
        assert sky.cocoon(name) == pytest.approx(expected, rel=2e-4), name
    assert sky.mask["inner"] == P["mask_inner"] != 1.0  # the letter's factor is applied where the letter applies it
