"""The Methods part of the book: every section names its source, confidence, parameters and code, and every
name it gives exists (functions in cocoonlib, parameters in cocoonlib.book.params, keys in the bibliography)."""

import importlib
import importlib.util
import re

import pytest
import yaml

from cocoonlib.book.params import PARAMETERS, TAGS
from cocoonlib.io import paths

METHODS = paths.BOOK / "methods"
PAGES = sorted(METHODS.glob("*.md"))
ENTRIES = ("Source", "Confidence", "Parameters", "Code")
#: the outside specification's file name, spelt in two pieces so that this file does not name it
SPEC = "PHYSICS" + ".md"


def _sections():
    """(page, label, text) of every labelled section that has the four entries."""
    out = []
    for page in PAGES:
        if page.name == "index.md":  # the introduction describes the four entries, it has none
            continue
        parts = re.split(r"^\((methods[-\w]*)\)=\n", page.read_text(), flags=re.M)
        for label, body in zip(parts[1::2], parts[2::2]):
            if "\nCode\n:" in body:
                out.append((page.name, label, body))
    return out


SECTIONS = _sections()


def _entry(body: str, name: str) -> str:
    m = re.search(rf"^{name}\n: (.*?)(?=\n\n|\n[A-Z][a-z]+\n: |\Z)", body, re.S | re.M)
    assert m, f"entry {name!r} missing"
    return m.group(1)


def test_methods_pages_are_in_the_table_of_contents():
    toc = yaml.safe_load((paths.ROOT / "_toc.yml").read_text())
    part = next(p for p in toc["parts"] if p["caption"] == "Methods")
    assert {c["file"] for c in part["chapters"]} == {f"book/methods/{p.stem}" for p in PAGES}
    captions = [p["caption"] for p in toc["parts"]]
    assert captions.index("Methods") == captions.index("Reference") - 1  # after the appendices, before Reference


def test_labels_are_unique_and_every_section_has_the_four_entries():
    labels = [m for p in PAGES for m in re.findall(r"^\((methods[-\w]*)\)=$", p.read_text(), re.M)]
    assert len(labels) == len(set(labels)), labels
    assert len(SECTIONS) >= 25
    for page, label, body in SECTIONS:
        for name in ENTRIES:
            assert _entry(body, name), (page, label, name)


@pytest.mark.parametrize("page, label, body", SECTIONS, ids=[s[1] for s in SECTIONS])
def test_every_section_states_a_confidence_tag(page, label, body):
    tags = set(re.findall(r"\*\*(V-code|V|R|I)\*\*", _entry(body, "Confidence")))
    assert tags and tags <= set(TAGS), (label, tags)


def _resolve(dotted: str):
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        name = ".".join(parts[:i])
        if importlib.util.find_spec(name) is None if i == 1 else _is_module(name):
            obj = importlib.import_module(name)
            for attr in parts[i:]:
                obj = getattr(obj, attr)
            return obj
    raise ImportError(dotted)


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


@pytest.mark.parametrize("page, label, body", SECTIONS, ids=[s[1] for s in SECTIONS])
def test_code_entries_name_existing_functions_and_parameters_existing_parameters(page, label, body):
    code = _entry(body, "Code")
    names = re.findall(r"`(cocoonlib\.[\w.]+)`", code)
    assert names, f"{label}: no function named"
    for name in names:
        _resolve(name)  # raises if the module or attribute does not exist
    params = re.findall(r"`([A-Za-z_]\w*)`", _entry(body, "Parameters"))
    unknown = [p for p in params if p not in PARAMETERS]
    assert not unknown, f"{label}: not parameters of cocoonlib.book.params: {unknown}"


def test_every_physics_parameter_is_used_by_some_section():
    used = {p for _, _, body in SECTIONS for p in re.findall(r"`([A-Za-z_]\w*)`", _entry(body, "Parameters"))}
    missing = [n for n, p in PARAMETERS.items() if p.tag != "num" and n not in used]
    assert not missing, f"parameters no Methods section names: {missing}"


def test_citations_resolve_to_the_bibliography():
    bib = (paths.BOOK / "references.bib").read_text()
    keys = set(re.findall(r"^@\w+\{([^,\s]+),", bib, re.M))
    for page in [*PAGES, paths.BOOK / "intro.md", paths.BOOK / "how_to_cite.md", paths.BOOK / "bibliography.md"]:
        for group in re.findall(r"\{cite:[tp]\}`([^`]+)`", page.read_text()):
            for key in group.split(","):
                assert key.strip() in keys, f"{page.name}: {key} is not in references.bib"


def test_the_papers_shorthand_is_defined_for_readers():
    for page in (METHODS / "index.md", paths.BOOK / "bibliography.md", paths.BOOK / "intro.md"):
        text = page.read_text()
        assert "`[AESB25]`" in text and "`[ICRC25]`" in text and "Ambrosone2025" in text, page.name


def test_no_page_of_the_book_cites_a_file_outside_the_repository():
    pages = [
        *paths.BOOK.rglob("*.md"),
        *paths.BOOK.rglob("*.ipynb"),
        *paths.NOTEBOOKS.glob("*.ipynb"),
        *(paths.ROOT / "cocoonlib").rglob("*.py"),
        *(paths.ROOT / "tools").rglob("*.py"),
        paths.ROOT / "README.md",
    ]
    for page in pages:
        text = page.read_text()
        assert SPEC not in text and "/work/shared" not in text, page


def test_bibliography_parses_and_has_no_duplicate_keys():
    """references.bib is read by pybtex as the build reads it (a missing brace stops the book build)."""
    import re

    import pybtex.database

    text = (paths.BOOK / "references.bib").read_text()
    keys = re.findall(r"^@\w+\{([^,]+),", text, flags=re.M)
    assert len(keys) == len(set(keys))
    assert set(pybtex.database.parse_string(text, "bibtex").entries) == set(keys)
