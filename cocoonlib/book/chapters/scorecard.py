"""The reproduction scorecard: the claims of [AESB25] and [ICRC25] against this book's numbers.

Each :class:`Claim` names the chapter whose key numbers (:mod:`cocoonlib.book.chapters.results`) test it, states the
claim in the book's words with its place in the papers, gives the criterion, and evaluates the chapter's
results into this book's value and a verdict: :data:`REPRODUCED`, :data:`NOT_REPRODUCED` or
:data:`NOT_TESTABLE` (with the reason). :func:`cocoonlib.book.chapters.results.record` calls :func:`glue_claims`, so
every executed chapter glues its rows as ``score_<key>_<field>``; the introduction of the book shows
them with cross-document glue. No verdict is typed anywhere: each follows from a number of the build.

The thresholds that turn a sentence of the papers into a test ("dominate" means more than half,
"marginal" less than 10 %, ...) are this book's reading, stated in each row's criterion.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from scipy.special import chdtri

from cocoonlib.core.fits import chi2_probability, two_sided_sigma
from cocoonlib.sky.diffuse import HARDER_BY, hardness
from cocoonlib.transport.bc import LETTER_CHI0

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
    "BY_CONSTRUCTION",
    "Margin",
    "Judgement",
    "Removal",
    "verdict_of",
    "drivers_text",
    "fragility",
    "chi2_margin",
    "z_of_p",
]

REPRODUCED, NOT_REPRODUCED, NOT_TESTABLE = "reproduced", "not reproduced", "not testable here"
BY_CONSTRUCTION = "consistent by construction"
VERDICTS = (REPRODUCED, NOT_REPRODUCED, NOT_TESTABLE, BY_CONSTRUCTION)
FIELDS = ("claim", "source", "letter", "criterion", "ours", "verdict", "why", "margin", "drivers")
#: the fields of the second column: the verdict with the cocoons as the Galaxy's sources (source_normalisation =
#: 'sea'), its number and reason
SEA_FIELDS = ("ours_sea", "verdict_sea", "why_sea")
#: a verdict that flips with less than this many sigma of change is fragile
FRAGILE_SIGMA = 1.0

Results = Mapping[str, float]


@dataclass(frozen=True)
class Margin:
    """How far a verdict's deciding statistic is from its threshold: ``value`` in ``unit`` (positive: on the side of
    the verdict's criterion being met, negative: on the other side; its size is how far it would have to move to
    flip), and ``sigma``, the same in standard deviations where a likelihood exists (None where not). ``what`` names
    the statistic."""

    value: float
    unit: str
    what: str
    sigma: float | None = None

    def text(self) -> str:
        size = f"{abs(self.value):.3g}{' ' + self.unit if self.unit else ''}"
        side = "of room" if self.value >= 0 else "short"
        in_sigma = f" ({abs(self.sigma):.2g} sigma)" if self.sigma is not None and self.unit != "sigma" else ""
        return f"{self.what}: {size}{in_sigma} {side}"


@dataclass(frozen=True)
class Judgement:
    """A claim's test on one set of results: this book's value (text), met (True, False, None: cannot be tested), the
    reason when not met, and the margin (None when it cannot be tested)."""

    ours: str
    met: bool | None
    why: str
    margin: Margin | None = None


@dataclass(frozen=True)
class Claim:
    key: str
    chapter: str
    claim: str  #: what the papers say, in the book's words
    source: str  #: where they say it
    letter: str  #: the papers' number or statement
    criterion: str  #: how this book decides
    #: results -> :class:`Judgement`
    test: Callable[[Results], Judgement]
    #: the input of this book chosen to give the papers' number, if any: a met claim is then "consistent by
    #: construction", not "reproduced"
    construction: str = ""


def missing_measurements(*experiments: str) -> list[str]:
    """Which of the named experiments have no diffuse gamma-ray table for the LHAASO windows (neither in the
    registry nor in ``data/measurements/``; names matched case-insensitively)."""
    from cocoonlib.io import data

    names = " ".join(" ".join(data.load_diffuse_measurements(w)["experiment"].astype(str)) for w in ("inner", "outer"))
    return [e for e in experiments if e.lower() not in names.lower()]


# --- margins of probabilities -----------------------------------------------------------------------
#: the chi^2 probability below which a description of data fails (1 %: a Gaussian 2.58 sigma, two-sided)
P_MIN = 0.01


def z_of_p(p: float) -> float:
    """The two-sided Gaussian significance of a probability (as the joint chapter's tension)."""
    return two_sided_sigma(max(p, 1e-300))


def chi2_margin(chi2: float, dof: int, what: str) -> Margin:
    """Margin of "chi^2 probability > P_MIN": in chi^2 units (the chi^2 at P_MIN minus this one) and in sigma (the
    significance of P_MIN minus this chi^2's)."""
    threshold = float(chdtri(dof, P_MIN))
    return Margin(threshold - chi2, "in chi^2", what, z_of_p(P_MIN) - z_of_p(chi2_probability(chi2, dof)))


def _worst(margins: list[Margin]) -> Margin:
    """The margin of a criterion that needs all its parts: the part closest to failing (or furthest from passing)."""
    return min(margins, key=lambda m: m.sigma if m.sigma is not None else m.value)


# --- the tests, one per claim -------------------------------------------------------------------


def _chi0(r: Results):
    best, lo, hi = r["chi0_best_g_cm2"], r["chi0_lo_g_cm2"], r["chi0_hi_g_cm2"]
    lo2, hi2 = r["chi0_lo2_g_cm2"], r["chi0_hi2_g_cm2"]
    letter, lo_l, hi_l = LETTER_CHI0
    # where the letter's value sits in this book's profile, in sigma (each side its own half-width)
    z = (letter - best) / (hi - best) if letter >= best else (best - letter) / (best - lo)
    in_range = min(best - lo_l, hi_l - best)  # the best fit's distance from the nearer end of the letter's range
    edge_sigma = in_range / ((best - lo) if best - lo_l < hi_l - best else (hi - best))
    margins = [
        Margin(
            min(letter - lo2, hi2 - letter), "g cm^-2", f"the letter's {letter} against the 2 sigma interval", 2 - z
        ),
        Margin(in_range, "g cm^-2", f"the best fit against {lo_l}-{hi_l}", edge_sigma),
    ]
    met = lo2 <= letter <= hi2 and lo_l <= best <= hi_l
    why = (
        f"the letter's {letter} lies outside this book's 2 sigma interval"
        if not lo2 <= letter <= hi2
        else f"the best fit lies outside {lo_l}-{hi_l}"
    )
    ours = f"{best:.3f}, 1 sigma [{lo:.3f}, {hi:.3f}], 2 sigma [{lo2:.3f}, {hi2:.3f}]"
    return Judgement(ours, met, why, _worst(margins))


def _nonzero(r: Results):
    d = r["delta_chi2_no_cocoon"]
    m = Margin(d - 4.0, "in chi^2", "Delta chi^2 against 4", math.sqrt(max(d, 0.0)) - 2.0)
    return Judgement(f"Delta chi2 = {d:.1f}", d >= 4.0, "B/C fits as well without cocoons", m)


def _residence(r: Results):
    tau = r["tau_c_Myr"]
    m = Margin(min(tau - 0.25, 0.35 - tau), "Myr", "tau_c against 0.25-0.35 Myr (rounds to 0.3)")
    return Judgement(f"{tau:.3f} Myr", round(tau, 1) == 0.3, "does not round to 0.3 Myr", m)


def _share(r: Results):
    s_in, s_out = r["cocoon_fraction_inner_1TeV"], r["cocoon_fraction_outer_1TeV"]
    return Judgement(
        f"{s_in:.2f} inner, {s_out:.2f} outer",
        s_in > 0.5,
        "cocoons below half of the inner total at 1 TeV with this book's transport-model DGE (chapter 3); a "
        "lower DGE in the inner window, or more cocoon flux (eps_p, R0), would raise the share",
        Margin(s_in - 0.5, "", "inner share against 0.5"),
    )


def _chi2_claim(r: Results, chi2_key: str, n_key: str, parts, label: str, why: str):
    """A description of points by "chi^2 probability > P_MIN in every part" (n - 1 degrees of freedom: one free
    number, where inside the DGE band)."""
    dof = {w: max(int(r[n_key.format(w)]) - 1, 1) for w in parts}
    chi2 = {w: r[chi2_key.format(w)] for w in parts}
    p = {w: chi2_probability(chi2[w], dof[w]) for w in parts}
    ours = ", ".join(f"chi2 {chi2[w]:.1f}/{dof[w]} ({w})" for w in parts)
    failing = " and ".join(w for w, v in p.items() if v <= P_MIN)
    margin = _worst([chi2_margin(chi2[w], dof[w], f"{label} {w}") for w in parts])
    return Judgement(ours, min(p.values()) > P_MIN, why.format(failing=failing), margin)


def _km2a(r: Results):
    return _chi2_claim(
        r,
        "chi2_km2a_{}",
        "n_km2a_{}",
        ("inner", "outer"),
        "KM2A",
        "DGE + cocoons miss KM2A's shape in the {failing} window (chapter 3)",
    )


def _harder(r: Results):
    a, b = r["index_inner_1_10TeV"], r["index_outer_1_10TeV"]
    fermi_band = f"; at 10 GeV, inner - outer {r['index_inner_minus_outer_10GeV']:+.3f}"
    return Judgement(
        f"index {a:.3f} inner, {b:.3f} outer{fermi_band}",
        hardness(a, b) == "harder than",
        "the cocoon share of the inner window does not exceed the outer one by enough to harden it, and the "
        "cocoon cut-off near R0 steepens both (chapter 3)",
        Margin((b - a) - HARDER_BY, "in photon index", f"outer - inner index against {HARDER_BY}"),
    )


def _wcda(r: Results):
    parts = tuple(w for w in ("inner", "outer") if int(r[f"n_wcda_{w}"]))
    if not parts:
        return Judgement("-", None, "no LHAASO-WCDA table of the LHAASO windows in data/measurements/ (data/README.md)")
    return _chi2_claim(
        r,
        "chi2_wcda_{}",
        "n_wcda_{}",
        parts,
        "WCDA",
        "DGE + cocoons miss LHAASO-WCDA in the {failing} window (chapter 3)",
    )


def _needs(*experiments: str):
    """A claim that needs diffuse spectra of the named experiments, which no chapter compares with yet."""

    def test(r: Results):
        missing = missing_measurements(*experiments)
        if missing:
            return Judgement("-", None, f"no {' or '.join(missing)} table in the data registry or data/measurements/")
        return Judgement("tables present", None, "tables present, but no chapter compares with them yet")

    return test


def _tibet(r: Results):
    return _chi2_claim(
        r,
        "chi2_tibet_{}",
        "n_tibet_{}",
        ("25l100", "50l200"),
        "Tibet AS+MD",
        "the total misses Tibet AS+MD in {failing} (chapter 3, other measurements)",
    )


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
    margin = _worst(
        [
            Margin(min(share - 0.5, 1.5 - share), "", "share of ARGO-YBJ's excess against 0.5-1.5"),
            Margin(2.0 - abs(d), "half-widths", "distance from HAWC's band against 2", 2.0 - abs(d)),
        ]
    )
    return Judgement(ours, not why, "; ".join(why) or "-", margin)


def _nu_marginal(r: Results):
    share = r["E2F_cocoon_100TeV"] / (0.5 * (r["E2F_total_100TeV_min"] + r["E2F_total_100TeV_max"]))
    return Judgement(
        f"cocoon share {100 * share:.2g} %",
        share < 0.1,
        "cocoons above 10 %",
        Margin(0.1 - share, "", "share against 0.1"),
    )


def _nu_level(r: Results):
    lo, hi = r["E2F_total_100TeV_min"], r["E2F_total_100TeV_max"]
    return Judgement(
        f"total {lo:.2g}-{hi:.2g} GeV cm^-2 s^-1 ({r['ratio_total_to_icecube_pi0_100TeV']:.2f} x IceCube pi0)",
        hi < 2e-8,
        "the total reaches 2e-8",
        Margin(2e-8 - hi, "GeV cm^-2 s^-1", "upper edge against 2e-8"),
    )


def _scale_limit_sigma(value: float, threshold: float, headroom: float) -> float:
    """For a limit on chi0 (the cocoons linear in it) set by one point: how far, in errors of that point, it would have
    to move for the limit to reach ``threshold``. The pull there is that of the DGE plus chi0 a, with
    a = headroom / value (the pull reaches n_sigma at the limit), so at the threshold it is n_sigma plus
    headroom (threshold / value - 1)."""
    return headroom * (threshold / value - 1.0) if value > 0 else math.inf


def _r0_upper(r: Results):
    R, found = r["R0_max_TV"], r["R0_max_found"] == 1.0
    inside = found and 20.0 < R < 200.0
    sigma = r["R0_max_margin_sigma"] * (1 if inside else -1)  # the point's move that brings R0_max to 20 or 200 TV
    m = Margin(min(R - 20.0, 200.0 - R), "TV", "R0_max against 20-200 TV (the point that sets it)", sigma)
    return Judgement(
        f"R0_max = {R:.3g} TV",
        inside,
        "limit not within 20-200 TV" if found else "no limit inside 1-10^4 TV",
        m,
    )


def _r0_lower(r: Results):
    return Judgement(
        f"share {r['cocoon_fraction_inner_1TeV_R0_smallest']:.2g} at R0 = {r['R0_smallest_TV']:g} TV",
        None,
        "the R0 below which the letter calls the cocoons negligible is lost from our copy",
    )


def _kraichnan(r: Results):
    v = r["chi0_max_kraichnan_g_cm2"]
    sigma = _scale_limit_sigma(v, LETTER_CHI0[1], r["chi0_max_kraichnan_headroom_sigma"])
    m = Margin(LETTER_CHI0[1] - v, "g cm^-2", f"chi0_max against {LETTER_CHI0[1]} (the point that sets it)", sigma)
    return Judgement(f"chi0_max = {v:.3f} g cm^-2", v < LETTER_CHI0[1], f"LHAASO allows chi0 >= {LETTER_CHI0[1]}", m)


def _bohm(r: Results):
    v, ratio = r["chi0_max_bohm_g_cm2"], r["ratio_bohm_exp_1TeV"]
    m = _worst(
        [
            Margin(
                v - LETTER_CHI0[0],
                "g cm^-2",
                f"chi0_max against {LETTER_CHI0[0]} (the point that sets it)",
                -_scale_limit_sigma(v, LETTER_CHI0[0], r["chi0_max_bohm_headroom_sigma"]),
            ),
            Margin(1.5 - ratio, "", "Bohm/exponential at 1 TeV against 1.5"),
        ]
    )
    return Judgement(
        f"chi0_max = {v:.3f} g cm^-2; Bohm/exponential {ratio:.2f} at 1 TeV, {r['ratio_bohm_exp_10TeV']:.2g} at 10 TeV",
        v >= LETTER_CHI0[0] and ratio < 1.5,
        "Bohm excluded at chi0 = 0.4 or far from the exponential at 1 TeV",
        m,
    )


def _agree(r: Results):
    bc, g = r["chi0_bc_only_best_g_cm2"], r["chi0_gamma_only_best_g_cm2"]
    d, pg = r["tension_bc_gamma_sigma"], r["tension_pg_sigma"]
    ours = (
        f"chi0 {bc:.2f} (B/C alone) vs {g:.2f} (gamma rays alone): {d:.1f} sigma apart; joint fit costs "
        f"{pg:.1f} sigma; joint chi0 {r['chi0_joint_best_g_cm2']:.3f}, R0 {r['R0_joint_best_TV']:.3g} TV"
    )
    side = "more" if g > bc else "less"
    worst = max(d, pg)
    return Judgement(
        ours,
        d < 2.0 and pg < 2.0,
        f"with this book's DGE the gamma rays alone want {side} cocoon grammage than B/C allows (chapter joint, "
        "where the variants show what moves it)",
        Margin(2.0 - worst, "sigma", "the larger of the two tensions against 2 sigma", 2.0 - worst),
    )


CLAIMS: tuple[Claim, ...] = (
    Claim(
        "chi0",
        "bc",
        "B/C with a constant cocoon grammage: best fit and allowed range",
        "[AESB25] Sec. 3, abstract",
        f"{LETTER_CHI0[0]} [{LETTER_CHI0[1]}, {LETTER_CHI0[2]}] g cm^-2",
        "the letter's best value inside this book's 2 sigma interval, and this book's best fit inside the letter's "
        "range",
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
        construction="the gas density inside a cocoon, n_gas = 1 cm^-3, is this book's choice (the letter's is lost), "
        "made so that tau_c rounds to the letter's 0.3 Myr; tau_c scales as 1/n_gas",
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
        f"photon index of the total, 1-10 TeV (where the letter's cocoons add most and LHAASO measures), smaller in "
        f"the inner window by > {HARDER_BY}; the same difference in the Fermi band (10 GeV) is given beside it",
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


@dataclass(frozen=True)
class Removal:
    """A claim judged again without part of the data behind it (:mod:`cocoonlib.book.chapters.verdicts`): what was removed,
    how many points that is, and the claim's :class:`Judgement` then."""

    removed: str
    points: int
    judgement: Judgement


def verdict_of(claim: Claim, j: Judgement) -> str:
    """The verdict class of a judgement: not testable, not reproduced, reproduced, or consistent by construction
    (met, with an input the book chose to give the papers' number)."""
    if j.met is None:
        return NOT_TESTABLE
    if not j.met:
        return NOT_REPRODUCED
    return BY_CONSTRUCTION if claim.construction else REPRODUCED


def drivers_text(j: Judgement, removals: list[Removal] | None) -> str:
    """Which removal of data flips the verdict ``j``, in words; that none does, with what was tried; or that no data
    stand behind the number (an empty list); '-' when not computed (None)."""
    if removals is None:
        return "-"
    if not removals:
        return "none: no measured data behind this number"
    if j.met is None:
        return "-"
    flips = [r for r in removals if r.judgement.met is not None and r.judgement.met != j.met]
    if not flips:
        tried = ", ".join(r.removed for r in removals) if len(removals) <= 8 else f"each of {len(removals)} points"
        return f"no single removal flips it (tried: {tried})"
    flipped = "; ".join(
        f"without {r.removed} ({r.points} point{'s' if r.points != 1 else ''}): {r.judgement.ours}" for r in flips
    )
    return f"{flipped} (of {len(removals)} removals tried)"


def fragility(j: Judgement, removals: list[Removal] | None) -> str:
    """'fragile: <reason>' for a verdict that flips with less than :data:`FRAGILE_SIGMA` of change or without one
    point; '' otherwise."""
    if j.met is None:
        return ""
    reasons = []
    if j.margin is not None and j.margin.sigma is not None and abs(j.margin.sigma) < FRAGILE_SIGMA:
        reasons.append(f"{j.margin.what} is {abs(j.margin.sigma):.2g} sigma from flipping")
    for r in removals or []:
        if r.points == 1 and r.judgement.met is not None and r.judgement.met != j.met:
            reasons.append(f"removing one point ({r.removed}) flips it")
    return "fragile: " + "; ".join(reasons) if reasons else ""


def evaluate(
    chapter: str, results: Results, removals: Mapping[str, list[Removal]] | None = None
) -> list[dict[str, str]]:
    """The scorecard rows of one chapter: one dict per claim with the fields :data:`FIELDS`, ``key`` and
    ``fragile``. ``removals``: {claim key: the claim judged without each data set (and, for fewer than 20 points,
    each point)} (:func:`cocoonlib.book.chapters.verdicts.leave_one_out`); a claim missing from it has no data behind it."""
    rows = []
    for c in claims_of(chapter):
        j = c.test(results)
        rem = None if removals is None else removals.get(c.key, [])
        verdict = verdict_of(c, j)
        rows.append(
            {
                "key": c.key,
                "claim": c.claim,
                "source": c.source,
                "letter": c.letter,
                "criterion": c.criterion,
                "ours": j.ours,
                "verdict": verdict,
                "why": c.construction if verdict == BY_CONSTRUCTION else ("met" if j.met else j.why),
                "margin": j.margin.text() if j.margin is not None else "-",
                "margin_sigma": None if j.margin is None else j.margin.sigma,
                "drivers": drivers_text(j, rem),
                "fragile": fragility(j, rem),
            }
        )
    return rows


def glue_claims(
    chapter: str,
    results: Results,
    sea_results: Results | None = None,
    removals: Mapping[str, list[Removal]] | None = None,
) -> list[dict[str, str]]:
    """Glue the chapter's rows (``score_<key>_<field>``, text) for the book's introduction: the fields
    :data:`FIELDS` from ``results`` and :data:`SEA_FIELDS` from ``sea_results`` (the chapter's numbers with
    ``source_normalisation`` = 'sea'; ``results`` if None, for a chapter the normalisation does not touch; empty if
    the sea's transport could not be fitted: then "not testable here"), and the
    chapter's sentence on what changes between the two (``score_changes_<chapter>``, :func:`changes_text`).
    ``removals``: the leave-one-out of :func:`evaluate` (drivers and fragility; '-' without it)."""
    from myst_nb import glue

    rows = evaluate(chapter, results, removals)
    if sea_results is not None and not sea_results:  # the sea's transport could not be fitted for this run
        why = "the B/C fit that sets the transport of source_normalisation = 'sea' did not converge"
        sea_rows = [{**r, "ours": "-", "verdict": NOT_TESTABLE, "why": why} for r in rows]
    else:
        sea_rows = evaluate(chapter, results if sea_results is None else sea_results)
    for row, sea in zip(rows, sea_rows):
        for f in FIELDS:
            glue(f"score_{row['key']}_{f}", row[f], display=False)
        glue(f"score_{row['key']}_fragile", row["fragile"] or "not fragile", display=False)
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


#: the page whose robustness scan the table's last column reads (cocoonlib.book.chapters.robustness), relative to book/
ROBUSTNESS_PAGE = "robustness.ipynb"


def markdown_table(relative_to: str = "../notebooks") -> str:
    """The scorecard table of the book's introduction, as MyST with cross-document glue: every cell but the
    chapter link is filled in by the build from the chapters' glued rows and the robustness page's
    (:data:`ROBUSTNESS_PAGE`). ``python -m cocoonlib.book.chapters.scorecard`` prints it; a test checks that
    ``book/intro.md`` contains it verbatim.

    Five columns, so that the table reads at 1280 px without clipping: the claim with its place in the papers and a
    link to the chapter that tests it; the papers' number; this book's number and verdict; how the verdict is
    decided (criterion, the reason when not met, the margin, which data drive it, whether it is fragile); and how it
    holds up (under the book's other model choices, and with the cocoons as the Galaxy's sources)."""
    from cocoonlib.book.chapters import get_chapter

    lines = [
        "| claim (where; chapter) | the papers | this book | how it is decided | how it holds up |",
        "|---|---|---|---|---|",
    ]
    for c in CLAIMS:
        ch = get_chapter(c.chapter)
        nb = ch.notebook
        ref = f"{relative_to}/{nb}::score_{c.key}"
        cell = lambda f: f"{{glue:text}}`{ref}_{f}:s`"  # noqa: E731  (":s": a format is needed across pages)
        robust = f"{{glue:text}}`{ROBUSTNESS_PAGE}::robust_{c.key}:s`"
        link = f"[{ch.title}]({relative_to}/{nb.removesuffix('.ipynb')})"
        lines.append(
            f"| {cell('claim')} ({cell('source')}; {link}) | {cell('letter')} | {cell('ours')}: **{cell('verdict')}** "
            f"| {cell('criterion')}; {cell('why')}. Margin: {cell('margin')}. Drivers: {cell('drivers')}. "
            f"{cell('fragile')} | {robust}. As the Galaxy's sources: **{cell('verdict_sea')}** ({cell('ours_sea')}) |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
