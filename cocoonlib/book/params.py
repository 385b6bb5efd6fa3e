"""Model parameters: defaults with provenance, allowed values, validation.

Every parameter a chapter accepts is declared once here, with its default, its
unit, the values it may take, and where the default comes from.  The same
declarations are used by the notebooks' ``parameters`` cells, by
``cocoon list`` / ``cocoon run``, and by the provenance tables printed in the
book.

Confidence tags (as in the book, Methods, methods-confidence):

``V``
    verified in a primary or secondary source;
``V-code``
    verified in public code implementing the cited work;
``R``
    recalled from the literature, not re-read;
``I``
    inferred: reconstructed or chosen, i.e. a modelling choice of this book;
``num``
    a numerical setting, not physics.

A bad value raises :class:`ParameterError` whose message is a single line
naming the parameter and what is allowed, before any computation starts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

from cocoonlib.source.grammage import GRAMMAGE_MODELS

__all__ = [
    "ParameterError",
    "Parameter",
    "PARAMETERS",
    "TAGS",
    "validate",
    "parse_cli_value",
    "provenance_table",
    "provenance_markdown",
    "HALO_PARAMETERS",
    "RESOLVED_SOURCES",
]

TAGS = {
    "V": "verified in a primary or secondary source",
    "V-code": "verified in public code implementing the cited work",
    "R": "recalled from the literature, not re-read",
    "I": "inferred: a reconstruction or modelling choice of this book",
    "num": "numerical setting",
}


MAX_LIST = 12  # longest list a "floats" parameter accepts

#: the parameters of the disk-halo transport (chapter 2's diffusion coefficient, halo, Alfven speed, disk gas),
#: in the order of the book's tables: read by the B/C chapter, the cosmic-ray sea and the source abundances
HALO_PARAMETERS = ("D0", "delta_gal", "ddelta", "s_break", "R_b", "H_halo", "v_A", "mu_disk")


#: the entry of a parameter dict resolved by :func:`cocoonlib.book.from_params.resolve_sources` that records what
#: ``source_normalisation`` = 'sea' set (efficiencies, transport) and from what; absent for 'letter'
RESOLVED_SOURCES = "_sources"


class ParameterError(ValueError):
    """A parameter value that is not allowed. The message is one line."""


@dataclass(frozen=True)
class Parameter:
    """Declaration of one model parameter.

    ``kind`` is ``"float"``, ``"int"``, ``"choice"``, ``"window"`` (a Galactic
    longitude/latitude box ``[l_min, l_max, b_min, b_max]`` in degrees) or
    ``"floats"`` (a list of 1 to :data:`MAX_LIST` numbers, each within ``bounds``).
    ``bounds`` is ``(low, high, low_inclusive, high_inclusive)`` for numbers.
    """

    name: str
    default: Any
    unit: str
    kind: str
    symbol: str
    description: str
    tag: str
    source: str
    bounds: tuple | None = None
    choices: tuple = field(default_factory=tuple)

    def allowed(self) -> str:
        """Human-readable statement of the allowed values."""
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind == "window":
            return "[l_min, l_max, b_min, b_max] in degrees, l_min < l_max, l_max - l_min <= 360, -90 <= b_min < b_max <= 90"
        lo, hi, lo_in, hi_in = self.bounds
        what = {"int": "an integer", "floats": f"a list of 1 to {MAX_LIST} numbers, each"}.get(self.kind, "a number")
        lo_s = "-inf" if lo == -math.inf else f"{lo:g}"
        hi_s = "inf" if hi == math.inf else f"{hi:g}"
        rng = ("[" if lo_in else "(") + f"{lo_s}, {hi_s}" + ("]" if hi_in else ")")
        unit = f" {self.unit}" if self.unit not in ("", "-") else ""
        return f"{what} in {rng}{unit}"

    def check(self, value: Any) -> Any:
        """Return ``value`` coerced to the declared kind, or raise ParameterError."""
        fail = ParameterError(f"{self.name} = {value!r} is not allowed: expected {self.allowed()}")
        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise fail
            return value
        if self.kind == "window":
            return _check_window(self, value, fail)
        if self.kind == "floats":
            if isinstance(value, str) or not hasattr(value, "__len__") or not 1 <= len(value) <= MAX_LIST:
                raise fail
            return [self._check_number(v, fail) for v in value]
        return self._check_number(value, fail)

    def _check_number(self, value: Any, fail: ParameterError) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise fail
        if self.kind == "int" and not float(value).is_integer():
            raise fail
        if not math.isfinite(value):
            raise fail
        lo, hi, lo_in, hi_in = self.bounds
        ok_lo = value >= lo if lo_in else value > lo
        ok_hi = value <= hi if hi_in else value < hi
        if not (ok_lo and ok_hi):
            raise fail
        return int(value) if self.kind == "int" else float(value)


def _check_window(p: Parameter, value: Any, fail: ParameterError) -> list[float]:
    if isinstance(value, str) or not hasattr(value, "__len__") or len(value) != 4:
        raise fail
    if any(isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) for v in value):
        raise fail
    l_min, l_max, b_min, b_max = (float(v) for v in value)
    if not (l_min < l_max and l_max - l_min <= 360 and -90 <= b_min < b_max <= 90):
        raise fail
    return [l_min, l_max, b_min, b_max]


def _p(name, default, unit, kind, symbol, description, tag, source, bounds=None, choices=()):
    return Parameter(name, default, unit, kind, symbol, description, tag, source, bounds, tuple(choices))


_OPEN_POS = lambda hi: (0.0, hi, False, True)  # noqa: E731  (0, hi]
GRAMMAGE_CHOICES = tuple(GRAMMAGE_MODELS)  # the forms cocoonlib.source.grammage implements

#: Every parameter any chapter accepts, in the order of the book's tables.
PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in [
        # --- source grammage (Methods, methods-grammage) ---
        _p(
            "chi0",
            0.4,
            "g cm^-2",
            "float",
            r"\chi_{c,0}",
            "grammage accumulated in a cocoon at low rigidity",
            "V",
            "[AESB25] abstract and B/C fit; [ICRC25] eq. 4 and Sec. 3 (allowed 0.3-0.6)",
            _OPEN_POS(10.0),
        ),
        _p(
            "R0",
            20.0,
            "TV",
            "float",
            r"R_0",
            "rigidity scale of the grammage fall-off",
            "V",
            "[ICRC25] eq. 4 ('we fix R0 = 20 TV'); lost in the [AESB25] copy, App. B wording agrees",
            _OPEN_POS(1.0e5),
        ),
        _p(
            "grammage_model",
            "exponential",
            "",
            "choice",
            r"\chi_c(R)",
            "energy dependence of the cocoon grammage",
            "V",
            "exponential: [AESB25] eq. 6 = [ICRC25] eq. 4 (V); advection_diffusion: [AESB25] App. C eq. 15, "
            "form reconstructed (I); advection_diffusion_cutoff: the second candidate of Methods, methods-grammage-advection-diffusion (I); "
            "constant: the R0 -> infinity limit, as in Evoli+2019 (V-code)",
            choices=GRAMMAGE_CHOICES,
        ),
        _p(
            "delta",
            1.0,
            "",
            "float",
            r"\delta",
            "slope of the diffusion coefficient inside the cocoon (advection_diffusion model only)",
            "I",
            "[AESB25] App. C considers 1/3, 1/2 and 1; assumed default 1 (Bohm), the case App. C finds compatible "
            "with both Fermi-LAT and LHAASO",
            (0.0, 2.0, False, True),
        ),
        _p(
            "R_cut",
            1000.0,
            "TV",
            "float",
            r"R_{cut}",
            "exponential cut-off of the advection_diffusion_cutoff grammage (that model only)",
            "I",
            "assumed: 1 PV, where particles would leave a star-cluster bubble "
            "freely (a size limit); not in the letter; R_cut -> infinity gives advection_diffusion",
            _OPEN_POS(1.0e6),
        ),
        # --- secondary production (Methods, methods-production) ---
        _p(
            "production_model",
            "kelner",
            "",
            "choice",
            r"d\sigma/dE",
            "hadronic cross sections for gamma rays and neutrinos",
            "V",
            "kelner: Kelner+2006 with delta approximation below 100 GeV, as [AESB25] App. A; "
            "aafrag: AAfrag (Koldobskiy+2021) through aafragpy 2.0.4, as [ICRC25] eq. 2",
            choices=("kelner", "aafrag"),
        ),
        _p(
            "ism_composition",
            "H",
            "",
            "choice",
            r"n_{He}/n_H",
            "target gas inside the cocoons",
            "V",
            "H: all gas counted as hydrogen, as [AESB25]/[ICRC25]; H+He: He/H = 0.1 by number (AAfrag only, "
            "Methods, methods-emissivity, tag I)",
            choices=("H", "H+He"),
        ),
        # --- cocoon distribution (Methods, methods-cocoon-density) ---
        _p(
            "R_SN",
            1.0 / 30.0,
            "yr^-1",
            "float",
            r"\mathcal{R}_{SN}",
            "Galactic supernova (cocoon birth) rate",
            "I",
            "lost in [AESB25]; 1/30 per yr hard-wired in CRAMS (Evoli+2019, include/cgs.h) (V-code)",
            _OPEN_POS(1.0),
        ),
        _p(
            "alpha",
            1.09,
            "",
            "float",
            r"\alpha",
            "power-law index of the radial SNR profile",
            "V-code",
            "Green 2015 fit, as implemented in two public codes (Methods, methods-cocoon-density)",
            (0.0, 10.0, True, True),
        ),
        _p(
            "beta",
            3.87,
            "",
            "float",
            r"\beta",
            "exponential index of the radial SNR profile",
            "V-code",
            "Green 2015 fit, as implemented in two public codes (Methods, methods-cocoon-density)",
            _OPEN_POS(20.0),
        ),
        _p(
            "R_sun",
            8.5,
            "kpc",
            "float",
            r"R_\odot",
            "Galactocentric distance of the Sun",
            "I",
            "value of Green 2015's fit; [AESB25] states R_sun explicitly but the number is lost",
            _OPEN_POS(20.0),
        ),
        _p(
            "R_disk",
            15.0,
            "kpc",
            "float",
            r"R_d",
            "radius of the cocoon disk (density zero beyond)",
            "I",
            "lost in [AESB25]; 15 kpc holds 96 % of the unbounded Green profile",
            _OPEN_POS(50.0),
        ),
        _p(
            "z_profile",
            "exponential",
            "",
            "choice",
            r"Z(z)",
            "vertical profile of the cocoon density",
            "I",
            "the third Green-2015 'fitting parameter' of [AESB25] is lost; exp(-|z|/z0) assumed, "
            "a uniform slab |z| < h_disk offered as alternative",
            choices=("exponential", "uniform"),
        ),
        _p(
            "z0",
            0.1,
            "kpc",
            "float",
            r"z_0",
            "vertical scale height of exp(-|z|/z0)",
            "I",
            "assumed: typical SNR/OB scale height; public Green-2015 codes use 0.1 or 0.095 kpc",
            _OPEN_POS(5.0),
        ),
        _p(
            "h_disk",
            1.0,
            "kpc",
            "float",
            r"h_d",
            "half-height at which the density is truncated",
            "I",
            "lost in [AESB25]; only truncates the exponential (1 kpc = 10 z0)",
            _OPEN_POS(10.0),
        ),
        # --- injection (Methods, methods-injection) ---
        _p(
            "E_SN",
            1.0e51,
            "erg",
            "float",
            r"E_{SN}",
            "kinetic energy of one supernova",
            "V",
            "[AESB25] Sec. 2; CRAMS E_SN = 1e51 erg",
            _OPEN_POS(1.0e54),
        ),
        _p(
            "eps_p",
            0.05,
            "",
            "float",
            r"\epsilon_p",
            "fraction of E_SN given to protons",
            "I",
            "numbers lost in [AESB25] ('consistent with Evoli+2019'); CRAMS post-2021 fit 0.0507 (V-code)",
            _OPEN_POS(1.0),
        ),
        _p(
            "gamma_p",
            4.37,
            "",
            "float",
            r"\gamma_p",
            "proton injection slope in momentum, Q ~ p^-gamma",
            "I",
            "numbers lost in [AESB25]; CRAMS post-2021 fit 4.37486 (V-code)",
            (3.0, 5.0, False, False),
        ),
        _p(
            "eps_He",
            0.025,
            "",
            "float",
            r"\epsilon_{He}",
            "fraction of E_SN given to helium",
            "I",
            "numbers lost in [AESB25] ('a lower efficiency'); CRAMS fit 0.0254 (V-code)",
            _OPEN_POS(1.0),
        ),
        _p(
            "gamma_He",
            4.31,
            "",
            "float",
            r"\gamma_{He}",
            "helium injection slope in momentum",
            "I",
            "numbers lost in [AESB25] ('slightly harder'); CRAMS fit 4.30995 (V-code)",
            (3.0, 5.0, False, False),
        ),
        _p(
            "E_max",
            3.0,
            "PeV",
            "float",
            r"E_{max}",
            "cut-off of the injection spectra (acts on rigidity: exp(-R Z e/E_max))",
            "I",
            "[AESB25] 'up to the knee'; value lost; irrelevant for cocoons once R0 << E_max",
            _OPEN_POS(1.0e4),
        ),
        # --- the sources' normalisation (Methods, methods-source-normalisation) ---
        _p(
            "source_normalisation",
            "letter",
            "",
            "choice",
            r"\epsilon_p, \epsilon_{He}",
            "where the injection efficiencies of the cocoons come from: the parameters eps_p and eps_He, as the "
            "letter ('letter'), or the efficiencies for which the cocoons, as the sources of the 2D transport model "
            "at the transport fitted to B/C, make the local proton and helium fluxes ('sea')",
            "I",
            "letter: [AESB25] Sec. 2 (efficiencies of Evoli+2019, a uniform 10 kpc source disk); sea: this book "
            "(the cocoons are the Galaxy's sources, so one efficiency makes the local cosmic rays and the cocoons' "
            "gamma rays); 'letter' is the default because it reproduces the letter's numbers",
            choices=("letter", "sea"),
        ),
        _p(
            "R_sea_min",
            30.0,
            "GV",
            "float",
            r"R_{min}^{sea}",
            "lowest rigidity at which source_normalisation = 'sea' matches the model's flux at the Sun to the local "
            "fit",
            "I",
            "assumed: above the local fit's lowest rigidity (R_min_local), where solar modulation is small",
            (1.0, 1.0e5, True, True),
        ),
        _p(
            "R_sea_max",
            300.0,
            "GV",
            "float",
            r"R_{max}^{sea}",
            "highest rigidity of that match",
            "I",
            "assumed: below the hardening of the local spectra near 500 GV, which the injection slopes of "
            "chapter 1 do not follow",
            (1.0, 1.0e5, True, True),
        ),
        # --- cocoon interior (Methods, methods-cocoon-conditions) ---
        _p(
            "n_gas",
            1.0,
            "cm^-3",
            "float",
            r"n_{gas}",
            "gas density inside a cocoon (enters only tau_c and N_c)",
            "I",
            "cancels in every flux; 1 cm^-3 reproduces the ~0.3 Myr of [AESB25] abstract",
            _OPEN_POS(1.0e6),
        ),
        # --- Galactic transport for B/C (Methods, methods-transport; chapter 2) ---
        _p(
            "xsec_fragmentation",
            "evoli2019",
            "",
            "choice",
            r"\sigma_{k\to s}",
            "partial (cumulative) fragmentation cross sections",
            "V-code",
            "evoli2019: DRAGON2 default table (Evoli et al. 2018, 2019 "
            "update), the parametrisation of the authors' CRAMS code; galprop_opt12: GALPROP option 12 in USINE v3.5 "
            "format",
            choices=("evoli2019", "galprop_opt12"),
        ),
        _p(
            "xsec_inelastic",
            "tripathi99",
            "",
            "choice",
            r"\sigma_{inel}",
            "total inelastic cross sections of the nuclei",
            "V-code",
            "CRAMS v1.1 tables: Tripathi et al. 1999 (CRAMS default) or CROSEC",
            choices=("tripathi99", "crosec"),
        ),
        _p(
            "ams02_table",
            "PRL2018",
            "",
            "choice",
            r"-",
            "which AMS-02 B/C table is fitted",
            "V",
            "PRL2018: Aguilar+2018 PRL 120, 021101 as cited by [ICRC25] (SSDC export, stat+sys combined); "
            "PRL2016: PRL 117, 231102 (CRDB, stat and sys separate)",
            choices=("PRL2018", "PRL2016"),
        ),
        _p(
            "T_min_fit",
            20.0,
            "GeV/n",
            "float",
            r"T_{min}",
            "lowest kinetic energy per nucleon of the fitted B/C points",
            "I",
            "Methods, methods-bc-fit (the paper's cut is not recoverable): above ~20 GeV/n solar "
            "modulation and low-energy cross sections matter little",
            (0.5, 1000.0, True, True),
        ),
        _p(
            "free_transport",
            "D0",
            "",
            "choice",
            r"-",
            "transport parameters fitted together with chi0",
            "I",
            "assumed: D0 absorbs the ~10 % cross-section normalisation; delta stays at the value of the "
            "group's joint fits (CRAMS after Schroer+2021) because B/C above 20 GeV/n alone cannot separate delta "
            "from chi0 (the chapter shows the D0+delta fit too)",
            choices=("D0", "D0+delta", "none"),
        ),
        _p(
            "D0",
            2.48255,
            "1e28 cm^2 s^-1",
            "float",
            r"D_0",
            "diffusion coefficient at 1 GV (start value if fitted)",
            "V-code",
            "CRAMS default after Schroer+2021 (Methods, methods-diffusion)",
            _OPEN_POS(100.0),
        ),
        _p(
            "delta_gal",
            0.565132,
            "",
            "float",
            r"\delta_{gal}",
            "slope of the Galactic diffusion coefficient below the break",
            "V-code",
            "CRAMS default after Schroer+2021 (Methods, methods-diffusion)",
            (0.1, 1.2, True, True),
        ),
        _p(
            "ddelta",
            0.22,
            "",
            "float",
            r"\Delta\delta",
            "change of slope at the diffusion break",
            "V-code",
            "CRAMS default after Schroer+2021; 0.2 in Evoli+2019 (Methods, methods-diffusion)",
            (0.0, 1.0, True, True),
        ),
        _p(
            "s_break",
            0.1,
            "",
            "float",
            r"s",
            "smoothness of the diffusion break",
            "V-code",
            "CRAMS and Evoli+2019 (Methods, methods-diffusion)",
            (0.01, 1.0, True, True),
        ),
        _p(
            "R_b",
            290.0,
            "GV",
            "float",
            r"R_b",
            "rigidity of the diffusion break",
            "V-code",
            "CRAMS default after Schroer+2021; 312 GV in Evoli+2019 (Methods, methods-diffusion)",
            _OPEN_POS(1.0e5),
        ),
        _p(
            "H_halo",
            7.0,
            "kpc",
            "float",
            r"H",
            "half-height of the magnetised halo",
            "V-code",
            "CRAMS default after Schroer+2021 (Methods, methods-slab-transport)",
            _OPEN_POS(50.0),
        ),
        _p(
            "v_A",
            4.4094,
            "km s^-1",
            "float",
            r"v_A",
            "advection speed away from the disk",
            "V-code",
            "CRAMS default after Schroer+2021 (Methods, methods-slab-transport)",
            _OPEN_POS(1000.0),
        ),
        _p(
            "mu_disk",
            2.3,
            "mg cm^-2",
            "float",
            r"\mu",
            "surface density of the gas disk",
            "V-code",
            "CRAMS default (Methods, methods-slab-transport)",
            _OPEN_POS(100.0),
        ),
        _p(
            "f_He",
            0.1,
            "",
            "float",
            r"f_{He}",
            "He/H number ratio of the interstellar gas (B/C transport; target of the diffuse emission)",
            "V-code",
            "CRAMS docs and code before 2022 (0.08 since; Methods, methods-slab-transport)",
            (0.0, 1.0, True, True),
        ),
        _p(
            "phi",
            0.487754,
            "GV",
            "float",
            r"\phi",
            "force-field solar modulation potential",
            "V-code",
            "CRAMS default after Schroer+2021 (Methods, methods-force-field)",
            (0.0, 2.0, True, True),
        ),
        _p(
            "gamma_nuclei",
            4.33,
            "",
            "float",
            r"\gamma_{nuc}",
            "injection slope in momentum of C, N, O",
            "V-code",
            "CRAMS v1.1 nucleilist.csv",
            (3.0, 5.0, False, False),
        ),
        _p(
            "y_N",
            0.101,
            "",
            "float",
            r"y_N",
            "source abundance of N relative to C at equal T/n, C-N-O network "
            "(the comparison with the first edition of chapter 2)",
            "I",
            "computed: fitted to AMS-02 C/O and N/O (20-1000 GV) at the default transport; chapter 2 repeats "
            "the calibration",
            (0.0, 10.0, True, True),
        ),
        _p(
            "y_O",
            1.22,
            "",
            "float",
            r"y_O",
            "source abundance of O relative to C at equal T/n, C-N-O network "
            "(the comparison with the first edition of chapter 2)",
            "I",
            "computed: fitted to AMS-02 C/O and N/O (20-1000 GV) at the default transport; chapter 2 repeats "
            "the calibration",
            (0.0, 10.0, True, True),
        ),
        _p(
            "source_abundances",
            "fit",
            "",
            "choice",
            r"q_Z",
            "source abundances of the nuclei of the B/C network",
            "I",
            "fit: C, N, O, Ne, Mg, Si, Fe calibrated to AMS-02 fluxes (20-1000 GV) at the chapter's transport, "
            "other elements in CRAMS proportion to their nearest calibrated neighbour (assumed: the letter gives no "
            "composition); crams: the injection abundances of CRAMS v1.1 (V-code)",
            choices=("fit", "crams"),
        ),
        _p(
            "chi0_scan_max",
            1.5,
            "g cm^-2",
            "float",
            r"-",
            "upper bound of the chi0 profile drawn",
            "num",
            "numerical: the profile spans the best fit -+ 4.5 Hesse errors (bc.PROFILE_HALF_WIDTH), cut here; the "
            "intervals come from Minos and do not depend on it",
            _OPEN_POS(20.0),
        ),
        # --- gamma-ray sky (Methods, methods-sky and methods-dge; chapter 3) ---
        _p(
            "chi0_source",
            "parameter",
            "",
            "choice",
            r"-",
            "where chi0 comes from: this chapter's chi0, or the "
            "best fit saved by the B/C chapter (outputs/bc_fit.json)",
            "I",
            "assumed: 'parameter' keeps each chapter runnable alone; 'fit' chains it to chapter 2",
            choices=("parameter", "fit"),
        ),
        _p(
            "chi0_band",
            "refit",
            "",
            "choice",
            r"-",
            "the interval of chi0 drawn as bands on the cocoon and total "
            "curves: B/C refitted here with this chapter's grammage model, R0 and transport ('refit'), the fit saved "
            "by the B/C chapter ('fit', outputs/bc_fit.json), or no band ('none')",
            "I",
            "assumed: 'refit' keeps each chapter runnable alone and its band consistent with its own R0; with the "
            "book's defaults it is chapter 2's fit; 'fit' follows a rerun of chapter 2",
            choices=("refit", "fit", "none"),
        ),
        _p(
            "gas_model",
            "galprop",
            "",
            "choice",
            r"n_H(r,z)",
            "3-D gas model of the conventional diffuse emission (the other two are always shown as well)",
            "I",
            "assumed: the GALPROP model (Gordon & Burton 1976 HI, Bronfman+1988 CO) lies between the other two "
            "in both windows; tables in data/transcribed/gasmodel_*",
            choices=("nakanishi_sofue", "bronf_ferr", "galprop"),
        ),
        _p(
            "dge_production_model",
            "aafrag",
            "",
            "choice",
            r"d\sigma/dE",
            "cross sections of the conventional diffuse emission",
            "I",
            "assumed: AAfrag is the only model here with p-He and He-He (the He of the "
            "gas); the paper's DGE came from HERMES maps (De la Torre Luque+2023) that are not reachable",
            choices=("aafrag", "kelner"),
        ),
        _p(
            "cr_sea",
            "transport",
            "",
            "choice",
            r"g(r, z, R)",
            "cosmic-ray density across the Galaxy relative to "
            "the Sun, which lights the gas of the conventional diffuse emission",
            "I",
            "assumed: 'transport' solves chapter 2's disk-halo model in 2D for the cocoons as sources (the letter's "
            "DGE came from DRAGON2 transport, De la Torre Luque+2023); 'uniform' is the local sea everywhere; "
            "'sources' follows the Green 2015 source profile, the steepest gradient one can argue for",
            choices=("transport", "uniform", "sources"),
        ),
        _p(
            "dge_knee",
            "both",
            "",
            "choice",
            r"-",
            "the knee variants of the local spectrum the DGE spans: both (a band from 'min', KASCADE, to 'max', "
            "IceTop), or one of them",
            "I",
            "assumed: the two variants bracket the air-shower data as the letter's base min and max do "
            "(De la Torre Luque+2023); one alone shows what a verdict owes to the knee",
            choices=("both", "min", "max"),
        ),
        _p(
            "R_gal",
            20.0,
            "kpc",
            "float",
            r"R_{gal}",
            "radius of the cosmic-ray cylinder of the 2D transport model (density zero beyond)",
            "I",
            "assumed: 20 kpc, the radial boundary of DRAGON2/GALPROP-type models "
            "(Maurin+2001 use 20 kpc too); the outer window is the most sensitive to it",
            _OPEN_POS(200.0),
        ),
        _p(
            "transport_source",
            "parameter",
            "",
            "choice",
            r"-",
            "where the transport parameters of the 2D sea come "
            "from: this chapter's D0, delta_gal, ... or the fit saved by the B/C chapter (outputs/bc_fit.json)",
            "I",
            "assumed: 'parameter' keeps each chapter runnable alone; 'fit' uses the transport chapter 2 fits to B/C",
            choices=("parameter", "fit"),
        ),
        _p(
            "R_min_local",
            20.0,
            "GV",
            "float",
            r"R_{min}",
            "lowest rigidity of the fitted direct H and He data",
            "I",
            "assumed: above 20 GV the force field is accurate enough; the DGE above 1 GeV needs protons above ~10 GeV",
            (1.0, 1000.0, True, True),
        ),
        _p(
            "R_rehardening",
            150.0,
            "TV",
            "float",
            r"R_2",
            "rigidity of the re-hardening between the DAMPE softening and the knee",
            "R",
            "GRAPES-3 (PRL 132, 051002, 2024) sees the proton spectrum harden at "
            "~166 TeV; the slope change is fitted to LHAASO protons below 1 PeV",
            (20.0, 1000.0, True, True),
        ),
        _p(
            "mask_inner",
            0.65,
            "",
            "float",
            r"f_{mask}",
            "factor on every model curve of the inner window for LHAASO's source masks (window_mask = 'letter_factor')",
            "V",
            "[AESB25] Sec. 3 and [ICRC25], after Zhang+2023 (ApJ 957, 43)",
            (0.0, 1.0, False, True),
        ),
        # --- the LHAASO windows as measured: catalog masks (Methods, methods-masks) ---
        _p(
            "window_mask",
            "catalog",
            "",
            "choice",
            r"-",
            "how the LHAASO windows are masked: 'catalog' averages every model over the sky outside circles around "
            "the 1LHAASO sources, as LHAASO measured it; 'letter_factor' keeps the whole windows and multiplies "
            "their curves by mask_inner and mask_outer, as the letter did",
            "I",
            "assumed: LHAASO's diffuse fluxes are averages over the unmasked sky (Cao+2023, PRL 131, 151001); the "
            "cocoons sit where sources are, so a factor taken from the gas emission (Zhang+2023) need not hold for "
            "them; 'letter_factor' is [AESB25] Sec. 3",
            choices=("catalog", "letter_factor"),
        ),
        _p(
            "mask_detector",
            "KM2A",
            "",
            "choice",
            r"-",
            "whose components of the 1LHAASO catalog are masked (window_mask = 'catalog')",
            "I",
            "assumed: the book compares the windows with the KM2A points (Cao+2023), which mask KM2A's sources",
            choices=("KM2A", "WCDA", "both"),
        ),
        _p(
            "mask_radius_factor",
            2.5,
            "",
            "float",
            r"k_{mask}",
            "radius of a source's mask in units of its Gaussian width sqrt(r39^2 + psf^2)",
            "R",
            "Chen, Fang & Bi 2024 (CPC 48, 115105) restating the LHAASO rule ('2.5 times Gaussian width'); the "
            "KM2A paper's own text was not at hand",
            (0.0, 10.0, False, True),
        ),
        _p(
            "mask_psf_deg",
            0.3,
            "deg",
            "float",
            r"\sigma_{PSF}",
            "angular resolution added in quadrature to a source's r39 (the width of a point-like source)",
            "I",
            "assumed: KM2A's angular resolution above 25 TeV is a few tenths of a degree (1LHAASO, Cao+2024); the "
            "masked fractions of the chapter show how much it matters",
            (0.0, 2.0, True, True),
        ),
        # --- inverse Compton in the DGE (Methods, methods-ic) ---
        _p(
            "dge_ic",
            "on",
            "",
            "choice",
            r"-",
            "inverse Compton scattering of the Galactic electrons on the interstellar radiation field, added to the "
            "conventional diffuse emission ('on') or left out as in the first editions of this book ('off')",
            "I",
            "assumed: the DGE models the letter compares with (DRAGON2+HERMES, GALPROP) contain inverse Compton; "
            "the letter does not say how large it is",
            choices=("on", "off"),
        ),
        _p(
            "ic_electron_height_kpc",
            1.0,
            "kpc",
            "float",
            r"z_e",
            "scale height of the electrons that make the inverse Compton emission (exp(-|z|/z_e), radial profile of "
            "the sources)",
            "I",
            "assumed: above ~100 GeV electrons lose their energy before they leave the disk; sqrt(4 D tau_loss) with "
            "this book's D(R) and the Thomson losses in ~1 eV cm^-3 of radiation and field is about 1 kpc at 10 TeV",
            (0.05, 10.0, True, True),
        ),
        _p(
            "isrf_height_kpc",
            1.5,
            "kpc",
            "float",
            r"z_{ISRF}",
            "scale height of the dust and starlight energy densities (exp(-|z|/z_ISRF), radial profile of the "
            "sources); the CMB is uniform",
            "I",
            "assumed: the stars and the dust are a few hundred parsecs thick, their light fills a thicker layer; a "
            "middle value, which the robustness page varies",
            (0.1, 20.0, True, True),
        ),
        # mask factors of the other sky regions (data/sky_regions.csv): 1 where no factor is published
        _p(
            "mask_outer",
            1.0,
            "",
            "float",
            r"f_{mask}",
            "factor on every model curve of the LHAASO outer window (window_mask = 'letter_factor')",
            "I",
            "assumed: [AESB25] applies a mask factor to the inner window only; none is published for the outer one",
            (0.0, 1.0, False, True),
        ),
        _p(
            "mask_tibet_25l100",
            1.0,
            "",
            "float",
            r"f_{mask}",
            "factor on every model curve of 25 < l < 100 deg, |b| < 5 deg (Tibet AS+MD and ARGO-YBJ)",
            "I",
            "assumed: Tibet AS+MD (Amenomori+2021) and ARGO-YBJ "
            "(Bartoli+2015) mask their sources but publish no factor for a diffuse model, so the model is unmasked",
            (0.0, 1.0, False, True),
        ),
        _p(
            "mask_tibet_50l200",
            1.0,
            "",
            "float",
            r"f_{mask}",
            "factor on every model curve of 50 < l < 200 deg, |b| < 5 deg (Tibet AS+MD)",
            "I",
            "assumed: Tibet AS+MD (Amenomori+2021) masks its sources but publishes "
            "no factor for a diffuse model, so the model is unmasked",
            (0.0, 1.0, False, True),
        ),
        _p(
            "mask_hawc_43l73",
            1.0,
            "",
            "float",
            r"f_{mask}",
            "factor on every model curve of 43 < l < 73 deg, |b| < 4 deg (HAWC)",
            "I",
            "assumed: HAWC (Alfaro+2024) removes the sources it detects but publishes no "
            "factor for a diffuse model, so the model is unmasked",
            (0.0, 1.0, False, True),
        ),
        _p(
            "mask_fermi_inner_galaxy",
            1.0,
            "",
            "float",
            r"f_{mask}",
            "factor on every model curve of |l| < 80 deg, |b| < 8 deg (Fermi-LAT)",
            "I",
            "assumed: the LAT team's data and pi0 model of this region (Ackermann+2012 "
            "Fig. 17) cover the whole region, with no source mask",
            (0.0, 1.0, False, True),
        ),
        _p(
            "cmb_absorption",
            "on",
            "",
            "choice",
            r"e^{-\tau}",
            "absorption of gamma rays by pair production on the CMB",
            "V",
            "physics: Gould & Schreder 1967; matters above ~100 TeV (Methods, methods-dge)",
            choices=("on", "off"),
        ),
        # --- appendices: R0 and delta (Methods, methods-grammage) ---
        _p(
            "R0_grid",
            [5.0, 10.0, 20.0, 50.0, 100.0],
            "TV",
            "floats",
            r"R_0",
            "the R0 values drawn in the R0 appendix (Fig. 4 analogue)",
            "I",
            "Methods, methods-grammage: the letter's Fig. 4 values are lost; 5-100 TV "
            "spans 'negligible' to 'overshoots'",
            _OPEN_POS(1.0e5),
        ),
        _p(
            "n_sigma",
            2.0,
            "",
            "float",
            r"n_\sigma",
            "a model is compatible with a measurement if it lies no more than n_sigma errors above any point",
            "I",
            "assumed: 2 sigma, the criterion asked for in issue 7; "
            "the upper error of each point (stat and sys in quadrature)",
            (0.0, 10.0, False, True),
        ),
        _p(
            "ad_grammage_model",
            "advection_diffusion",
            "",
            "choice",
            r"\chi_c(R)",
            "the advection-to-diffusion form compared with the exponential model in the delta appendix",
            "I",
            "[AESB25] App. C eq. 15 is lost; Methods, methods-grammage-advection-diffusion gives two candidates, the first recommended",
            choices=("advection_diffusion", "advection_diffusion_cutoff"),
        ),
        # --- the joint fit of chi0 and R0 (chapter joint) ---
        _p(
            "icecube_term",
            "off",
            "",
            "choice",
            r"-",
            "whether IceCube's pi0 template fit enters the joint likelihood "
            "(as one Gaussian pull on the all-sky neutrino flux along the template's spectrum)",
            "I",
            "assumed: off, because a template fit measures the normalisation of a fixed morphology, not the Galactic "
            "flux; the chapter shows the fit with it on as well",
            choices=("off", "on"),
        ),
        _p(
            "norm_prior_scale",
            1.0,
            "",
            "float",
            r"s_{prior}",
            "multiplies the width of the Gaussian prior on each region's DGE normalisation (norm_prior)",
            "I",
            "assumed: 1, the model spread as the uncertainty of the DGE; the chapter shows 2 as well",
            (0.0, 100.0, False, True),
        ),
        _p(
            "norm_prior",
            "models",
            "",
            "choice",
            r"\sigma_r",
            "what sets the width of the prior on each region's DGE normalisation: the spread of the DGE over the "
            "book's gas models and cosmic-ray seas ('models'), or over the gas models alone at the chapter's sea "
            "('gas')",
            "I",
            "assumed: 'models', the book's own spread of the DGE (three gas models x three seas, at 10 TeV); 'gas' was "
            "this chapter's prior before, as narrow as 2 % where the gas models agree",
            choices=("models", "gas"),
        ),
        # --- sky windows and numerics ---
        _p(
            "user_window",
            [25.0, 100.0, -5.0, 5.0],
            "deg",
            "window",
            r"(l, b)",
            "an extra sky window [l_min, l_max, b_min, b_max] for which J is reported",
            "I",
            "assumed default: Tibet AS-gamma region A (25 < l < 100 deg, |b| < 5 deg)",
        ),
        _p(
            "grid_scale",
            1,
            "",
            "int",
            r"-",
            "multiplies the number of points of every integration grid",
            "num",
            "numerical: 1 is converged to better than 0.1 % (see the convergence checks)",
            (1, 8, True, True),
        ),
    ]
}


def validate(values: Mapping[str, Any], names: Iterable[str] | None = None) -> dict[str, Any]:
    """Check ``values`` and return a complete, coerced parameter dict.

    Parameters
    ----------
    values : mapping
        Parameter name -> value. Unknown names are an error.
    names : iterable of str, optional
        The parameters accepted here (e.g. a chapter's); defaults to all.
        Missing ones are filled with their defaults.

    Raises
    ------
    ParameterError
        One-line message naming the first offending parameter and what is allowed.
    """
    accepted = list(PARAMETERS) if names is None else list(names)
    for name in values:
        if name not in accepted:
            raise ParameterError(f"unknown parameter {name!r}: allowed are {', '.join(accepted)}")
    out = {}
    for name in accepted:
        p = PARAMETERS[name]
        out[name] = p.check(values[name]) if name in values else p.check(p.default)
    _check_consistency(out)
    return out


def _check_consistency(v: Mapping[str, Any]) -> None:
    """Relations between parameters that single bounds cannot express."""
    if "R_sun" in v and "R_disk" in v and not v["R_sun"] < v["R_disk"]:
        raise ParameterError(
            f"R_sun = {v['R_sun']!r} is not allowed: the Sun must lie inside the disk, R_sun < R_disk = {v['R_disk']!r} kpc"
        )
    if "R_sea_min" in v and "R_sea_max" in v and not v["R_sea_min"] < v["R_sea_max"]:
        raise ParameterError(
            f"R_sea_min = {v['R_sea_min']!r} is not allowed: the rigidity range of the sea normalisation needs "
            f"R_sea_min < R_sea_max = {v['R_sea_max']!r} GV"
        )
    if "R_gal" in v and "R_disk" in v and not v["R_gal"] > v["R_disk"]:
        raise ParameterError(
            f"R_gal = {v['R_gal']!r} is not allowed: the cosmic-ray cylinder must be larger than the cocoon disk, "
            f"R_gal > R_disk = {v['R_disk']!r} kpc"
        )
    if v.get("production_model") == "kelner" and v.get("ism_composition") == "H+He":
        raise ParameterError(
            "ism_composition = 'H+He' is not allowed with production_model = 'kelner' (no p-He "
            "kernels): use production_model = 'aafrag' or ism_composition = 'H'"
        )
    if v.get("z_profile") == "exponential" and "z0" in v and "h_disk" in v and v["z0"] > v["h_disk"]:
        raise ParameterError(
            f"z0 = {v['z0']!r} is not allowed: the scale height must not exceed the truncation h_disk = {v['h_disk']!r} kpc"
        )


def parse_cli_value(name: str, text: str) -> Any:
    """Convert a command-line string to the declared kind of parameter ``name``.

    Windows are written ``l_min,l_max,b_min,b_max``, lists ``v1,v2,...``. Raises ParameterError.
    """
    if name not in PARAMETERS:
        raise ParameterError(f"unknown parameter {name!r}: allowed are {', '.join(PARAMETERS)}")
    p = PARAMETERS[name]
    text = text.strip()
    try:
        if p.kind == "choice":
            value: Any = text
        elif p.kind in ("window", "floats"):
            value = [float(t) for t in text.strip("[]() ").split(",")]
        elif p.kind == "int":
            value = float(text)
            value = int(value) if value.is_integer() else value
        else:
            value = float(text)
    except ValueError:
        raise ParameterError(f"{name} = {text!r} is not allowed: expected {p.allowed()}") from None
    return p.check(value)


def provenance_table(names: Iterable[str] | None = None, values: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The parameters as a table: value used, default, unit, allowed values, tag and source."""
    names = [n for n in (PARAMETERS if names is None else names) if n in PARAMETERS]  # resolved dicts hold more
    set_by = (values or {}).get(RESOLVED_SOURCES, {}).get("set", {})  # parameters source_normalisation set
    rows = []
    for n in names:
        p = PARAMETERS[n]
        used = values[n] if values is not None and n in values else p.default
        rows.append(
            {
                "parameter": n,
                "symbol": f"${p.symbol}$" if p.symbol != "-" else "",
                "value": _fmt(used),
                "default": _fmt(p.default),
                "unit": p.unit,
                "allowed": p.allowed(),
                "tag": p.tag,
                "source": f"set by source_normalisation = 'sea' (given: {_fmt(set_by[n])})"
                if n in set_by
                else p.source,
            }
        )
    import pandas as pd  # imported here: `cocoon` checks parameters without pandas

    return pd.DataFrame(rows).set_index("parameter")


def provenance_markdown(table: pd.DataFrame) -> str:
    """:func:`provenance_table` as a Markdown table, which the book renders with MyST: the symbols become math
    (a DataFrame's HTML would show the raw ``$...$``), the parameter names code."""

    def cell(v: Any) -> str:
        return " ".join(str(v).split()).replace("|", "\\|")

    head = "| parameter | " + " | ".join(table.columns) + " |"
    rule = "|" + "---|" * (len(table.columns) + 1)
    rows = [f"| `{name}` | " + " | ".join(cell(v) for v in row) + " |" for name, row in table.iterrows()]
    return "\n".join([head, rule, *rows])


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)
