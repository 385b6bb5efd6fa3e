"""The reproduction scorecard and the provenance page: verdicts follow from the numbers, the book's
introduction shows every claim, every reference can be found."""

import re

import pytest

from cocoonlib.book.chapters import CHAPTERS, scorecard
from cocoonlib.book.chapters.results import extract
from cocoonlib.book.report import provenance
from cocoonlib.io import paths


def committed_results(chapter):
    return extract(CHAPTERS[chapter].path)


def test_every_claim_belongs_to_a_chapter_and_reads_only_its_keys():
    keys = [c.key for c in scorecard.CLAIMS]
    assert len(keys) == len(set(keys))
    for c in scorecard.CLAIMS:
        assert c.chapter in CHAPTERS
        # the test raises KeyError if it reads a key the chapter does not record
        j = c.test(committed_results(c.chapter))
        assert j.met in (True, False, None) and j.ours and j.why, (
            f"{c.key}: a claim needs a value and a reason for failing"
        )
        assert (j.margin is None) == (j.met is None), f"{c.key}: a testable claim has a margin, an untestable one none"


def test_every_row_has_margin_drivers_and_fragility_and_the_robustness_scan_covers_every_claim():
    from cocoonlib.book.chapters import robustness

    for name in CHAPTERS:
        for row in scorecard.evaluate(name, committed_results(name), removals={}):
            assert {"margin", "drivers", "fragile", "verdict"} <= set(row), row
            assert row["margin"] == "-" or ":" in row["margin"]
    fake = {
        "rows": [
            {"claim": c.key, "choice": ch, "verdict": scorecard.REPRODUCED, "ours": "x"}
            for c in scorecard.CLAIMS
            for ch in (robustness.DEFAULT, *robustness.CHOICES)
        ]
    }
    fake["rows"][-1]["verdict"] = scorecard.NOT_REPRODUCED
    s = robustness.summary(fake)
    assert set(s) == {c.key for c in scorecard.CLAIMS}
    last = scorecard.CLAIMS[-1].key
    assert s[last] == f"depends on: {list(robustness.CHOICES)[-1]} (not reproduced)"
    assert all(v == "robust" for k, v in s.items() if k != last)


def test_a_synthetic_chi2_claim_gives_its_margin_and_flipping_point_by_hand():
    """Three made-up points against a flat model, judged as the KM2A claim judges one window: chi^2 probability
    > 1 % with n - 1 degrees of freedom. The margin, by hand: the chi^2 at which the probability is 1 % for 2
    degrees of freedom is -2 ln(0.01) = 9.2103 (the chi^2 survival function for 2 dof is exp(-chi^2/2)); the point
    whose removal flips the verdict is the one that pulls most."""
    import math

    from cocoonlib.book.chapters.scorecard import Judgement, Removal, chi2_margin, drivers_text, fragility

    y, sigma, model = [1.0, 1.2, 2.0], [0.1, 0.1, 0.1], 1.05
    pulls = [(model - v) / s for v, s in zip(y, sigma)]  # -0.5 ... 1.5 ... -9.5
    chi2 = sum(p * p for p in pulls)

    def judge(chi2, n):
        # the chi^2 probability by hand: exp(-chi2/2) for 2 degrees of freedom, erfc(sqrt(chi2/2)) for 1
        p = math.exp(-chi2 / 2) if n == 3 else math.erfc(math.sqrt(chi2 / 2))
        m = chi2_margin(chi2, n - 1, "toy")
        return Judgement(f"chi2 {chi2:.2f}/{n - 1}", p > 0.01, "misses", m)

    j = judge(chi2, 3)
    assert not j.met and j.margin.value == pytest.approx(-2 * math.log(0.01) - chi2, rel=1e-9)
    removals = [Removal(f"point {i}", 1, judge(chi2 - pulls[i] ** 2, 2)) for i in range(3)]
    assert [r.judgement.met for r in removals] == [False, False, True]
    text = drivers_text(j, removals)
    assert text.startswith("without point 2 (1 point)") and "point 0" not in text
    assert fragility(j, removals) == "fragile: removing one point (point 2) flips it"


def test_verdicts_follow_the_numbers():
    bc = committed_results("bc")
    around = {"chi0_lo_g_cm2": 0.36, "chi0_hi_g_cm2": 0.44, "chi0_lo2_g_cm2": 0.32, "chi0_hi2_g_cm2": 0.48}
    assert scorecard.evaluate("bc", {**bc, **around, "chi0_best_g_cm2": 0.4})[0]["verdict"] == scorecard.REPRODUCED
    # the letter's 0.4 just outside a 2 sigma interval [0.2, 0.39]: not reproduced, and fragile
    near = {
        "chi0_best_g_cm2": 0.3,
        "chi0_lo_g_cm2": 0.25,
        "chi0_hi_g_cm2": 0.345,
        "chi0_lo2_g_cm2": 0.2,
        "chi0_hi2_g_cm2": 0.39,
    }
    row = scorecard.evaluate("bc", {**bc, **near})[0]
    assert row["verdict"] == scorecard.NOT_REPRODUCED and row["fragile"].startswith("fragile")
    far = {
        "chi0_best_g_cm2": 0.8,
        "chi0_lo_g_cm2": 0.7,
        "chi0_hi_g_cm2": 0.9,
        "chi0_lo2_g_cm2": 0.6,
        "chi0_hi2_g_cm2": 1.0,
    }
    assert scorecard.evaluate("bc", {**bc, **far})[0]["verdict"] == scorecard.NOT_REPRODUCED
    rows = {r["key"]: r for r in scorecard.evaluate("bc", {**bc, "delta_chi2_no_cocoon": 1.0})}
    assert rows["nonzero"]["verdict"] == scorecard.NOT_REPRODUCED
    model = committed_results("model")
    assert scorecard.evaluate("model", {**model, "tau_c_Myr": 0.34})[0]["verdict"] == scorecard.BY_CONSTRUCTION
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
    assert scorecard.markdown_table() in intro, (
        "book/intro.md: paste the output of python -m cocoonlib.book.chapters.scorecard"
    )
    for c in scorecard.CLAIMS:
        for f in scorecard.FIELDS:
            assert f"::score_{c.key}_{f}:s`" in intro


