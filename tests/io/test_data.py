"""The data layer: registry integrity, hash errors, missing files, loaders."""

import csv
import re
import shutil
import socket

import numpy as np
import pytest

from cocoonlib.io import data, paths, regions


def test_registry_entries_are_complete():
    reg = data.registry()
    assert len(reg) >= 70
    for name, e in reg.iterrows():
        assert re.fullmatch(r"[0-9a-f]{64}", e.sha256), name
        assert re.fullmatch(r"https://raw\.githubusercontent\.com/[\w.-]+/[\w.-]+/[0-9a-f]{40}/.+", e.url), name
        assert e.licence and e.reference, name
    no_doi = set(reg.index[reg.doi == ""])
    assert no_doi <= {
        "spallation_xsec/crams/xsecs_total_CROSEC_0.1_100_1.1.txt",
        "spallation_xsec/xs4gcr/ghost_list.txt",
        "spallation_xsec/dragon2/README",
    }


def test_every_registered_file_matches_the_mirror(mirror):
    for name in data.registry().index:
        assert data.fetch(name).is_file()


@pytest.fixture
def tampered_mirror(tmp_path, mirror, monkeypatch):
    name = "bc_ratio/DAMPE_B_C_kineticEnergyPerNucleon.txt"
    target = tmp_path / name
    target.parent.mkdir(parents=True)
    raw = bytearray((mirror / name).read_bytes())
    raw[-2] = ord("7") if raw[-2] != ord("7") else ord("8")  # one byte changed
    target.write_bytes(bytes(raw))
    monkeypatch.setenv(data.MIRROR_ENV, str(tmp_path))
    return name


