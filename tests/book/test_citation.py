"""The compendium's citation is derived from CITATION.cff (version, date, authors, repository) and the commit."""

import pytest

from cocoonlib.book.report import citation


def test_bibtex_entry_parses_and_carries_the_cff_fields():
    from pybtex.database import parse_string

    cff = citation.read_cff()
    bib = parse_string(citation.compendium_bibtex(cff, "0123456789abcdef" * 2 + "01234567"), "bibtex")
    ((key, entry),) = bib.entries.items()
    assert entry.type == "software" and key == "cocoonbook_v" + cff["version"].replace(".", "_")
    f = entry.fields
    assert f["version"] == cff["version"] and f["year"] == str(cff["date-released"])[:4]
    assert f["url"] == cff["repository-code"] and f["note"] == "commit " + "0123456789abcdef" * 2 + "01234567"
    assert cff["title"] in f["title"]
    assert "".join(str(p) for p in entry.persons["author"]) or "contributors" in bib.to_string("bibtex")


def test_text_citation_and_footer_name_version_and_commit():
    cff = citation.read_cff()
    text = citation.compendium_text(cff, "abc123")
    assert f"Version {cff['version']}, commit abc123." in text and cff["repository-code"] in text
    assert text.startswith(citation.authors_text(cff))
    footer = citation.footer_html(cff, "f" * 40 + "+changes")
    assert f"version {cff['version']}" in footer and "ffffffffffff+changes" in footer


def test_authors_people_and_entities():
    cff = {
        "authors": [
            {"family-names": "Blasi", "given-names": "Pasquale"},
            {"name": "The Team"},
            {"family-names": "Evoli", "given-names": "Carmelo"},
        ]
    }
    assert citation.authors_text(cff) == "Pasquale Blasi, The Team and Carmelo Evoli"


def test_missing_field_and_unknown_key_are_clear_errors(tmp_path):
    p = tmp_path / "CITATION.cff"
    p.write_text("cff-version: 1.2.0\ntitle: x\nauthors: [{name: a}]\n")
    with pytest.raises(ValueError, match="'version' is missing"):
        citation.read_cff(p)
    with pytest.raises(KeyError, match="NoSuchKey"):
        citation.bib_entry("NoSuchKey")
    assert citation.bib_entry("Ambrosone2025").startswith("@article{Ambrosone2025,")


def test_the_version_is_the_same_everywhere_it_is_written():
    """CITATION.cff (what a citing author copies), pyproject.toml (what pip installs) and cocoonlib.__version__."""
    import re
    import tomllib

    import cocoonlib
    from cocoonlib.io import paths

    cff = citation.read_cff()
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", cocoonlib.__version__)
    assert str(cff["version"]) == project["version"] == cocoonlib.__version__
