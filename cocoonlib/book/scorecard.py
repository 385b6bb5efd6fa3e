"""The reproduction scorecard: the claims of [AESB25] and [ICRC25] against this book's numbers.

Each :class:`Claim` names the chapter whose key numbers (:mod:`cocoonlib.book.results`) test it, states the
claim in the book's words with its place in the papers, gives the criterion, and evaluates the chapter's
results into this book's value and a verdict: :data:`REPRODUCED`, :data:`NOT_REPRODUCED` or
:data:`NOT_TESTABLE` (with the reason). :func:`cocoonlib.book.results.record` calls :func:`glue_claims`, so
every executed chapter glues its rows as ``score_<key>_<field>``; the introduction of the book shows
them with cross-document glue. No verdict is typed anywhere: each follows from a number of the build.

The thresholds that turn a sentence of the papers into a test ("dominate" means more than half,
"marginal" less than 10 %, ...) are this book's reading, stated in each row's criterion.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from scipy.special import chdtrc

from cocoonlib.sky.diffuse import HARDER_BY, hardness
from cocoonlib.transport.bc import LETTER_CHI0, chi0_verdict

__all__ = [
    "REPRODUCED",
    "NOT_REPRODUCED",
    "NOT_TESTABLE",
    "VERDICTS",
    "Claim",
    "CLAIMS",
    "claims_of",
    "evaluate",
    "glue_claims",
    "missing_measurements",
    "SEA_FIELDS",
    "changes_text",
]

REPRODUCED, NOT_REPRODUCED, NOT_TESTABLE = "reproduced", "not reproduced", "not testable here"
VERDICTS = (REPRODUCED, NOT_REPRODUCED, NOT_TESTABLE)
FIELDS = ("claim", "source", "letter", "criterion", "ours", "verdict", "why")
#: the fields of the second column: the verdict with the cocoons as the Galaxy's sources (source_normalisation =
#: 'sea'), its number and reason
SEA_FIELDS = ("ours_sea", "verdict_sea", "why_sea")

Results = Mapping[str, float]


@dataclass(frozen=True)
class Claim:
    key: str
    chapter: str
    claim: str  #: what the papers say, in the book's words
    source: str  #: where they say it
    letter: str  #: the papers' number or statement
    criterion: str  #: how this book decides
    #: results -> (this book's value, met: True / False / None = cannot be tested, reason if not met)
    test: Callable[[Results], tuple[str, bool | None, str]]


def missing_measurements(*experiments: str) -> list[str]:
    """Which of the named experiments have no diffuse gamma-ray table for the LHAASO windows (neither in the
    registry nor in ``data/measurements/``; names matched case-insensitively)."""
    from cocoonlib.io import data

    names = " ".join(" ".join(data.load_diffuse_measurements(w)["experiment"].astype(str)) for w in ("inner", "outer"))
    return [e for e in experiments if e.lower() not in names.lower()]


# --- the tests, one per claim: (value, met, reason if not met) ---------------------------------


def _chi0(r: Results):
    best, lo, hi = r["chi0_best_g_cm2"], r["chi0_lo_g_cm2"], r["chi0_hi_g_cm2"]
    _, lo_l, hi_l = LETTER_CHI0
    return (
        f"{best:.3f} [{lo:.3f}, {hi:.3f}] (1 sigma)",
        chi0_verdict(best, (lo, hi)) == "inside",
        f"best fit outside {lo_l}-{hi_l} or 1 sigma interval disjoint from it",
    )


def _nonzero(r: Results):
    d = r["delta_chi2_no_cocoon"]
    return f"Delta chi2 = {d:.1f}", d >= 4.0, "B/C fits as well without cocoons"


def _residence(r: Results):
    tau = r["tau_c_Myr"]
    return f"{tau:.3f} Myr", round(tau, 1) == 0.3, "does not round to 0.3 Myr"


def _share(r: Results):
    s_in, s_out = r["cocoon_fraction_inner_1TeV"], r["cocoon_fraction_outer_1TeV"]
    return (
        f"{s_in:.2f} inner, {s_out:.2f} outer",
        s_in > 0.5,
        "cocoons below half of the inner total at 1 TeV with this book's transport-model DGE (chapter 3); a "
        "lower DGE in the inner window, or more cocoon flux (eps_p, R0), would raise the share",
    )


def _km2a(r: Results):
    # one free number in the chapter's chi2 (where inside the band): n - 1 degrees of freedom
    p = {w: chdtrc(r[f"n_km2a_{w}"] - 1, r[f"chi2_km2a_{w}"]) for w in ("inner", "outer")}  # chi2 survival function
    ours = ", ".join(f"chi2 {r[f'chi2_km2a_{w}']:.1f}/{r[f'n_km2a_{w}'] - 1:.0f} ({w})" for w in ("inner", "outer"))
    failing = " and ".join(w for w, v in p.items() if v <= 0.01)
    return ours, min(p.values()) > 0.01, f"DGE + cocoons miss KM2A's shape in the {failing} window (chapter 3)"


def _harder(r: Results):
    a, b = r["index_inner_1_10TeV"], r["index_outer_1_10TeV"]
    return (
        f"index {a:.3f} inner, {b:.3f} outer",
        hardness(a, b) == "harder than",
        "the cocoon share of the inner window does not exceed the outer one by enough to harden it, and the "
        "cocoon cut-off near R0 steepens both (chapter 3)",
    )


def _wcda(r: Results):
    n = {w: int(r[f"n_wcda_{w}"]) for w in ("inner", "outer")}
    if not any(n.values()):
        return "-", None, "no LHAASO-WCDA table of the LHAASO windows in data/measurements/ (data/README.md)"
    dof = {w: max(k - 1, 1) for w, k in n.items() if k}  # one free number: where inside the DGE band
    p = {w: chdtrc(d, r[f"chi2_wcda_{w}"]) for w, d in dof.items()}
    ours = ", ".join(f"chi2 {r[f'chi2_wcda_{w}']:.1f}/{d} ({w})" for w, d in dof.items())
    failing = " and ".join(w for w, v in p.items() if v <= 0.01)
    return ours, min(p.values()) > 0.01, f"DGE + cocoons miss LHAASO-WCDA in the {failing} window (chapter 3)"


def _needs(*experiments: str):
    """A claim that needs diffuse spectra of the named experiments, which no chapter compares with yet."""

    def test(r: Results):
        missing = missing_measurements(*experiments)
        if missing:
            return "-", None, f"no {' or '.join(missing)} table in the data registry or data/measurements/"
        return "tables present", None, "tables present, but no chapter compares with them yet"

    return test


def _tibet(r: Results):
    p = {w: chdtrc(r[f"n_tibet_{w}"] - 1, r[f"chi2_tibet_{w}"]) for w in ("25l100", "50l200")}
    ours = ", ".join(f"chi2 {r[f'chi2_tibet_{w}']:.1f}/{r[f'n_tibet_{w}'] - 1:.0f} ({w})" for w in p)
    failing = " and ".join(w for w, v in p.items() if v <= 0.01)
    return ours, min(p.values()) > 0.01, f"the total misses Tibet AS+MD in {failing} (chapter 3, other measurements)"


def _excess(r: Results):
    share, d = r["cocoon_share_of_argo_excess_1TeV"], r["hawc_distance_10TeV"]
    ours = f"cocoons supply {share:.2f} of ARGO-YBJ's excess; total {d:+.1f} half-widths from HAWC at 10 TeV"
    why = []
    if not 0.5 <= share <= 1.5:
        why.append(
            "the cocoons supply too little of the ARGO-YBJ excess" if share < 0.5 else "the cocoons overshoot it"
        )
    if abs(d) > 2:
        why.append("the total misses HAWC's band")
    return ours, not why, "; ".join(why) or "-"


def _nu_marginal(r: Results):
    share = r["E2F_cocoon_100TeV"] / (0.5 * (r["E2F_total_100TeV_min"] + r["E2F_total_100TeV_max"]))
    return f"cocoon share {100 * share:.2g} %", share < 0.1, "cocoons above 10 %"


def _nu_level(r: Results):
    lo, hi = r["E2F_total_100TeV_min"], r["E2F_total_100TeV_max"]
    return (
        f"total {lo:.2g}-{hi:.2g} GeV cm^-2 s^-1 ({r['ratio_total_to_icecube_pi0_100TeV']:.2f} x IceCube pi0)",
        hi < 2e-8,
        "the total reaches 2e-8",
    )


def _r0_upper(r: Results):
    R, found = r["R0_max_TV"], r["R0_max_found"] == 1.0
    return (
        f"R0_max = {R:.3g} TV",
        found and 20.0 < R < 200.0,
        "limit not within 20-200 TV" if found else "no limit inside 1-10^4 TV",
    )


def _r0_lower(r: Results):
    return (
        f"share {r['cocoon_fraction_inner_1TeV_R0_smallest']:.2g} at R0 = {r['R0_smallest_TV']:g} TV",
        None,
        "the R0 below which the letter calls the cocoons negligible is lost from our copy",
    )


def _kraichnan(r: Results):
    v = r["chi0_max_kraichnan_g_cm2"]
    return f"chi0_max = {v:.3f} g cm^-2", v < LETTER_CHI0[1], f"LHAASO allows chi0 >= {LETTER_CHI0[1]}"


def _bohm(r: Results):
    v, ratio = r["chi0_max_bohm_g_cm2"], r["ratio_bohm_exp_1TeV"]
    return (
        f"chi0_max = {v:.3f} g cm^-2; Bohm/exponential {ratio:.2f} at 1 TeV, {r['ratio_bohm_exp_10TeV']:.2g} at 10 TeV",
        v >= LETTER_CHI0[0] and ratio < 1.5,
        "Bohm excluded at chi0 = 0.4 or far from the exponential at 1 TeV",
    )


def _agree(r: Results):
    bc, g = r["chi0_bc_only_best_g_cm2"], r["chi0_gamma_only_best_g_cm2"]
    d, pg = r["tension_bc_gamma_sigma"], r["tension_pg_sigma"]
    ours = (
        f"chi0 {bc:.2f} (B/C alone) vs {g:.2f} (gamma rays alone): {d:.1f} sigma apart; joint fit costs "
        f"{pg:.1f} sigma; joint chi0 {r['chi0_joint_best_g_cm2']:.3f}, R0 {r['R0_joint_best_TV']:.3g} TV"
    )
    side = "more" if g > bc else "less"
    return (
        ours,
        d < 2.0 and pg < 2.0,
        f"with this book's DGE the gamma rays alone want {side} cocoon grammage than B/C allows (chapter joint, "
        "where the variants show what moves it)",
    )


CLAIMS: tuple[Claim, ...] = (
    Claim(
        "chi0",
        "bc",
        "B/C with a constant cocoon grammage: best fit and allowed range",
        "[AESB25] Sec. 3, abstract",
        f"{LETTER_CHI0[0]} [{LETTER_CHI0[1]}, {LETTER_CHI0[2]}] g cm^-2",
        "best fit inside the letter's range, 1 sigma interval overlapping it",
        _chi0,
    ),
    Claim(
        "nonzero",
        "bc",
        "the high-energy flattening of B/C needs a non-zero cocoon grammage",
        "[AESB25] Sec. 3",
        "chi0 > 0",
        "chi2 rises by >= 4 when chi0 = 0 (transport refitted)",
        _nonzero,
    ),
    Claim(
        "residence",
        "model",
        "cosmic rays stay in a cocoon for about 0.3 Myr",
        "[AESB25] abstract, eq. 9; [ICRC25] Sec. 4",
        "~0.3 Myr (~3e5 yr)",
        "tau_c = chi0/(m_p n c) rounds to 0.3 Myr",
        _residence,
    ),
    Claim(
        "share",
        "gamma",
        "cocoons dominate the inner-Galaxy diffuse emission around 1 TeV",
        "[ICRC25] title and Sec. 4; [AESB25] Fig. 2",
        "dominant (no number survives in our copy)",
        "cocoon share of the inner total at 1 TeV > 0.5",
        _share,
    ),
    Claim(
        "km2a",
        "gamma",
        "DGE + cocoons describe the LHAASO-KM2A inner and outer spectra",
        "[AESB25] Sec. 3, Fig. 2",
        "satisfactory description",
        "chi2 probability > 1 % in both windows (n - 1 degrees of freedom)",
        _km2a,
    ),
    Claim(
        "harder",
        "gamma",
        "the cocoons make the inner Galaxy harder than the outer Galaxy",
        "[AESB25] Sec. 4; [ICRC25] abstract",
        "inner harder",
        f"photon index of the total, 1-10 TeV, smaller in the inner window by > {HARDER_BY}",
        _harder,
    ),
    Claim(
        "wcda",
        "gamma",
        "the model matches the 1-25 TeV diffuse data of LHAASO-WCDA",
        "[AESB25] Fig. 2; [ICRC25] Sec. 3, Fig. 2",
        "matched",
        "chi2 probability > 1 % against LHAASO-WCDA in each LHAASO window that has points (n - 1 degrees of "
        "freedom); needs the WCDA tables of the windows (Cao et al. 2025, PRL 134, 081002) in data/measurements/",
        _wcda,
    ),
    Claim(
        "tibet",
        "gamma",
        "the model may also reproduce the sub-PeV diffuse data of Tibet AS-gamma",
        "[ICRC25] abstract",
        "reproduced",
        "chi2 probability > 1 % against Tibet AS+MD in both its regions (n - 1 degrees of freedom)",
        _tibet,
    ),
    Claim(
        "excess",
        "gamma",
        "the cocoons supply the excess below ~10 TeV that the DGE alone cannot explain",
        "[ICRC25] Sec. 3; [AESB25] Sec. 3",
        "cocoons fill the gap",
        "cocoons supply 50-150 % of ARGO-YBJ's excess over the DGE near 1 TeV (25 < l < 100 deg), and the total "
        "lies within 2 half-widths of HAWC's band at 10 TeV (43 < l < 73 deg)",
        _excess,
    ),
    Claim(
        "nu_marginal",
        "neutrino",
        "cocoons add only marginally to the Galactic neutrino flux at 100 TeV",
        "[AESB25] Sec. 3, Fig. 3; [ICRC25] Sec. 3",
        "marginal",
        "cocoon share of the total (band centre) at 100 TeV < 10 %",
        _nu_marginal,
    ),
    Claim(
        "nu_level",
        "neutrino",
        "the model stays below the ~2e-8 GeV cm^-2 s^-1 where IceCube's templates meet at 100 TeV",
        "[AESB25] Sec. 3; [ICRC25] Sec. 3",
        "below ~2e-8 GeV cm^-2 s^-1",
        "upper edge of the total band at 100 TeV < 2e-8",
        _nu_level,
    ),
    Claim(
        "r0_upper",
        "r0",
        "an R0 well above the adopted 20 TV overshoots the low-energy LHAASO data",
        "[AESB25] App. B, Fig. 4",
        "R0 ~ 20 TV adopted; much larger excluded",
        "largest R0 allowed (n_sigma) found, between 20 and 200 TV",
        _r0_upper,
    ),
    Claim(
        "r0_lower",
        "r0",
        "for a small R0 the cocoon contribution is negligible",
        "[AESB25] App. B",
        "negligible below a value lost from our copy",
        "needs the letter's threshold",
        _r0_lower,
    ),
    Claim(
        "kraichnan",
        "delta",
        "Kraichnan diffusion in the cocoons forces chi0 below what B/C wants",
        "[AESB25] App. C, Fig. 5",
        "chi0 must be lowered",
        f"largest chi0 allowed by LHAASO (Kraichnan) < {LETTER_CHI0[1]} g cm^-2",
        _kraichnan,
    ),
    Claim(
        "bohm",
        "delta",
        "Bohm diffusion follows the exponential model at low energy and allows chi0 ~ 0.4",
        "[AESB25] App. C, Fig. 5",
        "similar up to a few TeV, brighter above",
        f"largest chi0 allowed (Bohm) >= {LETTER_CHI0[0]} and Bohm/exponential < 1.5 at 1 TeV",
        _bohm,
    ),
    Claim(
        "fermi",
        "delta",
        "a lower chi0 (Kraichnan) strains the Fermi-LAT data",
        "[AESB25] App. C",
        "tension with Fermi-LAT",
        "needs Fermi-LAT spectra of the LHAASO windows (Zhang et al. 2023, ApJ 957, 43)",
        _needs("Fermi"),
    ),
    Claim(
        "agree",
        "joint",
        "B/C and the gamma-ray data agree on chi0 (the letter takes chi0 from B/C and draws the gamma rays with it)",
        "[AESB25] Sec. 3, Fig. 2, App. B",
        "the same chi0 (0.4) for both",
        "best chi0 of the gamma rays alone within 2 sigma of that of B/C alone, and the joint fit costs less than "
        "2 sigma over the two separate ones (parameter goodness of fit; R0 free in all three fits)",
        _agree,
    ),
)


def claims_of(chapter: str) -> tuple[Claim, ...]:
    return tuple(c for c in CLAIMS if c.chapter == chapter)


def evaluate(chapter: str, results: Results) -> list[dict[str, str]]:
    """The scorecard rows of one chapter: one dict per claim with the fields :data:`FIELDS` and ``key``."""
    rows = []
    for c in claims_of(chapter):
        ours, met, why = c.test(results)
        verdict = NOT_TESTABLE if met is None else REPRODUCED if met else NOT_REPRODUCED
        rows.append(
            {
                "key": c.key,
                "claim": c.claim,
                "source": c.source,
                "letter": c.letter,
                "criterion": c.criterion,
                "ours": ours,
                "verdict": verdict,
                "why": "-" if met else why,
            }
        )
    return rows


def glue_claims(chapter: str, results: Results, sea_results: Results | None = None) -> list[dict[str, str]]:
    """Glue the chapter's rows (``score_<key>_<field>``, text) for the book's introduction: the fields
    :data:`FIELDS` from ``results`` and :data:`SEA_FIELDS` from ``sea_results`` (the chapter's numbers with
    ``source_normalisation`` = 'sea'; ``results`` if None, for a chapter the normalisation does not touch; empty if
    the sea's transport could not be fitted: then "not testable here"), and the
    chapter's sentence on what changes between the two (``score_changes_<chapter>``, :func:`changes_text`)."""
    from myst_nb import glue

    rows = evaluate(chapter, results)
    if sea_results is not None and not sea_results:  # the sea's transport could not be fitted for this run
        why = "the B/C fit that sets the transport of source_normalisation = 'sea' did not converge"
        sea_rows = [{**r, "ours": "-", "verdict": NOT_TESTABLE, "why": why} for r in rows]
    else:
        sea_rows = evaluate(chapter, results if sea_results is None else sea_results)
    for row, sea in zip(rows, sea_rows):
        for f in FIELDS:
            glue(f"score_{row['key']}_{f}", row[f], display=False)
        for f in SEA_FIELDS:
            glue(f"score_{row['key']}_{f}", sea[f.removesuffix("_sea")], display=False)
    glue(f"score_changes_{chapter}", changes_text(rows, sea_rows), display=False)
    return rows


def changes_text(rows: list[dict[str, str]], sea_rows: list[dict[str, str]]) -> str:
    """One sentence for the introduction: which verdicts of a chapter differ between its two columns, with this book's
    number in each; or that none does, with the numbers."""
    if not rows:
        return "it judges no claim"
    changed = [(a, b) for a, b in zip(rows, sea_rows) if a["verdict"] != b["verdict"]]
    if changed:
        return "; ".join(
            f"'{a['claim']}' goes from {a['verdict']} ({a['ours']}) to {b['verdict']} ({b['ours']})" for a, b in changed
        )
    moved = sum(a["ours"] != b["ours"] for a, b in zip(rows, sea_rows))
    return (
        f"no verdict changes ({moved} of its {len(rows)} numbers move; the last column gives them)"
        if moved
        else ("no verdict changes, and no number either")
    )


def markdown_table(relative_to: str = "../notebooks") -> str:
    """The scorecard table of the book's introduction, as MyST with cross-document glue: every cell but the
    chapter link is filled in by the build from the chapters' glued rows. ``python -m cocoonlib.book.scorecard``
    prints it; a test checks that ``book/intro.md`` contains it verbatim.

    Four columns, so that the table reads at 1280 px without clipping: the claim with its place in the
    papers and a link to the chapter that tests it; the papers' number; this book's; the verdict with its
    criterion and, when not reproduced, the reason."""
    from cocoonlib.book.chapters import get_chapter

    lines = [
        "| claim (where; chapter) | the papers | this book | verdict: criterion; reason | cocoons as the Galaxy's "
        "sources |",
        "|---|---|---|---|---|",
    ]
    for c in CLAIMS:
        ch = get_chapter(c.chapter)
        nb = ch.notebook
        ref = f"{relative_to}/{nb}::score_{c.key}"
        cell = lambda f: f"{{glue:text}}`{ref}_{f}:s`"  # noqa: E731  (":s": a format is needed across pages)
        link = f"[{ch.title}]({relative_to}/{nb.removesuffix('.ipynb')})"
        lines.append(
            f"| {cell('claim')} ({cell('source')}; {link}) | {cell('letter')} | {cell('ours')} "
            f"| **{cell('verdict')}**: {cell('criterion')}; {cell('why')} | **{cell('verdict_sea')}**: "
            f"{cell('ours_sea')} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