def test_one_changed_byte_is_an_error_naming_the_file(tampered_mirror):
    with pytest.raises(data.DataIntegrityError, match=re.escape(tampered_mirror)):
        data.fetch(tampered_mirror)
    with pytest.raises(data.DataIntegrityError):
        data.load_bc("DAMPE")


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No mirror, an empty cache, and no network at all."""
    monkeypatch.delenv(data.MIRROR_ENV, raising=False)
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "cache"))

    def refuse(*args, **kwargs):
        raise OSError("network disabled by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return tmp_path / "cache"


def test_no_mirror_no_network_names_file_and_variable(offline):
    name = "lhaaso_km2a_diffuse/LHAASO_KM2A_2023_TableS2_inner.txt"
    with pytest.raises(data.DataUnavailableError) as err:
        data.fetch(name)
    msg = str(err.value)
    assert name in msg and data.MIRROR_ENV in msg


def test_corrupt_cached_file_is_not_replaced(offline, mirror):
    name = "bc_ratio/CALET_B_C_kineticEnergyPerNucleon.txt"
    cached = offline / name
    cached.parent.mkdir(parents=True)
    cached.write_text((mirror / name).read_text() + "\n1 2 3 4 5 6\n")
    before = cached.read_bytes()
    with pytest.raises(data.DataIntegrityError, match=re.escape(name)):
        data.fetch(name)
    assert cached.read_bytes() == before


def test_valid_cached_file_is_used_offline(offline, mirror):
    name = "bc_ratio/CALET_B_C_kineticEnergyPerNucleon.txt"
    (offline / name).parent.mkdir(parents=True)
    shutil.copy(mirror / name, offline / name)
    assert data.fetch(name) == offline / name


def test_unknown_file():
    with pytest.raises(data.DataError, match="not in the registry"):
        data.fetch("bc_ratio/nothing.txt")


def test_bc_loader(mirror):
    df = data.load_bc("DAMPE")
    assert list(df.columns[:2]) == ["T_GeV_n", "BC"] and len(df) == 13
    assert np.all(np.diff(df.T_GeV_n) > 0)
    assert df.BC.between(0.01, 0.5).all()
    np.testing.assert_allclose(df.err_hi, np.hypot(df.stat_hi, df.sys_hi))
    assert df.attrs["doi"] == "10.1016/j.scib.2022.10.002"
    assert data.load_bc("AMS-02 (PRL 2018, SSDC)").stat_lo.isna().all()
    with pytest.raises(ValueError, match="experiment"):
        data.load_bc("HEAO")


def test_km2a_units(mirror):
    """12.6 TeV: phi = 6.61e-13 /TeV/cm2/s/sr -> E^2 phi = 1.05e-7 GeV/cm2/s/sr (values of the table, read by hand)."""
    df = data.load_lhaaso_km2a("inner")
    assert df.E_GeV.iloc[0] == pytest.approx(12.6e3)
    assert df.E2_flux.iloc[0] == pytest.approx(6.61e-13 * 12.6**2 * 1e3, rel=1e-12)
    assert df.E2_flux.iloc[0] == pytest.approx(1.05e-7, rel=0.01)
    assert (df.E_lo_GeV < df.E_GeV).all() and (df.E_GeV < df.E_hi_GeV).all()
    assert len(data.load_lhaaso_km2a("outer")) == 5


def _write_table(path, window="inner", units="GeV cm^-2 s^-1 sr^-1"):
    path.write_text(
        "# experiment: LHAASO-WCDA\n# reference: Cao et al. 2025, PRL 134, 081002\n# doi: 10.1103/PhysRevLett.134.081002\n"
        f"# window: {window}\n# quantity: gamma_E2_intensity\n# units: {units}\n"
        "E_GeV,E2_flux,E2_err_lo,E2_err_hi\n1000,2e-7,1e-8,1e-8\n3000,1.5e-7,1e-8,1e-8\n"
    )


def test_user_measurement_table_is_picked_up(tmp_path, mirror):
    _write_table(tmp_path / "wcda_inner.csv")
    _write_table(tmp_path / "wcda_outer.csv", window="outer")
    df = data.load_diffuse_measurements("inner", extra_dir=tmp_path)
    assert set(df.experiment) == {"LHAASO-KM2A", "LHAASO-WCDA"}
    assert list(df.columns) == data.DIFFUSE_COLUMNS
    assert len(df[df.experiment == "LHAASO-WCDA"]) == 2


def test_user_measurement_table_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.csv"
    _write_table(bad, units="TeV cm^-2 s^-1 sr^-1")
    with pytest.raises(ValueError, match="bad.csv: units"):
        data.read_measurement_table(bad)


@pytest.fixture
def measurements_copy(tmp_path, monkeypatch):
    """A copy of data/measurements/ (whatever it ships) standing in for it."""
    folder = tmp_path / "measurements"
    shutil.copytree(paths.MEASUREMENTS, folder)
    monkeypatch.setattr(paths, "MEASUREMENTS", folder)
    return folder


def test_measurements_folder_feeds_its_region(measurements_copy, mirror):
    """A table dropped into data/measurements/ appears with the points of the region it names, and nowhere else;
    the tables the folder ships parse and name known regions."""
    shipped = sorted(measurements_copy.glob("*.csv"))
    for f in shipped:
        assert data.read_measurement_table(f).window.iloc[0] in regions.regions()
    before = {r: len(data.load_diffuse_measurements(r)) for r in ("tibet_25l100", "inner")}
    _write_table(measurements_copy / "wcda_region_a.csv", window="tibet_25l100")
    df = data.load_diffuse_measurements("tibet_25l100")
    assert len(df) == before["tibet_25l100"] + 2
    assert {"Tibet AS+MD", "ARGO-YBJ", "LHAASO-WCDA"} <= set(df.experiment)
    assert (df[df.experiment == "LHAASO-WCDA"].window == "tibet_25l100").all()
    assert len(data.load_diffuse_measurements("inner")) == before["inner"]
    _write_table(measurements_copy / "typo.csv", window="inner_galaxy")
    with pytest.raises(ValueError, match="typo.csv: window = 'inner_galaxy' is not a region"):
        data.load_diffuse_measurements("inner")


def test_every_region_has_its_registered_points(mirror):
    expected = {
        "inner": {"LHAASO-KM2A"},
        "outer": {"LHAASO-KM2A"},
        "tibet_25l100": {"Tibet AS+MD", "ARGO-YBJ"},
        "tibet_50l200": {"Tibet AS+MD"},
        "fermi_inner_galaxy": {"Fermi-LAT"},
        "hawc_43l73": set(),
        "allsky": set(),
    }
    assert set(expected) == set(regions.regions())
    for region, experiments in expected.items():
        df = data.load_diffuse_measurements(region)
        assert set(df.experiment) == experiments and list(df.columns) == data.DIFFUSE_COLUMNS
        assert (df.window == region).all()
        assert (df.E2_err_lo > 0).all() and (df.E2_err_lo < df.E2_flux).all() and (df.E2_err_hi > 0).all()
    with pytest.raises(ValueError, match="region = 'cygnus' is not allowed"):
        data.load_diffuse_measurements("cygnus")


def _e27_to_e2(E_TeV, y):
    """y = E^2.7 dN/dE [GeV^1.7 cm^-2 s^-1 sr^-1] with E in GeV -> E^2 dN/dE [GeV cm^-2 s^-1 sr^-1]."""
    return y / (E_TeV * 1e3) ** 0.7


def test_tibet_loader_against_the_file(mirror):
    """plota_TibetData.csv, first row: E = 121.0348180041 TeV, y = 0.0001663962, upper end 0.0002000568, bin from
    100.3903682666 TeV; plotb, last row: 535.7402683135 TeV, 8.69598058970283E-05 (read by hand). dN/dE, converted by hand:
    3.14e-15 and 2.96e-17 TeV^-1 cm^-2 s^-1 sr^-1."""
    a = data.load_tibet_asmd("tibet_25l100")
    assert len(a) == 3 and (a.experiment == "Tibet AS+MD").all() and a.doi.iloc[0] == "10.1103/PhysRevLett.126.141101"
    assert a.E_GeV.iloc[0] == pytest.approx(121034.8180041, rel=1e-12)
    assert a.E2_flux.iloc[0] == pytest.approx(_e27_to_e2(121.0348180041, 0.0001663962), rel=1e-12)
    assert a.E2_err_hi.iloc[0] == pytest.approx(_e27_to_e2(121.0348180041, 0.0002000568 - 0.0001663962), rel=1e-10)
    assert a.E_lo_GeV.iloc[0] == pytest.approx(100390.3682666, rel=1e-12)
    dNdE_TeV = a.E2_flux.iloc[0] / a.E_GeV.iloc[0] ** 2 * 1e3  # GeV^-1 -> TeV^-1
    assert dNdE_TeV == pytest.approx(3.14e-15, rel=0.005)
    b = data.load_tibet_asmd("tibet_50l200")
    assert b.E2_flux.iloc[-1] == pytest.approx(_e27_to_e2(535.7402683135, 8.69598058970283e-05), rel=1e-12)
    assert b.E2_flux.iloc[-1] / b.E_GeV.iloc[-1] ** 2 * 1e3 == pytest.approx(2.96e-17, rel=0.005)
    with pytest.raises(ValueError, match="region = 'inner' is not allowed for Tibet"):
        data.load_tibet_asmd("inner")


def test_argo_loader_against_the_file(mirror):
    """plota_TibetData.csv, ARGO-YBJ first row: 0.390158323 TeV, 7.88321493128237E-05, lower end
    6.51870961077816E-05: E^2 I = 1.21e-6 GeV cm^-2 s^-1 sr^-1 at 390 GeV."""
    d = data.load_argo_ybj()
    assert len(d) == 3 and (d.window == "tibet_25l100").all() and d.E_lo_GeV.isna().all()
    assert d.E_GeV.iloc[0] == pytest.approx(390.158323)
    assert d.E2_flux.iloc[0] == pytest.approx(_e27_to_e2(0.390158323, 7.88321493128237e-05), rel=1e-12)
    assert d.E2_flux.iloc[0] == pytest.approx(1.21e-6, rel=0.005)
    assert d.E2_err_lo.iloc[0] == pytest.approx(_e27_to_e2(0.390158323, 7.88321493128237e-05 - 6.51870961077816e-05))
    assert d.doi.iloc[0] == "10.1088/0004-637X/806/1/20"


def test_two_tibet_digitisations_agree_within_their_errors(mirror):
    """The IceCube analysts' digitisation (registered) and C. Eckner's (data/transcribed/secondary): same points,
    each within the other's 1-sigma end, in both regions."""
    eckner = data.read_transcribed("secondary/tibet_asg2021_both_regions_Eckner.csv")
    for region, label in (("tibet_25l100", "25<l<100"), ("tibet_50l200", "50<l<200")):
        ours = data.load_tibet_asmd(region)
        theirs = eckner[eckner.region == label].reset_index(drop=True)
        assert len(theirs) == len(ours) == 3
        assert np.all((ours.E_lo_GeV < theirs.E_TeV * 1e3) & (theirs.E_TeV * 1e3 < ours.E_hi_GeV))
        y_ours = ours.E2_flux * ours.E_GeV**0.7  # back to E^2.7 dN/dE, the digitised quantity
        up_ours = (ours.E2_flux + ours.E2_err_hi) * ours.E_GeV**0.7
        assert np.all(np.abs(y_ours - theirs.E27_flux) < up_ours - y_ours)
        assert np.all(np.abs(y_ours - theirs.E27_flux) < theirs.E27_flux_up - theirs.E27_flux)
        assert np.allclose(y_ours, theirs.E27_flux, rtol=0.01)  # two independent digitisations


