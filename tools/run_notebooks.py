"""Execute chapter notebooks in place, as the book build does, and keep their outputs for nbval.

    python tools/run_notebooks.py                      # every chapter of _toc.yml, in order
    python tools/run_notebooks.py 03_gamma_rays 04_neutrinos

The notebooks run in ``notebooks/`` with the default parameters (chapter 2 first, so that a chapter
reading its saved fit finds it); execution timestamps are dropped, so that a re-execution that changes
no number changes no byte of the committed outputs, and so are the figures (:func:`without_figures`): the book
draws them when it is built, nbval compares text, and a chapter with its PNGs would weigh megabytes in git. Set
``COCOON_DATA_MIRROR`` first when offline.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def chapters() -> list[Path]:
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [ROOT / f"{f}.ipynb" for f in files if f.startswith("notebooks/")]


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    t = time.perf_counter()
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - t
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    nbformat.write(without_figures(nb), path)
    return seconds


#: output types that are pictures, shown or glued (``application/papermill.record/image/png``); the committed
#: notebooks keep the text beside them
FIGURE_TYPES = ("image/png", "image/jpeg", "image/svg+xml", "application/pdf")


def without_figures(nb):
    """``nb`` with the pictures removed from every output (their text representation, e.g. ``<Figure ...>``, kept)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for kind in [k for k in data if k.endswith(FIGURE_TYPES)]:
                del data[kind]
    return nb


def main(names: list[str]) -> None:
    paths = chapters() if not names else [ROOT / "notebooks" / f"{n.removesuffix('.ipynb')}.ipynb" for n in names]
    for p in paths:
        print(f"{p.name}: {run(p):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
