"""Regenerate data/registry.csv from the mirror's SOURCES.md (maintainer tool).

    python tools/make_registry.py ../shared/data/SOURCES.md

Reads every table row that names a local file, builds the raw URL pinned to the
commit, and joins the DOI and bibliography key from data/doi_map.csv.

* the commit cell may add where the file last changed ("`<hash>` (file last changed in `<hash>`)"):
  the first 40-hex hash, the commit the URL is pinned to, is used;
* a reference cell "same" repeats the reference of the row above it;
* a row whose cells, or whose section heading, say the numbers were digitised gets ", digitised"
  appended to its data-set name (if the name does not say so already), so that every table of the book
  shows it ("digitised"/"digitisations" is SOURCES.md's word; IceCube's folder "Digitized Tables" holds a table).
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"


#: a section whose table has six columns (dataset, local path, path in repo, numbers from, bytes, sha256)
#: names the repository, commit, columns and licence once, in three lines before the table:
#: "... (owner/repo @ `commit`),", "<columns and units>,", "<licence (...)>. ..."
_COMPACT_REPO = re.compile(r"\(([\w.-]+/[\w.-]+) @ `([0-9a-f]{40})`\),$")


def _compact_section(lines: list[str], i: int) -> dict:
    """Repository, commit, units and licence stated above the six-column table that starts at line ``i``."""
    for j in range(i - 1, -1, -1):
        if lines[j].startswith("## "):
            break
        m = _COMPACT_REPO.search(lines[j])
        if m:
            licence = lines[j + 2].split(")")[0] + ")"
            return {"repo": m.group(1), "commit": m.group(2), "units": lines[j + 1].rstrip(","), "licence": licence}
    raise ValueError(f"line {i + 1}: a six-column table without '(owner/repo @ `commit`),' above it")


def rows(sources_md: Path):
    lines = sources_md.read_text().splitlines()
    section, previous_ref = "", ""
    for i, line in enumerate(lines):
        if line.startswith("#"):
            section = line
            continue
        if not line.startswith("| ") or "`" not in line:
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if len(cells) == 6:  # compact table: repository, commit, units and licence from the section's text
            dataset, local, path, ref, nbytes, sha = cells
            sec = _compact_section(lines, i)
            cells = [dataset, local, sec["repo"], sec["commit"], path, sec["licence"], sec["units"], ref, nbytes, sha]
        if len(cells) != 10:
            continue
        dataset, local, repo, commit, path, licence, units, ref, nbytes, sha = cells
        strip = lambda s: s.strip().strip("`")  # noqa: E731
        commit = re.search(r"[0-9a-f]{40}", commit).group(0)
        ref = previous_ref if ref == "same" else ref
        previous_ref = ref
        if "digitis" in line + section and "digitis" not in dataset:  # SOURCES.md's own word (not a folder name)
            dataset += ", digitised"
        yield {
            "name": strip(local),
            "url": RAW.format(repo=repo, commit=strip(commit), path=strip(path).replace(" ", "%20")),
            "sha256": strip(sha),
            "bytes": int(nbytes),
            "dataset": dataset.replace("\\|", "|"),
            "reference": ref,
            "licence": licence,
            "units": units.replace("\\|", "|"),
            "repository": repo,
            "commit": strip(commit),
            "path_in_repository": strip(path),
        }


def main(argv):
    src = Path(argv[1] if len(argv) > 1 else ROOT.parent / "shared" / "data" / "SOURCES.md")
    dois = {}
    doi_map = ROOT / "data" / "doi_map.csv"
    if doi_map.exists():
        with doi_map.open() as fh:
            dois = {r["reference"]: r for r in csv.DictReader(fh)}
    out = list(rows(src))
    for r in out:
        d = dois.get(r["reference"], {})
        r["doi"], r["bibkey"] = d.get("doi", ""), d.get("bibkey", "")
    fields = [
        "name",
        "dataset",
        "reference",
        "doi",
        "bibkey",
        "licence",
        "url",
        "sha256",
        "bytes",
        "repository",
        "commit",
        "path_in_repository",
        "units",
    ]
    with (ROOT / "data" / "registry.csv").open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        for r in sorted(out, key=lambda r: r["name"]):
            w.writerow({k: r[k] for k in fields})
    missing = [r["reference"] for r in out if not r["doi"]]
    print(f"{len(out)} files; {len(missing)} without DOI")
    for m in sorted(set(missing)):
        print("  no DOI:", m)


if __name__ == "__main__":
    main(sys.argv)