def test_committed_chapters_glue_every_scorecard_field():
    for name, ch in CHAPTERS.items():
        text = ch.path.read_text()
        for c in scorecard.claims_of(name):
            for f in (*scorecard.FIELDS, *scorecard.SEA_FIELDS):
                assert f'"score_{c.key}_{f}"' in text, (name, c.key, f)
        assert f'"score_changes_{name}"' in text, name


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


def test_a_users_wcda_table_reaches_its_window_the_key_numbers_and_the_scorecard(tmp_path, monkeypatch, mirror):
    """A LHAASO-WCDA table dropped into data/measurements/ for the inner window (data/README.md) is among the points
    chapter 3 draws in that window's panel (and not in the other), is compared like KM2A (its chi^2 checked here by a
    brute-force scan of the DGE band), and makes the scorecard's WCDA row testable."""
    import shutil

    import numpy as np
    from scipy.special import chdtrc

    from cocoonlib.book.chapters import chapter_parameters, keys

    folder = tmp_path / "measurements"
    shutil.copytree(paths.MEASUREMENTS, folder)
    monkeypatch.setattr(paths, "MEASUREMENTS", folder)
    (folder / "wcda_inner.csv").write_text(
        "# experiment: LHAASO-WCDA\n# reference: a test table\n# doi: none\n# window: inner\n"
        "# quantity: gamma_E2_intensity\n# units: GeV cm^-2 s^-1 sr^-1\n"
        "E_GeV,E2_flux,E2_err_lo,E2_err_hi\n1000,3e-7,2e-8,2e-8\n3000,2e-7,2e-8,2e-8\n10000,1e-7,1e-8,1e-8\n"
    )
    ctx = keys.Context("gamma", chapter_parameters("gamma", {}), {})
    numbers = keys.key_numbers("gamma", ctx.P, ctx)
    shown = {w: (ctx["window_points"][w].experiment == keys.WCDA).sum() for w in ("inner", "outer")}
    assert shown == {"inner": 3, "outer": 0}
    assert (numbers["n_wcda_inner"], numbers["n_wcda_outer"], numbers["chi2_wcda_outer"]) == (3, 0, 0.0)

    sky = ctx["sky"]
    lo, hi = sky.dge_band("inner")
    E, y, s = np.array([1e3, 3e3, 1e4]), np.array([3e-7, 2e-7, 1e-7]), np.array([2e-8, 2e-8, 1e-8])
    logs = lambda curve: np.exp(np.interp(np.log(E), np.log(sky.E), np.log(curve)))  # noqa: E731
    brute = min(np.sum(((logs(lo + t * (hi - lo) + sky.cocoon("inner")) - y) / s) ** 2) for t in np.linspace(0, 1, 101))
    assert numbers["chi2_wcda_inner"] == pytest.approx(brute, rel=1e-6)

    row = {r["key"]: r for r in scorecard.evaluate("gamma", numbers)}["wcda"]
    expected = scorecard.REPRODUCED if chdtrc(2, brute) > 0.01 else scorecard.NOT_REPRODUCED
    assert row["verdict"] == expected and "(inner)" in row["ours"] and "(outer)" not in row["ours"]
    no_table = {**numbers, "n_wcda_inner": 0, "chi2_wcda_inner": 0.0}
    assert {r["key"]: r for r in scorecard.evaluate("gamma", no_table)}["wcda"]["verdict"] == scorecard.NOT_TESTABLE


def test_the_robustness_scan_is_read_from_the_cache_and_recomputed_when_an_input_changes(tmp_path, monkeypatch):
    """What the build does: the first build computes the scan, a build with a warm array cache reads it (the page
    says so), and a change of what it depends on (here: the choices) computes it again."""
    from cocoonlib.book.chapters import robustness

    monkeypatch.setenv("COCOON_ARRAY_CACHE", str(tmp_path))
    calls = []

    def fake_scan(choices=None):
        calls.append(choices)
        return {"rows": [{"claim": "chi0", "choice": robustness.DEFAULT, "verdict": "x", "ours": "y"}], "seconds": 1.5}

    monkeypatch.setattr(robustness, "scan", fake_scan)
    first, second = robustness.cached_scan(), robustness.cached_scan()
    assert (first["cached"], second["cached"], len(calls)) == (False, True, 1)
    assert second["rows"] == first["rows"] and second["seconds"] == 1.5
    robustness.cached_scan({"gas: Nakanishi & Sofue": {"gas_model": "nakanishi_sofue"}})
    assert len(calls) == 2
