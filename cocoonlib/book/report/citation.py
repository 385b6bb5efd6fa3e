"""How to cite the compendium, derived from ``CITATION.cff`` (never typed a second time).

The book's page *How to cite* and the footer of every page are filled in at build time from these
functions (through the Sphinx extension ``book/_ext/cocoon_book.py``): the compendium's citation at the
version of ``CITATION.cff`` and the git commit the book was built from, as BibTeX and as text, and the
BibTeX entries of the letter and the proceeding as ``book/references.bib`` holds them.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from cocoonlib.io import paths

__all__ = [
    "read_cff",
    "book_version",
    "authors_text",
    "compendium_bibtex",
    "compendium_text",
    "bib_entry",
    "footer_html",
]


def read_cff(path: str | Path | None = None) -> dict:
    """The parsed ``CITATION.cff`` (default: the one at the root of the book); a clear error if a field the
    citation needs is missing."""
    import yaml

    path = Path(path) if path is not None else paths.ROOT / "CITATION.cff"
    cff = yaml.safe_load(path.read_text())
    for key in ("title", "authors", "version", "date-released", "repository-code"):
        if not cff.get(key):
            raise ValueError(f"{path}: field {key!r} is missing; it is needed for the book's citation")
    return cff


def book_version(cff: dict | None = None) -> str:
    """The compendium's version, as ``CITATION.cff`` states it."""
    return str((cff or read_cff())["version"])


def _person(a: dict) -> tuple[str, str]:
    """(BibTeX form, text form) of one CFF author: a person (family-names, given-names) or an entity (name)."""
    if "family-names" in a:
        family, given = a["family-names"], a.get("given-names", "")
        return (f"{family}, {given}" if given else family), (f"{given} {family}".strip())
    return "{" + a["name"] + "}", a["name"]  # braces: an entity is one name, not "first last"


def authors_text(cff: dict) -> str:
    """The authors for a text citation: 'A', 'A and B', 'A, B and C'."""
    names = [_person(a)[1] for a in cff["authors"]]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _key(cff: dict) -> str:
    return "cocoonbook_v" + re.sub(r"[^0-9A-Za-z]+", "_", book_version(cff))


def compendium_bibtex(cff: dict, commit: str) -> str:
    """A BibTeX ``@software`` entry for the compendium at ``commit`` (the version of the CFF, its date,
    licence and repository)."""
    date = str(cff["date-released"])
    fields = {
        "author": " and ".join(_person(a)[0] for a in cff["authors"]),
        "title": "{" + cff["title"] + "}",
        "version": book_version(cff),
        "year": date[:4],
        "date": date,
        "url": cff["repository-code"],
        "note": f"commit {commit}",
    }
    if cff.get("license"):
        fields["license"] = cff["license"]
    if cff.get("doi"):
        fields["doi"] = cff["doi"]
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
    return f"@software{{{_key(cff)},\n{body}\n}}"


def compendium_text(cff: dict, commit: str) -> str:
    """The compendium's citation as one line of text, with version and commit."""
    doi = f" doi:{cff['doi']}." if cff.get("doi") else ""
    return (
        f"{authors_text(cff)} ({str(cff['date-released'])[:4]}). {cff['title']}. "
        f"Version {book_version(cff)}, commit {commit}. {cff['repository-code']}.{doi}"
    )


@cache
def _bib_entries(path: str) -> dict[str, str]:
    text = Path(path).read_text()
    out = {}
    for chunk in re.split(r"\n(?=@)", text):
        m = re.match(r"\s*@\w+\{([^,\s]+),", chunk)
        if m:
            out[m.group(1)] = chunk.strip()
    return out


def bib_entry(key: str, path: str | Path | None = None) -> str:
    """The entry ``key`` of ``book/references.bib`` exactly as written there."""
    path = str(path if path is not None else paths.BOOK / "references.bib")
    entries = _bib_entries(path)
    if key not in entries:
        raise KeyError(f"bibliography key {key!r} is not in {path}")
    return entries[key]


def footer_html(cff: dict, commit: str) -> str:
    """The line every page of the book shows at its foot: version and commit of the build."""
    from html import escape

    short = commit[:12] + ("+changes" if commit.endswith("+changes") else "")
    return (
        f'<p class="cocoon-build">Built from cocoon-book version {escape(book_version(cff))}, '
        f'commit <code title="{escape(commit)}">{escape(short)}</code>.</p>'
    )
