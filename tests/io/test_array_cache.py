"""The disk cache of expensive arrays: same numbers as without it, renewed when its inputs change."""

import numpy as np

from cocoonlib.book.params import from_params
from cocoonlib.io import array_cache
from cocoonlib.production import aafrag


def test_cached_array_computes_once_and_reads_back(tmp_path, monkeypatch):
    monkeypatch.setenv(array_cache.CACHE_ENV, str(tmp_path))
    calls = []

    def compute():
        calls.append(1)
        return np.arange(6.0).reshape(2, 3)

    a = array_cache.cached_array("demo", ("v1", np.ones(3)), compute)
    b = array_cache.cached_array("demo", ("v1", np.ones(3)), compute)
    assert len(calls) == 1 and np.array_equal(a, b) and not b.flags.writeable
    array_cache.cached_array("demo", ("v2", np.ones(3)), compute)  # another version: computed again
    array_cache.cached_array("demo", ("v1", np.ones(3) * 2), compute)  # another grid: computed again
    assert len(calls) == 3 and len(list(tmp_path.glob("demo-*.npy"))) == 3
    assert not list(tmp_path.glob("*.tmp.npy"))


def test_damaged_file_is_recomputed_and_replaced(tmp_path, monkeypatch):
    monkeypatch.setenv(array_cache.CACHE_ENV, str(tmp_path))
    array_cache.cached_array("demo", ("x",), lambda: np.ones(4))
    (f,) = tmp_path.glob("demo-*.npy")
    f.write_bytes(b"not an array")
    assert np.array_equal(array_cache.cached_array("demo", ("x",), lambda: np.full(4, 2.0)), np.full(4, 2.0))
    assert np.array_equal(np.load(f), np.full(4, 2.0))


def test_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv(array_cache.CACHE_ENV, "off")
    monkeypatch.setenv("COCOON_DATA_CACHE", str(tmp_path))
    assert array_cache.cache_folder() is None
    array_cache.cached_array("demo", ("x",), lambda: np.ones(2))
    assert not list(tmp_path.rglob("*.npy"))


def test_aafrag_matrix_from_disk_equals_the_computed_one(tmp_path, monkeypatch):
    """A matrix read from the cache (in a fresh memory cache) equals the one aafragpy computes."""
    E, Ep = np.geomspace(10, 1e4, 7), np.geomspace(2, 1e5, 9)
    monkeypatch.setenv(array_cache.CACHE_ENV, "off")
    aafrag._cached.cache_clear()
    direct = aafrag.cross_section_matrix("gamma", "p-p", E, Ep)
    monkeypatch.setenv(array_cache.CACHE_ENV, str(tmp_path))
    aafrag._cached.cache_clear()
    first = aafrag.cross_section_matrix("gamma", "p-p", E, Ep)  # computed, written
    aafrag._cached.cache_clear()
    again = aafrag.cross_section_matrix("gamma", "p-p", E, Ep)  # read from disk
    aafrag._cached.cache_clear()
    assert len(list(tmp_path.glob("aafrag-*.npy"))) == 1
    assert np.array_equal(direct, first) and np.array_equal(direct, again)
    assert direct.max() > 0


def test_columns_from_disk_equal_the_integral_and_custom_fields_are_not_cached(tmp_path, monkeypatch):
    from dataclasses import dataclass

    from cocoonlib.core.geometry import WINDOWS, line_of_sight_integral
    from cocoonlib.sky import diffuse, gas

    monkeypatch.setenv(array_cache.CACHE_ENV, str(tmp_path))
    field = gas.gas_model("bronf_ferr")
    lam = np.array([np.inf, 30.0, 8.0])
    w = WINDOWS["outer"]
    direct = line_of_sight_integral(field, w, 1, lam)
    first = diffuse.effective_J(field, w, lam)  # computed and written
    again = diffuse.effective_J(field, w, lam)  # read back
    assert np.array_equal(first, direct) and np.array_equal(again, direct)
    assert diffuse.effective_J(field, w, None) == line_of_sight_integral(field, w, 1)
    assert len(list(tmp_path.glob("los-*.npy"))) == 2  # absorbed and unabsorbed
    diffuse.effective_J(field, WINDOWS["inner"], lam)
    assert len(list(tmp_path.glob("los-*.npy"))) == 3  # another window, another file

    @dataclass(frozen=True)
    class DoubledGas(gas.BronfFerr):  # a gas model written by a user: its code is not in the key
        def density(self, r_kpc, z_kpc):
            return 2.0 * super().density(r_kpc, z_kpc)

    mine = diffuse.effective_J(DoubledGas(), w, lam)
    assert np.allclose(mine, 2.0 * line_of_sight_integral(gas.gas_model("bronf_ferr"), w, 1, lam), rtol=1e-12)
    assert len(list(tmp_path.glob("los-*.npy"))) == 3


def test_sea_columns_are_kept_as_node_columns(tmp_path, monkeypatch):
    """The sea-weighted columns are cached at the rigidity nodes (never as the SVD basis's columns): read back equal,
    one file per species and window, and the values equal the uncached integral times the loadings."""
    from cocoonlib.book import params
    from cocoonlib.core.geometry import WINDOWS, line_of_sight_integral
    from cocoonlib.core.units import KPC_CM
    from cocoonlib.sky import diffuse, gas

    monkeypatch.setenv(array_cache.CACHE_ENV, str(tmp_path))
    P = params.validate({})
    disk = from_params.cocoon_disk(P)
    sea = from_params.transport_sea(P, from_params.transport_solutions(P, disk), disk)
    g, w, lam = gas.gas_model("nakanishi_sofue"), WINDOWS["outer"], np.array([np.inf, 8.0])
    first = diffuse.sea_columns_by_species(g, sea, w, lam)
    again = diffuse.sea_columns_by_species(g, sea, w, lam)
    assert len(list(tmp_path.glob("sea-*.npy"))) == 2  # H and He
    for sp in ("H", "He"):
        assert np.array_equal(first[sp], again[sp]) and first[sp].shape == (2, sea.rigidity_nodes_GV.size)
        basis = line_of_sight_integral(diffuse.CRWeightedGas(g, sea, sp), w, 1, lam)
        assert np.allclose(first[sp], basis @ sea.loadings(sp).T * KPC_CM / w.solid_angle_sr, rtol=1e-12)


def test_cached_json_reads_back_the_same_value(tmp_path, monkeypatch):
    """A JSON result (a fit's summary) is computed once and read back equal: floats to the last bit, infinities and
    NaN kept; another input computes again."""
    monkeypatch.setenv(array_cache.CACHE_ENV, str(tmp_path))
    calls = []
    value = {"chi2": 0.1 + 0.2, "interval": [0.25, float("inf")], "p": float("nan"), "n": 3, "ok": True}

    def compute():
        calls.append(1)
        return value

    first, cached_first = array_cache.cached_json("demo_json", ("v1",), compute)
    second, cached_second = array_cache.cached_json("demo_json", ("v1",), compute)
    assert (cached_first, cached_second) == (False, True) and len(calls) == 1
    assert second["chi2"] == 0.1 + 0.2 and second["interval"] == [0.25, float("inf")] and second["p"] != second["p"]
    assert {k: v for k, v in second.items() if k != "p"} == {k: v for k, v in first.items() if k != "p"}
    array_cache.cached_json("demo_json", ("v2",), compute)
    assert len(calls) == 2
