"""No number typed into the book's prose: a scanner for the markdown of the chapters and pages.

Every number a reader meets in a sentence of the book must come from the computation (glued, :mod:`myst_nb`), so that
it cannot drift from the number the book prints. :func:`typed_numbers` finds the numerals of a markdown text that are
none of the following, which carry no computed result:

* glued text and every other role (`{glue:text}`, citations, cross-references), inline code, math (``$...$``,
  ``$$...$$``), code blocks, directives, link targets, HTML tags, labels, headings (section numbers);
* references: "chapter 3", "eq. 7", "Fig. 2", "Sec. 3", "Table S2", "App. B", a journal's volume and page
  ("PRL 131, 151001"), an arXiv number, a year;
* names that contain digits ("AMS-02", "KM2A", "QGSJET-01", "1D");
* the energies at which key numbers are defined, as their names carry them (:func:`key_energies`: "1 TeV" of
  ``cocoon_fraction_inner_1TeV``);
* the phrases of :data:`ALLOWLIST`: the papers' own quoted values, each with its citation.

``tests/book/test_prose.py`` runs it on every notebook and page of the book.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

__all__ = ["ALLOWLIST", "typed_numbers", "markdown_of", "book_files", "key_energies"]

#: phrase (a regular expression) -> where the papers give it: the only numbers the book's prose may type
ALLOWLIST: dict[str, str] = {
    r"\b0\.4 \[0\.3, 0\.6\]": "[AESB25] Sec. 3 and abstract: the letter's best chi0 and its allowed range, g cm^-2",
    r"\b0\.3-0\.6 g cm": "[AESB25] Sec. 3: the letter's allowed range of chi0",
    r"(?:letter's|letter's value) (?:chi_?\{?c,0\}? ?= ?)?0\.4\b": "[AESB25] abstract: the letter's chi0",
    r"\b0\.3 Myr\b": "[AESB25] abstract, [ICRC25] Sec. 4: the letter's residence time",
    r"\b20 TV\b": "[ICRC25] eq. 4: 'we fix R0 = 20 TV'",
    r"\b0\.65\b": "[AESB25] Sec. 3: the letter's mask factor on the inner window",
    r"\b100 GeV\b": "[AESB25] App. A: Kelner's kernels above, the delta approximation below; neutrinos only above",
    r"\b166 TeV\b": "GRAPES-3, PRL 132, 051002 (2024): where the proton spectrum hardens",
    r"\b1-25 TeV\b": "LHAASO-WCDA, PRL 134, 081002 (2025): the energy range of its diffuse measurement",
    r"\b2\.5\s+times\b": "Chen, Fang & Bi, CPC 48, 115105 (2024): LHAASO masks each source to 2.5 times its Gaussian width",
}

_STRIP = [
    (r"^```(?!\{(?:glue:)?figure\}).*?^```", re.S | re.M),  # code blocks (a figure's caption is prose: kept)
    (r"^```\{(?:glue:)?figure\}.*$|^:\w+:.*$|^```$", re.M),  # the figure directive's own lines and options
    (r"^:::.*?^:::", re.S | re.M),
    (r"\$\$.*?\$\$", re.S),
    (r"(?<!\$)\$(?!\$)[^$]+?\$", re.S),
    (r"\\\(.*?\\\)", re.S),
    (r"\{[\w:-]+\}`[^`]*`", 0),
    (r"`[^`]*`", 0),
    (r"\]\([^)]*\)", 0),
    (r"<[^>]+>", 0),
    (r"^\([\w-]+\)=$", re.M),
    (r"\A---\n.*?\n---\n", re.S),
    (r"^#+ .*$", re.M),
]
_REFERENCES = [
    r"\b(?:[Cc]hapters?|Figs?\.|Figures?|[Ee]qs?\.|[Ee]quations?|Secs?\.|[Ss]ections?|Tables?|App\.|Appendix|Appendices)"
    r"\s+[A-Z]?\d+(?:\.\d+)*[a-z]?(?:\s*(?:-|and|,|to)\s*[A-Z]?\d+(?:\.\d+)*)*",
    r"\b(?:PRL|PRD|Phys\. Rev\. [A-Z]|ApJ|ApJS|A&A|MNRAS|JCAP|Science|Nature|Sci\. Bull\.|Phys\. Rep\.)\s+\d+,\s*[A-Z]?\d+",
    r"\barXiv:\s*\d+\.\d+",
    r"\b(?:19|20)\d\d[a-z]?\b",
]
_NAMES = r"\b[A-Za-z][A-Za-z+]*-?\d+(?:\.\d+)*[A-Za-z]*\b|\b\d+[A-Za-z]+[A-Za-z0-9]*\b"
_LIST_MARKERS = r"^\s*(?:\d+\.|-|\*)\s"
_NUMERAL = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w])")


def key_energies() -> list[str]:
    """The energies at which the book's key numbers are defined, as their names carry them
    (``cocoon_fraction_inner_1TeV`` -> "1 TeV", ``index_inner_1_10TeV`` -> "1-10 TeV" and "1 and 10 TeV",
    ``BC_chi0_00_100GeVn`` -> "100 GeV/n"): a sentence may name them, they define what the key measures."""
    from cocoonlib.book.chapters import CHAPTERS

    out = set()
    for ch in CHAPTERS.values():
        for key in (k.replace("TeV_n", "TeVn") for k in ch.results):
            for a, b, unit, n in re.findall(r"(?:^|_)r?(\d+)(?:_(\d+))?(TeV|GeV|PeV|GV|TV|kpc)(n?)(?=_|$)", key):
                per = "/n" if n else ""
                out.add(f"{b or a} {unit}{per}")
                if b and key.startswith("index_"):  # a range: the photon index between two energies
                    out |= {f"{a}-{b} {unit}{per}", f"{a} and {b} {unit}{per}"}
    return sorted(out, key=len, reverse=True)


def typed_numbers(text: str) -> list[str]:
    """The numerals of markdown ``text`` outside glue, references, names, math, code, the energies of the key numbers
    (:func:`key_energies`) and :data:`ALLOWLIST`, each with the words around it."""
    for pat in ALLOWLIST:
        text = re.sub(pat, " ", text)
    for phrase in key_energies():
        text = re.sub(rf"(?<![\w.]){re.escape(phrase)}(?!\w)", " ", text)
    for pat, flags in _STRIP:
        text = re.sub(pat, " ", text, flags=flags)
    for pat in _REFERENCES:
        text = re.sub(pat, " ", text)
    text = re.sub(_NAMES, " ", text)
    text = re.sub(_LIST_MARKERS, " ", text, flags=re.M)
    return [f"...{text[max(0, m.start() - 40) : m.end() + 20].strip()}..." for m in _NUMERAL.finditer(text)]


def markdown_of(path: str | Path) -> list[str]:
    """The markdown of a notebook (one string per markdown cell) or of a markdown page (one string)."""
    path = Path(path)
    if path.suffix == ".ipynb":
        return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "markdown"]
    return [path.read_text()]


def book_files(root: str | Path) -> list[Path]:
    """Every chapter notebook and page of the book under ``root``."""
    root = Path(root)
    return sorted(
        [
            *root.glob("notebooks/*.ipynb"),
            *root.glob("book/*.ipynb"),
            *root.glob("book/*.md"),
            *root.glob("book/methods/*.md"),
        ]
    )
