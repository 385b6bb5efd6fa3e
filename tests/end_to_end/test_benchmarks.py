"""benchmarks/run.py is not run by CI (its timings need a quiet machine), so a change of the library's interface could
break it unnoticed (it did once: part 2 passed a dict to a keyword-only function). These tests run its cheap parts
once each, with every timing repeated once, and check that everything its main block calls exists."""

from __future__ import annotations

import ast
import importlib.util

import pytest

from cocoonlib.io import paths

BENCHMARK = paths.ROOT / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("cocoon_benchmarks", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.best_of = lambda f, n: _once(f)
    return module


def _once(f):
    return 1e-3, f()  # a fixed time: only the code path is checked


def test_the_main_block_calls_only_functions_of_the_module(bench):
    tree = ast.parse(BENCHMARK.read_text())
    main = next(n for n in tree.body if isinstance(n, ast.If) and "__main__" in ast.unparse(n.test))
    called = {n.func.id for n in ast.walk(main) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    builtins = {"print", "len", "min", "max", "sorted", "range", "float", "int", "str"}
    missing = sorted(name for name in called - builtins if not callable(getattr(bench, name, None)))
    assert not missing, f"benchmarks/run.py calls what it does not define: {missing}"


@pytest.mark.parametrize("part", ["kelner_vs_naima", "aafrag_first_and_repeat", "bc_model_and_fit", "gamma_sky_parts"])
def test_a_cheap_part_runs(bench, part, capsys):
    getattr(bench, part)()
    assert capsys.readouterr().out.strip(), f"{part} printed nothing"


def test_ci_runs_without_the_benchmarks_settings(bench, monkeypatch):
    """`.ci/run` is timed as on a clean machine: the figures folder the book table sets (which once sent `cocoon run`'s
    figures elsewhere and failed a test) and the caller's PYTHONPATH do not reach it."""
    monkeypatch.setenv("COCOON_FIGURES_DIR", "/somewhere")
    monkeypatch.setenv("PYTHONPATH", "/a/checkout")
    monkeypatch.setenv("HOME_LIKE_SETTING", "kept")
    env = bench.clean_environment()
    assert "COCOON_FIGURES_DIR" not in env and "PYTHONPATH" not in env and env["HOME_LIKE_SETTING"] == "kept"
