"""Write each chapter's papermill ``parameters`` cell from the parameter declarations.

    python tools/parameters_cells.py          # every chapter notebook, in place

A parameter is declared once, in ``cocoonlib/book/params/declarations.py``; its group and what it affects decide which chapters
take it (``cocoonlib/book/chapters/registry.py``), and this script writes it, at its default and with its unit and
description, into those chapters' parameters cells (:func:`cocoonlib.book.chapters.parameters_cell_source`).
Only that cell changes; re-execute the notebooks afterwards (``python tools/run_notebooks.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cocoonlib.book.chapters import CHAPTERS, parameters_cell_source  # noqa: E402


def main() -> int:
    for name, chapter in CHAPTERS.items():
        nb = nbformat.read(chapter.path, as_version=4)
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        new = parameters_cell_source(name)
        if cell.source != new:
            cell.source = new
            nbformat.write(nb, chapter.path)
            print(f"{chapter.notebook}: parameters cell written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
