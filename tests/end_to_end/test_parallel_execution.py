"""The book's notebooks executed side by side before Sphinx reads them (book/_ext/cocoon_execute.py): kernels over IPC
that all finish, outputs in place, a failing cell reported with its notebook, and the slowest notebooks first."""

from __future__ import annotations

import asyncio
import importlib.util
import json
from pathlib import Path

import nbformat
import pytest

from cocoonlib.io import paths


@pytest.fixture(scope="module")
def executor():
    spec = importlib.util.spec_from_file_location("cocoon_execute", paths.ROOT / "book" / "_ext" / "cocoon_execute.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _notebook(path, source):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def test_three_notebooks_on_two_kernels_give_their_outputs_and_a_failure_names_its_notebook(executor, tmp_path):
    good = [_notebook(tmp_path / f"n{i}.ipynb", f"import os\nprint({i} * 7, os.getcwd())") for i in range(2)]
    bad = _notebook(tmp_path / "bad.ipynb", "raise ValueError('broken on purpose')")
    results = asyncio.run(executor.execute_all([*good, bad], workers=2, timeout=60))
    assert [r[0] for r in results] == [*good, bad]
    for i, (_, nb, seconds, error) in enumerate(results[:2]):
        assert error is None and seconds > 0
        text = nb.cells[0].outputs[0]["text"]
        assert text.split()[0] == str(i * 7) and text.split()[1] == str(tmp_path)  # run in the notebook's folder
        assert "execution" not in nb.cells[0].metadata  # no timing: the cache matches on the cells' metadata
    assert results[2][3] is not None and "broken on purpose" in str(results[2][3])


def test_the_slowest_notebook_of_the_last_build_starts_first_and_a_new_one_before_it(executor, tmp_path, monkeypatch):
    monkeypatch.setenv("COCOON_DATA_CACHE", str(tmp_path))
    (tmp_path / "book-execution-seconds.json").write_text(json.dumps({"a.ipynb": 1.0, "b.ipynb": 9.0}))
    order = executor._longest_first([tmp_path / "a.ipynb", tmp_path / "b.ipynb", tmp_path / "new.ipynb"])
    assert [p.name for p in order] == ["new.ipynb", "b.ipynb", "a.ipynb"]


def test_only_the_notebooks_sphinx_will_read_are_executed(executor):
    class Env:  # the one method of Sphinx's BuildEnvironment the executor asks
        def doc2path(self, docname):
            return f"/book/{docname}" + (".ipynb" if docname.startswith("notebooks/") else ".md")

    found = executor.notebooks_to_read(Env(), {"notebooks/02_bc_fit", "book/intro", "notebooks/01_cocoon_model"})
    assert [p.name for p in found] == ["01_cocoon_model.ipynb", "02_bc_fit.ipynb"]


def test_the_cache_holds_what_this_build_stored_and_nothing_from_before(executor, tmp_path):
    from jupyter_cache import get_cache

    class Env:  # what the executor reads of Sphinx's environment: MyST-NB's configuration
        class mystnb_config:  # noqa: N801
            execution_cache_path = str(tmp_path / "cache")

    path = _notebook(tmp_path / "a.ipynb", "print(6 * 7)")
    results = asyncio.run(executor.execute_all([path], workers=1, timeout=60))
    executor._store(Env, results)
    cache = get_cache(Env.mystnb_config.execution_cache_path)
    record = cache.match_cache_notebook(nbformat.read(path, as_version=4))  # what MyST-NB asks: the same code
    assert cache.get_cache_bundle(record.pk).nb.cells[0].outputs[0]["text"].strip() == "42"
    executor._clear(Env)
    assert cache.list_cache_records() == []


def test_the_kernels_of_nbval_and_of_the_command_talk_over_ipc(tmp_path):
    """Two kernels started at the same moment on TCP can be given the same port (seen in CI); nbval's kernels (through
    tests/conftest.py) and those of `cocoon run` and scans use IPC sockets with names of their own."""
    from nbval.kernel import RunningKernel

    from cocoonlib.book.cli.runner import kernel_manager_with_env

    kernel = RunningKernel("python3", cwd=str(tmp_path))
    try:
        assert kernel.km.transport == "ipc" and kernel.km.is_alive()
        assert kernel.km.ip.endswith("-ipc") and Path(kernel.km.connection_file).stem in kernel.km.ip
    finally:
        kernel.stop()
    km = kernel_manager_with_env({})(kernel_name="python3")
    assert km.transport == "ipc" and Path(km.connection_file).stem in km.ip
    assert kernel_manager_with_env({})(kernel_name="python3").connection_file != km.connection_file


def test_a_kernel_serves_several_notebooks_each_as_if_in_a_new_kernel(executor, tmp_path):
    """One kernel executes three notebooks in a row: the second does not see the first's names, gets matplotlib's
    settings back, runs in its own folder and numbers its cells from 1; a failure restarts the kernel."""
    (tmp_path / "sub").mkdir()
    first = _notebook(
        tmp_path / "a.ipynb",
        "import os, matplotlib as mpl\nleft_over = 1\nmpl.rcParams['lines.linewidth'] = 9\nprint(os.getpid())",
    )
    second = _notebook(
        tmp_path / "sub" / "b.ipynb",
        "import os, matplotlib as mpl\nprint(os.getpid(), 'left_over' in dir(), mpl.rcParams['lines.linewidth'], os.getcwd())",
    )
    bad = _notebook(tmp_path / "c.ipynb", "import os\nprint(os.getpid())\nraise ValueError('broken on purpose')")
    after = _notebook(tmp_path / "d.ipynb", "import os\nprint(os.getpid())")
    results = asyncio.run(executor.execute_all([first, second, bad, after], workers=1, timeout=60))
    pids = [r[1].cells[0].outputs[0]["text"].split()[0] for r in results]
    assert pids[0] == pids[1] == pids[2] != pids[3]  # one kernel, then a new one after the failure
    _, leaked, width, cwd = results[1][1].cells[0].outputs[0]["text"].split()
    assert (leaked, cwd) == ("False", str(tmp_path / "sub")) and float(width) != 9
    assert [r[1].cells[0].execution_count for r in results if r[3] is None] == [1, 1, 1]
    assert all(len(r[1].cells) == 1 for r in results)  # the fresh start's cell is not stored


def _printed(nb) -> list:
    """Every text a notebook printed or displayed, without what differs between any two runs (object addresses,
    the random ids of pandas' tables, the glued run time of a chapter)."""
    import re

    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("metadata", {}).get("scrapbook", {}).get("name", "").endswith("_runtime"):
                continue
            texts = [o["text"]] if o.get("output_type") == "stream" else list(o.get("data", {}).values())
            for t in texts:
                if isinstance(t, str) and not t.startswith("iVBOR"):  # not a PNG
                    out.append(re.sub(r"T_[0-9a-f]{5}", "T_id", re.sub(r" at 0x[0-9a-f]+", "", t)))
    return out


@pytest.mark.slow
@pytest.mark.usefixtures("mirror")
def test_chapters_sharing_a_kernel_print_what_they_print_each_in_its_own(executor):
    """Chapters 2 and 6 in one kernel (the second finds the first's modules and caches) print and display exactly
    what each prints in a kernel of its own."""
    chapters = [paths.NOTEBOOKS / "02_bc_fit.ipynb", paths.NOTEBOOKS / "06_appendix_delta.ipynb"]
    shared = asyncio.run(executor.execute_all(chapters, workers=1, timeout=900))
    alone = [asyncio.run(executor.execute_all([c], workers=1, timeout=900))[0] for c in chapters]
    for s, a in zip(shared, alone):
        assert s[3] is None and a[3] is None
        assert _printed(s[1]) == _printed(a[1]) and len(_printed(s[1])) > 10, s[0].name