def test_fermi_loaders_against_the_files(mirror):
    """Ackermann2012_diffuse_Fig17.txt row 9: 9.40120e+3 MeV, 1.05676e-2 1.31796e-2 1.58431e-2 MeV cm^-2 s^-1 sr^-1;
    plot_fermi_gamma.csv, pi0 first row: 0.2069723279 GeV, 1.65362204238139E-05 GeV cm^-2 s^-1 sr^-1."""
    f = data.load_fermi_inner_galaxy()
    assert len(f) == 14 and (f.window == "fermi_inner_galaxy").all()
    assert f.E_GeV.iloc[8] == pytest.approx(9.40120, rel=1e-12)
    assert f.E2_flux.iloc[8] == pytest.approx(1.31796e-5, rel=1e-12)
    assert (f.E2_err_lo.iloc[8], f.E2_err_hi.iloc[8]) == pytest.approx((2.6120e-6, 2.6635e-6), rel=1e-9)
    pi0 = data.load_fermi_fig17_curve("pi0")
    assert len(pi0) == 95 and len(data.load_fermi_fig17_curve("total")) == 98
    assert (pi0.E_GeV.iloc[0], pi0.E2_flux.iloc[0]) == pytest.approx((0.2069723279, 1.65362204238139e-05))
    assert np.all(np.diff(pi0.E_GeV) > 0)
    # the IceCube analysts' digitisation of the same 14 points: within the error bars of the other one
    other = data.load_fermi_fig17_curve("data")
    assert np.allclose(other.E_GeV, f.E_GeV, rtol=0.02)  # energies read 1-2 % apart
    assert np.all(np.abs(other.E2_flux - f.E2_flux) < np.minimum(f.E2_err_lo, f.E2_err_hi))
    with pytest.raises(ValueError, match="component"):
        data.load_fermi_fig17_curve("ic")


