"""Where every input of the book comes from: the data registry, the transcribed tables, the software.

The book's page *Data and software* shows these tables; citations are MyST ``{cite:p}`` roles, so the
page links each file to the bibliography.
"""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata

import pandas as pd

from cocoonlib.io import data, paths

__all__ = ["KEY_PACKAGES", "registry_markdown", "transcribed_markdown", "software_versions", "book_commit"]

#: the libraries whose versions the book prints (the full pinned list is requirements.txt)
KEY_PACKAGES = (
    "numpy",
    "scipy",
    "matplotlib",
    "pandas",
    "astropy",
    "aafragpy",
    "iminuit",
    "numba",
    "pooch",
    "papermill",
    "jupyter-book",
    "myst-nb",
    "nbval",
    "naima",
    "bokeh",
)


def _cite(bibkeys: str) -> str:
    keys = [k.strip() for k in str(bibkeys).split(";") if k.strip()]
    return f"{{cite:p}}`{','.join(keys)}`" if keys else "-"


def _escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def registry_markdown() -> str:
    """One row per registered file: data set, citation, DOI, source (repository at commit), licence, sha256."""
    reg = data.registry()
    rows = [
        "| file | data set | citation | DOI | source (repository @ commit) | licence | sha256 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, e in reg.iterrows():
        doi = f"[{e['doi']}](https://doi.org/{e['doi']})" if isinstance(e["doi"], str) and e["doi"] else "-"
        source = f"[{e['repository']} @ {str(e['commit'])[:10]}]({e['url']})"
        rows.append(
            f"| `{name}` | {_escape(e['dataset'])} | {_cite(e['bibkey'])} | {doi} | {source} | "
            f"{_escape(e['licence'])} | `{e['sha256']}` |"
        )
    return "\n".join(rows)


def transcribed_markdown() -> str:
    """One row per hand-written table in data/transcribed/: file and its first header line (the citation)."""
    rows = ["| file | citation header |", "|---|---|"]
    for f in sorted(paths.TRANSCRIBED.rglob("*.csv")):
        first = next((line[1:].strip() for line in f.read_text().splitlines() if line.startswith("#")), "-")
        rows.append(f"| `{f.relative_to(paths.TRANSCRIBED)}` | {_escape(first)} |")
    return "\n".join(rows)


def software_versions() -> pd.DataFrame:
    """Python and the installed versions of :data:`KEY_PACKAGES` (as this build ran them)."""
    rows = {"python": platform.python_version()}
    for p in KEY_PACKAGES:
        try:
            rows[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            rows[p] = "not installed"
    return pd.DataFrame({"version": rows}).rename_axis("package")


def book_commit() -> str:
    """The git commit of the book's sources, with '+changes' when the work tree differs ('unknown' outside git)."""
    try:
        run = lambda *a: subprocess.run(["git", *a], cwd=paths.ROOT, capture_output=True, text=True, check=True).stdout  # noqa: E731
        sha = run("rev-parse", "HEAD").strip()
        dirty = run("status", "--porcelain", "--untracked-files=no").strip()
        return sha + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
