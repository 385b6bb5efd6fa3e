"""Finding the book's folder: a checkout, COCOON_BOOK_ROOT, or the current folder for an installed package."""

import subprocess
import sys
from pathlib import Path

from cocoonlib.io import paths


def _book(folder):
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "registry.csv").write_text("name\n")
    (folder / "_toc.yml").write_text("root: intro\n")
    return folder


def test_the_checkout_is_the_root():
    assert paths.is_book_root(paths.ROOT) and paths.FOUND_ROOT == paths.ROOT


def test_the_named_folder_wins_and_must_hold_a_book(tmp_path, monkeypatch):
    book = _book(tmp_path / "book")
    monkeypatch.setenv(paths.ROOT_ENV, str(book))
    assert paths.find_root() == book.resolve()
    monkeypatch.setenv(paths.ROOT_ENV, str(tmp_path / "nothing"))
    assert paths.find_root() is None


def test_an_installed_package_finds_the_book_from_the_current_folder(tmp_path):
    """The module as ``pip install .`` puts it (a copy in site-packages, no book around it) finds the book from the
    current folder, one level inside it; outside any book it finds none."""
    book = _book(tmp_path / "book")
    (book / "notebooks").mkdir()
    installed = tmp_path / "site-packages" / "cocoonlib" / "io" / "paths.py"
    installed.parent.mkdir(parents=True)
    installed.write_text(Path(paths.__file__).read_text())
    code = f"import runpy; print(runpy.run_path({str(installed)!r})['FOUND_ROOT'])"

    def run(cwd):
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}
        )
        return out.stdout.strip()

    assert run(book / "notebooks") == str(book.resolve())
    assert run(tmp_path) == "None"


def test_cocoon_run_without_a_book_says_how_to_point_at_one(tmp_path):
    env = {"PATH": "/usr/bin:/bin", paths.ROOT_ENV: str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "cocoonlib.book.cli", "run", "model", "-o", str(tmp_path / "o")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 2 and paths.ROOT_ENV in out.stderr and len(out.stderr.strip().splitlines()) == 1
