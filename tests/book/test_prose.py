"""No number typed into the book's prose (issue 29): every numeral of a markdown cell of a chapter or of a page is
glued from the computation, or one of what cocoonlib.book.report.prose lets through (references, names, math, the energies
of key numbers, the papers' quoted values of its allowlist)."""

import json

import pytest

from cocoonlib.book.report import prose
from cocoonlib.io import paths

FILES = prose.book_files(paths.ROOT)


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(paths.ROOT)) for p in FILES])
def test_no_number_is_typed_into_the_prose(path):
    found = [(i, hit) for i, cell in enumerate(prose.markdown_of(path)) for hit in prose.typed_numbers(cell)]
    assert not found, f"{path.name}: numbers typed into the prose (glue them, or cite them in prose.ALLOWLIST): {found}"


def test_the_scanner_finds_a_typed_decimal_and_lets_the_rest_through(tmp_path):
    """A made-up notebook: a typed result is found; glue, math, code, a reference, a year, a name with digits, an
    energy of a key number and a quoted value of the allowlist are not."""
    cells = [
        "The share is 0.47 at 1 TeV.",  # typed: found
        "The share is {glue:text}`gamma_share` at 1 TeV (chapter 3, eq. 7, Fig. 2, 2025; AMS-02).",
        "With $\\chi^2 = 51.1$ and `R0 = 20`, the letter's 0.4 [0.3, 0.6] g cm$^{-2}$ and R0 = 20 TV.",
        "```python\nx = 3.5\n```",
    ]
    nb = {
        "cells": [{"cell_type": "markdown", "source": c, "metadata": {}} for c in cells],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "made_up.ipynb"
    path.write_text(json.dumps(nb))
    hits = [prose.typed_numbers(c) for c in prose.markdown_of(path)]
    assert len(hits[0]) == 1 and "0.47" in hits[0][0]
    assert hits[1:] == [[], [], []]


def test_every_phrase_of_the_allowlist_cites_where_the_papers_give_it():
    for phrase, source in prose.ALLOWLIST.items():
        assert any(ref in source for ref in ("[AESB25]", "[ICRC25]", "PRL", "CPC", "App.")), (phrase, source)


def test_the_energies_let_through_are_those_of_key_numbers():
    from cocoonlib.book.chapters import CHAPTERS

    names = " ".join(k for ch in CHAPTERS.values() for k in ch.results)
    for phrase in prose.key_energies():
        number, unit = phrase.replace(" and ", "-").split(" ")[0], phrase.split(" ")[-1]
        assert unit.replace("/n", "").rstrip("n") in names, phrase
        assert number.split("-")[0] in names, phrase


def _run_notebooks():
    import importlib.util

    spec = importlib.util.spec_from_file_location("run_notebooks", paths.ROOT / "tools" / "run_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_chapters_carry_text_outputs_and_no_pictures():
    """The chapters are committed with their outputs for nbval, without the figures (the book draws them when it
    is built; tools/run_notebooks.py drops them): no picture in any output, and each file well under a megabyte."""
    for path in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        nb = json.loads(path.read_text())
        kinds = {k for c in nb["cells"] for o in c.get("outputs", []) for k in o.get("data", {})}
        assert not [k for k in kinds if k.endswith(("image/png", "image/svg+xml", "application/pdf"))], path.name
        assert "text/plain" in kinds and path.stat().st_size < 1_000_000, path.name


def test_dropping_figures_keeps_the_text_beside_them():
    import nbformat

    cell = nbformat.v4.new_code_cell("glue('fig', fig)")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={
                "application/papermill.record/image/png": "iVBOR",
                "application/papermill.record/text/plain": "<Image>",
            },
        ),
        nbformat.v4.new_output("execute_result", data={"text/plain": "42", "image/png": "iVBOR"}, execution_count=1),
    ]
    nb = _run_notebooks().without_figures(nbformat.v4.new_notebook(cells=[cell]))
    assert [dict(o["data"]) for o in nb.cells[0].outputs] == [
        {"application/papermill.record/text/plain": "<Image>"},
        {"text/plain": "42"},
    ]
