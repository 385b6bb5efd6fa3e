"""The data layer: registry integrity, hash errors, missing files, loaders."""
import csv
import re
import shutil
import socket

import numpy as np
import pytest

from cocoonlib import data, paths


def test_registry_entries_are_complete():
    reg = data.registry()
    assert len(reg) >= 70
    for name, e in reg.iterrows():
        assert re.fullmatch(r"[0-9a-f]{64}", e.sha256), name
        assert re.fullmatch(r"https://raw\.githubusercontent\.com/[\w.-]+/[\w.-]+/[0-9a-f]{40}/.+", e.url), name
        assert e.licence and e.reference, name
    no_doi = set(reg.index[reg.doi == ""])
    assert no_doi <= {"spallation_xsec/crams/xsecs_total_CROSEC_0.1_100_1.1.txt",
                      "spallation_xsec/xs4gcr/ghost_list.txt", "spallation_xsec/dragon2/README"}


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
    """12.6 TeV: phi = 6.61e-13 /TeV/cm2/s/sr -> E^2 phi = 1.05e-7 GeV/cm2/s/sr (SOURCES.md sanity check)."""
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
        "E_GeV,E2_flux,E2_err_lo,E2_err_hi\n1000,2e-7,1e-8,1e-8\n3000,1.5e-7,1e-8,1e-8\n")


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


def test_shipped_measurement_tables_parse():
    for f in paths.MEASUREMENTS.glob("*.csv"):
        data.read_measurement_table(f)


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

    from cocoonlib import data, paths

    rel = os.path.relpath(mirror, paths.ROOT)  # e.g. ../shared/data
    monkeypatch.setenv(data.MIRROR_ENV, rel)
    monkeypatch.chdir(tmp_path)  # anywhere else
    name = data.registry().index[0]
    assert data.fetch(name) == paths.ROOT / rel / name
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    assert paths.env_path(data.MIRROR_ENV) == mirror
