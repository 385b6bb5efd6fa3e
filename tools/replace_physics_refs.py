"""Rewrite citations of the outside physics specification ("PHYSICS.md 6.2") as citations of the book's
Methods part ("Methods, methods-diffusion"), in place.

The specification is not part of the repository, so a reader who follows such a citation ends nowhere.
Every section of it that the code cites has a home in ``book/methods/``; :data:`SECTIONS` says which MyST
label now carries it. A citation is ``PHYSICS.md``, optionally ``section``/``sections``, and section
numbers joined by commas, ``and`` or ``-`` (a range): each number is mapped, labels contained in another
label of the same citation (a section and its page) are merged, and the citation becomes
``Methods, <label>[ and <label>...]``. A few citations whose wording only makes sense with the old file
("PHYSICS.md puts the cut-off at ...", a bare "(PHYSICS.md)") are rewritten whole by :data:`PHRASES`.

Usage::

    python tools/replace_physics_refs.py [PATH ...]           # dry run: report, change nothing
    python tools/replace_physics_refs.py --write [PATH ...]   # rewrite the files in place

PATHs are files or folders (default: cocoonlib, tests, notebooks, book, tools, benchmarks, README.md).
The report lists every rewrite as ``file:line: old -> new`` and every citation it cannot map; the exit
status is 1 if there is any, so that nothing is left behind unnoticed. Notebooks are rewritten as text:
the replacements contain no character that JSON would escape.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATHS = ("cocoonlib", "tests", "notebooks", "book", "tools", "benchmarks", "README.md")
SUFFIXES = {".py", ".md", ".ipynb", ".yml", ".yaml", ".txt", ".cfg", ".toml", ".rst"}
SKIP_DIRS = {".venv", "venv", "_build", ".git", "__pycache__", ".ipynb_checkpoints", ".pytest_cache"}

#: section of the specification -> label of the book's Methods part that now carries it
SECTIONS: dict[str, str] = {
    "1": "methods-cocoon-density",
    "1.1": "methods-cocoon-density",
    "1.2": "methods-cocoon-density",
    "2": "methods-injection",
    "2.1": "methods-injection",
    "2.2": "methods-injection",
    "3": "methods-grammage",
    "3.1": "methods-cocoon-conditions",
    "3.2": "methods-grammage",
    "3.3": "methods-grammage-advection-diffusion",
    "3.4": "methods-cocoon-conditions",
    "4": "methods-production",
    "4.1": "methods-emissivity",
    "4.2": "methods-kelner",
    "4.3": "methods-delta-approximation",
    "4.4": "methods-helium-superposition",
    "4.5": "methods-aafrag",
    "4.6": "methods-production-compared",
    "5": "methods-sky",
    "5.1": "methods-line-of-sight",
    "5.2": "methods-sky-windows",
    "5.3": "methods-neutrino-bands",
    "5.4": "methods-intensity",
    "6": "methods-transport",
    "6.1": "methods-slab-transport",
    "6.2": "methods-diffusion",
    "6.3": "methods-cross-sections",
    "6.4": "methods-cocoon-secondaries",
    "6.5": "methods-secondary-ratio",
    "6.6": "methods-force-field",
    "6.7": "methods-bc-fit",
    "7": "methods-cocoon-conditions",
    "8": "methods-dge",
}

#: whole phrases rewritten before the generic rule: bare citations, and wording that only the old file
#: made true (it quoted numbers the book computes, or the book's Methods put elsewhere)
PHRASES: dict[str, str] = {
    "Confidence tags (as in the physics specification, ``PHYSICS.md``):": "Confidence tags (as in the book, Methods, methods-confidence):",
    "0.061 / 0.050 for F_e / F_numu1 (PHYSICS.md).": "0.061 / 0.050 for F_e / F_numu1 (an independent implementation; Methods, methods-kelner).",
    "# He: PHYSICS.md puts the cut-off at the same energy, this book at the same rigidity (factor Z): 0.4 % apart": "# He: a cut-off at the same energy (the reference value) and this book's at the same rigidity "
    "(factor Z, Methods, methods-injection) are 0.4 % apart",
    "PHYSICS.md 4.2 reference values (independent implementation)": "Reference values of an independent implementation (Methods, methods-kelner)",
    "PHYSICS.md 4.6 (independent computation):": "An independent computation (Methods, methods-production-compared):",
    "PHYSICS.md 2.2 (independent computation):": "An independent computation (Methods, methods-injection):",
    "PHYSICS.md 6.2 lists X_gal of carbon at the CRAMS defaults (computed there independently, to 2-3 digits).": "X_gal of carbon at the CRAMS defaults from an independent computation, to 2-3 digits "
    "(Methods, methods-diffusion).",
    "PHYSICS.md section 7 table (rounded to ~2 %).": "Independent values of the size bound, rounded to ~2 % (Methods, methods-cocoon-conditions).",
    "# PHYSICS.md 1.1 values": "# independent values (Methods, methods-cocoon-density)",
    "the number of PHYSICS.md 5.1": "the number of Methods, methods-intensity",
    "PHYSICS.md 6.2 quotes 7.0 TV": "an independent computation gives 7.0 TV",
    "PHYSICS.md 6.5 (derived from 6.1 and 6.4": "Methods, methods-secondary-ratio (derived from the transport equation and the cocoon source term",
}

_NUM = r"\d+(?:\.\d+)?"
CITATION = re.compile(rf"PHYSICS\.md(?:\s+sections?)?(?P<nums>\s+{_NUM}(?:\s*(?:,|-|and)\s*{_NUM})*)?")


@dataclass(frozen=True)
class Change:
    path: Path
    line: int
    old: str
    new: str | None  # None: cannot be mapped

    def __str__(self) -> str:
        where = f"{self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path}:{self.line}"
        return f"{where}: {self.old!r} -> {self.new!r}" if self.new else f"{where}: {self.old!r} CANNOT MAP"


def _sections(nums: str) -> list[str]:
    """'6.1, 6.5' -> ['6.1', '6.5']; '3.2-3.3' -> ['3.2', '3.3'] (a range names its two ends)."""
    return re.findall(_NUM, nums)


def replacement(citation: str) -> str | None:
    """The Methods citation for one ``PHYSICS.md ...`` citation, or None if a section has no home."""
    m = CITATION.fullmatch(citation.strip())
    if not m or not m.group("nums"):
        return None
    labels: list[str] = []
    for number in _sections(m.group("nums")):
        if number not in SECTIONS:
            return None
        if SECTIONS[number] not in labels:
            labels.append(SECTIONS[number])
    kept = [a for a in labels if not any(a != b and a.startswith(b + "-") for b in labels)]
    return "Methods, " + " and ".join(kept)


def rewrite(text: str, path: Path) -> tuple[str, list[Change]]:
    """The text with every citation rewritten, and the list of changes (unmappable ones with new=None)."""
    changes: list[Change] = []

    def line_of(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    for old, new in PHRASES.items():
        start = 0
        while (i := text.find(old, start)) >= 0:
            changes.append(Change(path, line_of(i), old, new))
            start = i + len(old)
    for old, new in PHRASES.items():
        text = text.replace(old, new)

    out, last = [], 0
    for m in CITATION.finditer(text):
        new = replacement(m.group(0))
        changes.append(Change(path, line_of(m.start()), m.group(0), new))
        if new is not None:
            broken = re.search(r"\s*\n\s*", m.group(0))  # a citation split over two lines stays split
            out.append(text[last : m.start()] + (new.replace(" ", broken.group(0), 1) if broken else new))
            last = m.end()
    out.append(text[last:])
    return "".join(out), sorted(changes, key=lambda c: c.line)


def files(paths) -> list[Path]:
    """Text files under ``paths`` (this tool excluded: its tables name the old file on purpose)."""
    here = Path(__file__).resolve()
    found = []
    for p in paths:
        p = (ROOT / p) if not Path(p).is_absolute() else Path(p)
        candidates = [p] if p.is_file() else sorted(q for q in p.rglob("*") if q.is_file()) if p.is_dir() else []
        for q in candidates:
            if q.resolve() == here or q.suffix not in SUFFIXES or SKIP_DIRS & set(q.parts):
                continue
            found.append(q)
    return found


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", default=list(DEFAULT_PATHS))
    ap.add_argument("--write", action="store_true", help="rewrite the files in place (default: dry run)")
    args = ap.parse_args(argv)
    all_changes: list[Change] = []
    for f in files(args.paths):
        text = f.read_text()
        if "PHYSICS.md" not in text:
            continue
        new_text, changes = rewrite(text, f)
        all_changes += changes
        if args.write and new_text != text:
            f.write_text(new_text)
    mapped = [c for c in all_changes if c.new is not None]
    unmapped = [c for c in all_changes if c.new is None]
    for c in mapped:
        print(c)
    print(
        f"\n{len(mapped)} citation(s) {'rewritten' if args.write else 'to rewrite (dry run)'} "
        f"in {len({c.path for c in mapped})} file(s); {len(unmapped)} cannot be mapped"
    )
    for c in unmapped:
        print(c)
    return 1 if unmapped else 0


if __name__ == "__main__":
    sys.exit(main())