def test_hawc_band():
    """HAWC (hawc_2024_diffuse_powerlaw_43l73.csv): N0 = 5.45e-15 /GeV/cm2/s/sr at 7 TeV, index 2.604, stat 0.25e-15,
    sys +0.38e-15 -0.44e-15: at 7 TeV E^2 I = 49e6 * 5.45e-15 = 2.6705e-7 GeV cm^-2 s^-1 sr^-1."""
    h = data.load_hawc_powerlaw()
    assert (h["index"], h["E0_GeV"], h["N0"], h["region"]) == (2.604, 7000.0, 5.45e-15, "hawc_43l73")
    band = data.hawc_band([7e3, 7e4])
    assert band.E2_best.iloc[0] == pytest.approx(7e3**2 * 5.45e-15, rel=1e-12)
    assert band.E2_best.iloc[0] == pytest.approx(2.6705e-7, rel=1e-6)
    assert band.E2_high.iloc[0] == pytest.approx(7e3**2 * (5.45 + np.hypot(0.25, 0.38)) * 1e-15, rel=1e-12)
    assert band.E2_low.iloc[0] == pytest.approx(7e3**2 * (5.45 - np.hypot(0.25, 0.44)) * 1e-15, rel=1e-12)
    assert band.E2_best.iloc[1] / band.E2_best.iloc[0] == pytest.approx(10 ** (2 - 2.604), rel=1e-12)
    with pytest.raises(ValueError, match="E_GeV"):
        data.hawc_band([0.0])


def test_icecube_pi0_template_against_the_file(mirror):
    """fermi_pi0_gamma_ray_energies.npy: 135 values of log10(E/GeV) from -1 to 7; the flux file's first value is
    1.0978e-6 GeV cm^-2 s^-1 sr^-1 (at 0.1 GeV); above ~100 GeV the extrapolation is E^-2.7, i.e. E^2 Phi ~ E^-0.7."""
    t = data.load_icecube_pi0_template()
    assert len(t) == 135
    assert (t.E_GeV.iloc[0], t.E_GeV.iloc[-1]) == pytest.approx((0.1, 1e7), rel=1e-12)
    assert t.E2_flux.iloc[0] == pytest.approx(1.0978e-6, rel=1e-4)
    hi = t[t.E_GeV > 1e3]
    assert np.allclose(np.diff(np.log(hi.E2_flux)) / np.diff(np.log(hi.E_GeV)), -0.7, atol=1e-3)


def test_transcribed_tables_have_citation_headers():
    files = sorted(paths.TRANSCRIBED.rglob("*.csv"))
    assert files
    for f in files:
        df = data.read_transcribed(f.relative_to(paths.TRANSCRIBED).as_posix())
        assert any(h.lower().startswith(("citation", "measurement", "warning")) for h in df.attrs["header"]), f
    with pytest.raises(ValueError, match="expected one of"):
        data.read_transcribed("nothing.csv")


def test_doi_map_covers_registry():
    with open(paths.DATA / "doi_map.csv") as fh:
        refs = {r["reference"] for r in csv.DictReader(fh)}
    assert set(data.registry().reference) <= refs


def test_relative_mirror_is_relative_to_the_book_root(monkeypatch, mirror, tmp_path):
    """Kernels run in notebooks/ or a run folder: a relative COCOON_DATA_MIRROR must not depend on that."""
    import os

    from cocoonlib.io import data, paths

    rel = os.path.relpath(mirror, paths.ROOT)  # e.g. ../shared/data
    monkeypatch.setenv(data.MIRROR_ENV, rel)
    monkeypatch.chdir(tmp_path)  # anywhere else
    name = data.registry().index[0]
    assert data.fetch(name) == paths.ROOT / rel / name
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    assert paths.env_path(data.MIRROR_ENV) == mirror
