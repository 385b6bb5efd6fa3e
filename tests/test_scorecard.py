"""The reproduction scorecard and the provenance page: verdicts follow from the numbers, the book's
introduction shows every claim, every reference can be found."""

import re

from cocoonlib.book import provenance, scorecard
from cocoonlib.book.chapters import CHAPTERS
from cocoonlib.book.results import extract
from cocoonlib.io import paths


def committed_results(chapter):
    return extract(CHAPTERS[chapter].path)


def test_every_claim_belongs_to_a_chapter_and_reads_only_its_keys():
    keys = [c.key for c in scorecard.CLAIMS]
    assert len(keys) == len(set(keys))
    for c in scorecard.CLAIMS:
        assert c.chapter in CHAPTERS
        # the test raises KeyError if it reads a key the chapter does not record
        ours, met, why = c.test(committed_results(c.chapter))
        assert met in (True, False, None) and ours and why, f"{c.key}: a claim needs a value and a reason for failing"


def test_verdicts_follow_the_numbers():
    bc = committed_results("bc")
    assert scorecard.evaluate("bc", {**bc, "chi0_best_g_cm2": 0.4})[0]["verdict"] == scorecard.REPRODUCED
    assert (
        scorecard.evaluate("bc", {**bc, "chi0_best_g_cm2": 0.8, "chi0_lo_g_cm2": 0.7, "chi0_hi_g_cm2": 0.9})[0][
            "verdict"
        ]
        == scorecard.NOT_REPRODUCED
    )
    rows = {r["key"]: r for r in scorecard.evaluate("bc", {**bc, "delta_chi2_no_cocoon": 1.0})}
    assert rows["nonzero"]["verdict"] == scorecard.NOT_REPRODUCED
    model = committed_results("model")
    assert scorecard.evaluate("model", {**model, "tau_c_Myr": 0.34})[0]["verdict"] == scorecard.REPRODUCED
    assert scorecard.evaluate("model", {**model, "tau_c_Myr": 0.36})[0]["verdict"] == scorecard.NOT_REPRODUCED
    g = committed_results("gamma")
    harder = {**g, "index_inner_1_10TeV": 2.5, "index_outer_1_10TeV": 2.6}
    assert {r["key"]: r["verdict"] for r in scorecard.evaluate("gamma", harder)}["harder"] == scorecard.REPRODUCED
    good_fit = {**g, "chi2_km2a_inner": 8.0, "chi2_km2a_outer": 4.0}
    assert {r["key"]: r["verdict"] for r in scorecard.evaluate("gamma", good_fit)}["km2a"] == scorecard.REPRODUCED
    j = committed_results("joint")
    close = {**j, "tension_bc_gamma_sigma": 1.0, "tension_pg_sigma": 1.5}
    assert scorecard.evaluate("joint", close)[0]["verdict"] == scorecard.REPRODUCED
    assert scorecard.evaluate("joint", {**close, "tension_pg_sigma": 2.5})[0]["verdict"] == scorecard.NOT_REPRODUCED
    nu = committed_results("neutrino")
    high = {**nu, "E2F_total_100TeV_max": 3e-8}
    assert {r["key"]: r["verdict"] for r in scorecard.evaluate("neutrino", high)}[
        "nu_level"
    ] == scorecard.NOT_REPRODUCED


def test_missing_data_makes_a_claim_untestable(monkeypatch):
    monkeypatch.setattr(scorecard, "missing_measurements", lambda *e: list(e))
    rows = {r["key"]: r for r in scorecard.evaluate("gamma", committed_results("gamma"))}
    assert rows["wcda"]["verdict"] == scorecard.NOT_TESTABLE and "WCDA" in rows["wcda"]["why"]


def test_intro_shows_the_generated_scorecard():
    intro = (paths.BOOK / "intro.md").read_text()
    assert scorecard.markdown_table() in intro, "book/intro.md: paste the output of python -m cocoonlib.book.scorecard"
    for c in scorecard.CLAIMS:
        for f in scorecard.FIELDS:
            assert f"::score_{c.key}_{f}:s`" in intro


def test_committed_chapters_glue_every_scorecard_field():
    for name, ch in CHAPTERS.items():
        text = ch.path.read_text()
        for c in scorecard.claims_of(name):
            for f in scorecard.FIELDS:
                assert f'"score_{c.key}_{f}"' in text, (name, c.key, f)


def _bib_entries():
    text = (paths.BOOK / "references.bib").read_text()
    return {
        m.group(1): body for m, body in ((re.match(r"@\w+\{([^,]+),", e), e) for e in re.split(r"\n(?=@)", text)) if m
    }


def test_every_reference_has_a_doi_url_or_a_stated_reason():
    for key, body in _bib_entries().items():
        assert re.search(r"\b(doi|url|howpublished)\s*=", body, re.I) or "No DOI" in body, key


def test_every_registered_file_is_cited_in_the_bibliography():
    from cocoonlib.io import data

    bib = _bib_entries()
    for name, e in data.registry().iterrows():
        keys = [k.strip() for k in str(e["bibkey"]).split(";") if k.strip()]
        assert keys, name
        for k in keys:
            assert k in bib, f"{name}: bibkey {k} missing from book/references.bib"


def test_provenance_tables_list_every_file():
    from cocoonlib.io import data

    reg = provenance.registry_markdown()
    for name, e in data.registry().iterrows():
        assert f"`{name}`" in reg and e["sha256"] in reg
    assert reg.count("\n") == len(data.registry()) + 1
    tr = provenance.transcribed_markdown()
    assert all(f.name in tr for f in paths.TRANSCRIBED.rglob("*.csv"))


def test_software_versions_name_aafragpy():
    v = provenance.software_versions()
    assert v.loc["aafragpy", "version"] not in ("", "not installed")
    assert re.fullmatch(r"[0-9a-f]{40}(\+changes)?|unknown", provenance.book_commit())


def test_citation_file_cites_the_compendium_and_nothing_overrides_it():
    import yaml

    cff = yaml.safe_load((paths.ROOT / "CITATION.cff").read_text())
    assert cff["type"] == "software" and "cocoon-book" in cff["title"] and "preferred-citation" not in cff
    assert any(r.get("doi") == "10.1051/0004-6361/202554796" for r in cff["references"])
    assert not (paths.ROOT / ".zenodo.json").exists()
