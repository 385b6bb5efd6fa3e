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
    "AFFECTS",
    "GROUPS",
    "in_group",
    "affecting",
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

#: the entry of a parameter dict resolved by :func:`cocoonlib.book.params.from_params.resolve_sources` that records what
#: ``source_normalisation`` = 'sea' set (efficiencies, transport) and from what; absent for 'letter'
RESOLVED_SOURCES = "_sources"


class ParameterError(ValueError):
    """A parameter value that is not allowed. The message is one line."""


#: what a change of a parameter changes: the tags of :attr:`Parameter.affects`. The book derives from them every set
#: of parameters it needs (what keys a cached sky, what GammaSky.with_cocoons may change, what builds the B/C network)
#: and checks that each parameter has at least one, so a new parameter cannot be left out of a cache key by omission.
AFFECTS = {
    "cocoon_emissivity": "the emissivity of one cocoon (GammaSky.with_cocoons recomputes it alone)",
    "chi0": "where chi0 comes from (resolved into chi0 before the cocoons are built)",
    "sky": "a sky's DGE, gas and sea columns, J or windows: part of the key of a cached sky",
    "dge_band": "which knee variants the DGE band spans (applied to a cached sky afterwards)",
    "bc": "the B/C model of chapter 2 (its chapter parameters)",
    "bc_network": "the B/C network of nuclei (built once per value)",
    "bc_abundances": "the calibration of the source abundances against the AMS-02 primaries",
    "sources": "how source_normalisation resolves the efficiencies and the transport",
    "chapter": "only what a chapter does with its sky or fit (limits, bands, fits, tables)",
}

#: the groups of the book's tables and of the chapters' parameter lists (:func:`in_group`)
GROUPS = {
    "cocoons": "the cocoon model: grammage, production, where the cocoons are, what they inject, their normalisation",
    "halo": "the disk-halo transport of chapter 2",
    "dge": "the conventional diffuse emission: local spectra, gas, cross sections, sea",
    "masks": "the LHAASO windows as measured: source masks or the letter's factor",
    "regions": "the mask factors of the other sky regions",
    "ic": "inverse Compton in the DGE",
    "bc": "the B/C network and its fit",
}


@dataclass(frozen=True, kw_only=True)
class Parameter:
    """Declaration of one model parameter, by keyword.

    ``kind`` is ``"float"``, ``"int"``, ``"choice"``, ``"window"`` (a Galactic
    longitude/latitude box ``[l_min, l_max, b_min, b_max]`` in degrees) or
    ``"floats"`` (a list of 1 to :data:`MAX_LIST` numbers, each within ``bounds``).
    ``bounds`` is ``(low, high, low_inclusive, high_inclusive)`` for numbers.
    ``affects``: what a change of it changes (tags of :data:`AFFECTS`, at least one); ``group``: its group in the
    chapters' lists (:data:`GROUPS`, or "" for none).
    """

    name: str
    default: Any
    unit: str
    kind: str
    symbol: str
    description: str
    tag: str
    source: str
    affects: frozenset
    group: str = ""
    bounds: tuple | None = None
    choices: tuple = field(default_factory=tuple)

    def __post_init__(self):
        object.__setattr__(self, "affects", frozenset(self.affects))
        object.__setattr__(self, "choices", tuple(self.choices))
        unknown = self.affects - set(AFFECTS)
        if not self.affects or unknown:
            raise ValueError(
                f"parameter {self.name!r}: affects must name some of {', '.join(AFFECTS)}, got {set(self.affects)}"
            )
        if self.group and self.group not in GROUPS:
            raise ValueError(f"parameter {self.name!r}: group {self.group!r} is not one of {', '.join(GROUPS)}")

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


_OPEN_POS = lambda hi: (0.0, hi, False, True)  # noqa: E731  (0, hi]
GRAMMAGE_CHOICES = tuple(GRAMMAGE_MODELS)  # the forms cocoonlib.source.grammage implements

#: Every parameter any chapter accepts, in the order of the book's tables.
PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in [
        # --- source grammage (Methods, methods-grammage) ---
        Parameter(
            name="chi0",
            default=0.4,
            unit="g cm^-2",
            kind="float",
            symbol=r"\chi_{c,0}",
            description="grammage accumulated in a cocoon at low rigidity",
            tag="V",
            source="[AESB25] abstract and B/C fit; [ICRC25] eq. 4 and Sec. 3 (allowed 0.3-0.6)",
            bounds=_OPEN_POS(10.0),
            affects={"cocoon_emissivity"},
        ),
        Parameter(
            name="R0",
            default=20.0,
            unit="TV",
            kind="float",
            symbol=r"R_0",
            description="rigidity scale of the grammage fall-off",
            tag="V",
            source="[ICRC25] eq. 4 ('we fix R0 = 20 TV'); lost in the [AESB25] copy, App. B wording agrees",
            bounds=_OPEN_POS(1.0e5),
            affects={"bc", "cocoon_emissivity"},
            group="cocoons",
        ),
        Parameter(
            name="grammage_model",
            default="exponential",
            unit="",
            kind="choice",
            symbol=r"\chi_c(R)",
            description="energy dependence of the cocoon grammage",
            tag="V",
            source="exponential: [AESB25] eq. 6 = [ICRC25] eq. 4 (V); advection_diffusion: [AESB25] App. C eq. 15, "
            "form reconstructed (I); advection_diffusion_cutoff: the second candidate of Methods, methods-grammage-advection-diffusion (I); "
            "constant: the R0 -> infinity limit, as in Evoli+2019 (V-code)",
            choices=GRAMMAGE_CHOICES,
            affects={"bc", "cocoon_emissivity"},
            group="cocoons",
        ),
        Parameter(
            name="delta",
            default=1.0,
            unit="",
            kind="float",
            symbol=r"\delta",
            description="slope of the diffusion coefficient inside the cocoon (advection_diffusion model only)",
            tag="I",
            source="[AESB25] App. C considers 1/3, 1/2 and 1; assumed default 1 (Bohm), the case App. C finds compatible "
            "with both Fermi-LAT and LHAASO",
            bounds=(0.0, 2.0, False, True),
            affects={"bc", "cocoon_emissivity"},
            group="cocoons",
        ),
        Parameter(
            name="R_cut",
            default=1000.0,
            unit="TV",
            kind="float",
            symbol=r"R_{cut}",
            description="exponential cut-off of the advection_diffusion_cutoff grammage (that model only)",
            tag="I",
            source="assumed: 1 PV, where particles would leave a star-cluster bubble "
            "freely (a size limit); not in the letter; R_cut -> infinity gives advection_diffusion",
            bounds=_OPEN_POS(1.0e6),
            affects={"bc", "cocoon_emissivity"},
            group="cocoons",
        ),
        # --- secondary production (Methods, methods-production) ---
        Parameter(
            name="production_model",
            default="kelner",
            unit="",
            kind="choice",
            symbol=r"d\sigma/dE",
            description="hadronic cross sections for gamma rays and neutrinos",
            tag="V",
            source="kelner: Kelner+2006 with delta approximation below 100 GeV, as [AESB25] App. A; "
            "aafrag: AAfrag (Koldobskiy+2021) through aafragpy 2.0.4, as [ICRC25] eq. 2",
            choices=("kelner", "aafrag"),
            affects={"cocoon_emissivity"},
            group="cocoons",
        ),
        Parameter(
            name="ism_composition",
            default="H",
            unit="",
            kind="choice",
            symbol=r"n_{He}/n_H",
            description="target gas inside the cocoons",
            tag="V",
            source="H: all gas counted as hydrogen, as [AESB25]/[ICRC25]; H+He: He/H = 0.1 by number (AAfrag only, "
            "Methods, methods-emissivity, tag I)",
            choices=("H", "H+He"),
            affects={"cocoon_emissivity"},
            group="cocoons",
        ),
        # --- cocoon distribution (Methods, methods-cocoon-density) ---
        Parameter(
            name="R_SN",
            default=1.0 / 30.0,
            unit="yr^-1",
            kind="float",
            symbol=r"\mathcal{R}_{SN}",
            description="Galactic supernova (cocoon birth) rate",
            tag="I",
            source="lost in [AESB25]; 1/30 per yr hard-wired in CRAMS (Evoli+2019, include/cgs.h) (V-code)",
            bounds=_OPEN_POS(1.0),
            affects={"sky"},
            group="cocoons",
        ),
        Parameter(
            name="alpha",
            default=1.09,
            unit="",
            kind="float",
            symbol=r"\alpha",
            description="power-law index of the radial SNR profile",
            tag="V-code",
            source="Green 2015 fit, as implemented in two public codes (Methods, methods-cocoon-density)",
            bounds=(0.0, 10.0, True, True),
            affects={"sky"},
            group="cocoons",
        ),
        Parameter(
            name="beta",
            default=3.87,
            unit="",
            kind="float",
            symbol=r"\beta",
            description="exponential index of the radial SNR profile",
            tag="V-code",
            source="Green 2015 fit, as implemented in two public codes (Methods, methods-cocoon-density)",
            bounds=_OPEN_POS(20.0),
            affects={"sky"},
            group="cocoons",
        ),
        Parameter(
            name="R_sun",
            default=8.5,
            unit="kpc",
            kind="float",
            symbol=r"R_\odot",
            description="Galactocentric distance of the Sun",
            tag="I",
            source="value of Green 2015's fit; [AESB25] states R_sun explicitly but the number is lost",
            bounds=_OPEN_POS(20.0),
            affects={"sky"},
            group="cocoons",
        ),
        Parameter(
            name="R_disk",
            default=15.0,
            unit="kpc",
            kind="float",
            symbol=r"R_d",
            description="radius of the cocoon disk (density zero beyond)",
            tag="I",
            source="lost in [AESB25]; 15 kpc holds 96 % of the unbounded Green profile",
            bounds=_OPEN_POS(50.0),
            affects={"sky"},
            group="cocoons",
        ),
        Parameter(
            name="z_profile",
            default="exponential",
            unit="",
            kind="choice",
            symbol=r"Z(z)",
            description="vertical profile of the cocoon density",
            tag="I",
            source="the third Green-2015 'fitting parameter' of [AESB25] is lost; exp(-|z|/z0) assumed, "
            "a uniform slab |z| < h_disk offered as alternative",
            choices=("exponential", "uniform"),
            affects={"sky"},
            group="cocoons",
        ),
        Parameter(
            name="z0",
            default=0.1,
            unit="kpc",
            kind="float",
            symbol=r"z_0",
            description="vertical scale height of exp(-|z|/z0)",
            tag="I",
            source="assumed: typical SNR/OB scale height; public Green-2015 codes use 0.1 or 0.095 kpc",
            bounds=_OPEN_POS(5.0),
            affects={"sky"},
            group="cocoons",
        ),
        Parameter(
            name="h_disk",
            default=1.0,
            unit="kpc",
            kind="float",
            symbol=r"h_d",
            description="half-height at which the density is truncated",
            tag="I",
            source="lost in [AESB25]; only truncates the exponential (1 kpc = 10 z0)",
            bounds=_OPEN_POS(10.0),
            affects={"sky"},
            group="cocoons",
        ),
        # --- injection (Methods, methods-injection) ---
        Parameter(
            name="E_SN",
            default=1.0e51,
            unit="erg",
            kind="float",
            symbol=r"E_{SN}",
            description="kinetic energy of one supernova",
            tag="V",
            source="[AESB25] Sec. 2; CRAMS E_SN = 1e51 erg",
            bounds=_OPEN_POS(1.0e54),
            affects={"cocoon_emissivity"},
            group="cocoons",
        ),
        Parameter(
            name="eps_p",
            default=0.05,
            unit="",
            kind="float",
            symbol=r"\epsilon_p",
            description="fraction of E_SN given to protons",
            tag="I",
            source="numbers lost in [AESB25] ('consistent with Evoli+2019'); CRAMS post-2021 fit 0.0507 (V-code)",
            bounds=_OPEN_POS(1.0),
            affects={"cocoon_emissivity"},
            group="cocoons",
        ),
        Parameter(
            name="gamma_p",
            default=4.37,
            unit="",
            kind="float",
            symbol=r"\gamma_p",
            description="proton injection slope in momentum, Q ~ p^-gamma",
            tag="I",
            source="numbers lost in [AESB25]; CRAMS post-2021 fit 4.37486 (V-code)",
            bounds=(3.0, 5.0, False, False),
            affects={"cocoon_emissivity", "sky"},
            group="cocoons",
        ),
        Parameter(
            name="eps_He",
            default=0.025,
            unit="",
            kind="float",
            symbol=r"\epsilon_{He}",
            description="fraction of E_SN given to helium",
            tag="I",
            source="numbers lost in [AESB25] ('a lower efficiency'); CRAMS fit 0.0254 (V-code)",
            bounds=_OPEN_POS(1.0),
            affects={"cocoon_emissivity"},
            group="cocoons",
        ),
        Parameter(
            name="gamma_He",
            default=4.31,
            unit="",
            kind="float",
            symbol=r"\gamma_{He}",
            description="helium injection slope in momentum",
            tag="I",
            source="numbers lost in [AESB25] ('slightly harder'); CRAMS fit 4.30995 (V-code)",
            bounds=(3.0, 5.0, False, False),
            affects={"cocoon_emissivity", "sky"},
            group="cocoons",
        ),
        Parameter(
            name="E_max",
            default=3.0,
            unit="PeV",
            kind="float",
            symbol=r"E_{max}",
            description="cut-off of the injection spectra (acts on rigidity: exp(-R Z e/E_max))",
            tag="I",
            source="[AESB25] 'up to the knee'; value lost; irrelevant for cocoons once R0 << E_max",
            bounds=_OPEN_POS(1.0e4),
            affects={"cocoon_emissivity", "sky"},
            group="cocoons",
        ),
        # --- the sources' normalisation (Methods, methods-source-normalisation) ---
        Parameter(
            name="source_normalisation",
            default="letter",
            unit="",
            kind="choice",
            symbol=r"\epsilon_p, \epsilon_{He}",
            description="where the injection efficiencies of the cocoons come from: the parameters eps_p and eps_He, as the "
            "letter ('letter'), or the efficiencies for which the cocoons, as the sources of the 2D transport model "
            "at the transport fitted to B/C, make the local proton and helium fluxes ('sea')",
            tag="I",
            source="letter: [AESB25] Sec. 2 (efficiencies of Evoli+2019, a uniform 10 kpc source disk); sea: this book "
            "(the cocoons are the Galaxy's sources, so one efficiency makes the local cosmic rays and the cocoons' "
            "gamma rays); 'letter' is the default because it reproduces the letter's numbers",
            choices=("letter", "sea"),
            affects={"sources"},
            group="cocoons",
        ),
        Parameter(
            name="R_sea_min",
            default=30.0,
            unit="GV",
            kind="float",
            symbol=r"R_{min}^{sea}",
            description="lowest rigidity at which source_normalisation = 'sea' matches the model's flux at the Sun to the local "
            "fit",
            tag="I",
            source="assumed: above the local fit's lowest rigidity (R_min_local), where solar modulation is small",
            bounds=(1.0, 1.0e5, True, True),
            affects={"sources"},
            group="cocoons",
        ),
        Parameter(
            name="R_sea_max",
            default=300.0,
            unit="GV",
            kind="float",
            symbol=r"R_{max}^{sea}",
            description="highest rigidity of that match",
            tag="I",
            source="assumed: below the hardening of the local spectra near 500 GV, which the injection slopes of "
            "chapter 1 do not follow",
            bounds=(1.0, 1.0e5, True, True),
            affects={"sources"},
            group="cocoons",
        ),
        # --- cocoon interior (Methods, methods-cocoon-conditions) ---
        Parameter(
            name="n_gas",
            default=1.0,
            unit="cm^-3",
            kind="float",
            symbol=r"n_{gas}",
            description="gas density inside a cocoon (enters only tau_c and N_c)",
            tag="I",
            source="cancels in every flux; 1 cm^-3 reproduces the ~0.3 Myr of [AESB25] abstract",
            bounds=_OPEN_POS(1.0e6),
            affects={"chapter"},
        ),
        # --- Galactic transport for B/C (Methods, methods-transport; chapter 2) ---
        Parameter(
            name="xsec_fragmentation",
            default="evoli2019",
            unit="",
            kind="choice",
            symbol=r"\sigma_{k\to s}",
            description="partial (cumulative) fragmentation cross sections",
            tag="V-code",
            source="evoli2019: DRAGON2 default table (Evoli et al. 2018, 2019 "
            "update), the parametrisation of the authors' CRAMS code; galprop_opt12: GALPROP option 12 in USINE v3.5 "
            "format",
            choices=("evoli2019", "galprop_opt12"),
            affects={"bc", "bc_network"},
            group="bc",
        ),
        Parameter(
            name="xsec_inelastic",
            default="tripathi99",
            unit="",
            kind="choice",
            symbol=r"\sigma_{inel}",
            description="total inelastic cross sections of the nuclei",
            tag="V-code",
            source="CRAMS v1.1 tables: Tripathi et al. 1999 (CRAMS default) or CROSEC",
            choices=("tripathi99", "crosec"),
            affects={"bc", "bc_network"},
            group="bc",
        ),
        Parameter(
            name="ams02_table",
            default="PRL2018",
            unit="",
            kind="choice",
            symbol=r"-",
            description="which AMS-02 B/C table is fitted",
            tag="V",
            source="PRL2018: Aguilar+2018 PRL 120, 021101 as cited by [ICRC25] (SSDC export, stat+sys combined); "
            "PRL2016: PRL 117, 231102 (CRDB, stat and sys separate)",
            choices=("PRL2018", "PRL2016"),
            affects={"bc"},
            group="bc",
        ),
        Parameter(
            name="T_min_fit",
            default=20.0,
            unit="GeV/n",
            kind="float",
            symbol=r"T_{min}",
            description="lowest kinetic energy per nucleon of the fitted B/C points",
            tag="I",
            source="Methods, methods-bc-fit (the paper's cut is not recoverable): above ~20 GeV/n solar "
            "modulation and low-energy cross sections matter little",
            bounds=(0.5, 1000.0, True, True),
            affects={"bc"},
            group="bc",
        ),
        Parameter(
            name="free_transport",
            default="D0",
            unit="",
            kind="choice",
            symbol=r"-",
            description="transport parameters fitted together with chi0",
            tag="I",
            source="assumed: D0 absorbs the ~10 % cross-section normalisation; delta stays at the value of the "
            "group's joint fits (CRAMS after Schroer+2021) because B/C above 20 GeV/n alone cannot separate delta "
            "from chi0 (the chapter shows the D0+delta fit too)",
            choices=("D0", "D0+delta", "none"),
            affects={"bc"},
            group="bc",
        ),
        Parameter(
            name="D0",
            default=2.48255,
            unit="1e28 cm^2 s^-1",
            kind="float",
            symbol=r"D_0",
            description="diffusion coefficient at 1 GV (start value if fitted)",
            tag="V-code",
            source="CRAMS default after Schroer+2021 (Methods, methods-diffusion)",
            bounds=_OPEN_POS(100.0),
            affects={"bc", "bc_abundances", "sky"},
            group="halo",
        ),
        Parameter(
            name="delta_gal",
            default=0.565132,
            unit="",
            kind="float",
            symbol=r"\delta_{gal}",
            description="slope of the Galactic diffusion coefficient below the break",
            tag="V-code",
            source="CRAMS default after Schroer+2021 (Methods, methods-diffusion)",
            bounds=(0.1, 1.2, True, True),
            affects={"bc", "bc_abundances", "sky"},
            group="halo",
        ),
        Parameter(
            name="ddelta",
            default=0.22,
            unit="",
            kind="float",
            symbol=r"\Delta\delta",
            description="change of slope at the diffusion break",
            tag="V-code",
            source="CRAMS default after Schroer+2021; 0.2 in Evoli+2019 (Methods, methods-diffusion)",
            bounds=(0.0, 1.0, True, True),
            affects={"bc", "bc_abundances", "sky"},
            group="halo",
        ),
        Parameter(
            name="s_break",
            default=0.1,
            unit="",
            kind="float",
            symbol=r"s",
            description="smoothness of the diffusion break",
            tag="V-code",
            source="CRAMS and Evoli+2019 (Methods, methods-diffusion)",
            bounds=(0.01, 1.0, True, True),
            affects={"bc", "bc_abundances", "sky"},
            group="halo",
        ),
        Parameter(
            name="R_b",
            default=290.0,
            unit="GV",
            kind="float",
            symbol=r"R_b",
            description="rigidity of the diffusion break",
            tag="V-code",
            source="CRAMS default after Schroer+2021; 312 GV in Evoli+2019 (Methods, methods-diffusion)",
            bounds=_OPEN_POS(1.0e5),
            affects={"bc", "bc_abundances", "sky"},
            group="halo",
        ),
        Parameter(
            name="H_halo",
            default=7.0,
            unit="kpc",
            kind="float",
            symbol=r"H",
            description="half-height of the magnetised halo",
            tag="V-code",
            source="CRAMS default after Schroer+2021 (Methods, methods-slab-transport)",
            bounds=_OPEN_POS(50.0),
            affects={"bc", "bc_abundances", "sky"},
            group="halo",
        ),
        Parameter(
            name="v_A",
            default=4.4094,
            unit="km s^-1",
            kind="float",
            symbol=r"v_A",
            description="advection speed away from the disk",
            tag="V-code",
            source="CRAMS default after Schroer+2021 (Methods, methods-slab-transport)",
            bounds=_OPEN_POS(1000.0),
            affects={"bc", "bc_abundances", "sky"},
            group="halo",
        ),
        Parameter(
            name="mu_disk",
            default=2.3,
            unit="mg cm^-2",
            kind="float",
            symbol=r"\mu",
            description="surface density of the gas disk",
            tag="V-code",
            source="CRAMS default (Methods, methods-slab-transport)",
            bounds=_OPEN_POS(100.0),
            affects={"bc", "bc_abundances", "sky"},
            group="halo",
        ),
        Parameter(
            name="f_He",
            default=0.1,
            unit="",
            kind="float",
            symbol=r"f_{He}",
            description="He/H number ratio of the interstellar gas (B/C transport; target of the diffuse emission)",
            tag="V-code",
            source="CRAMS docs and code before 2022 (0.08 since; Methods, methods-slab-transport)",
            bounds=(0.0, 1.0, True, True),
            affects={"bc", "bc_network", "sky"},
            group="dge",
        ),
        Parameter(
            name="phi",
            default=0.487754,
            unit="GV",
            kind="float",
            symbol=r"\phi",
            description="force-field solar modulation potential",
            tag="V-code",
            source="CRAMS default after Schroer+2021 (Methods, methods-force-field)",
            bounds=(0.0, 2.0, True, True),
            affects={"bc", "bc_abundances", "sky"},
            group="dge",
        ),
        Parameter(
            name="gamma_nuclei",
            default=4.33,
            unit="",
            kind="float",
            symbol=r"\gamma_{nuc}",
            description="injection slope in momentum of C, N, O",
            tag="V-code",
            source="CRAMS v1.1 nucleilist.csv",
            bounds=(3.0, 5.0, False, False),
            affects={"bc", "bc_network"},
            group="bc",
        ),
        Parameter(
            name="y_N",
            default=0.101,
            unit="",
            kind="float",
            symbol=r"y_N",
            description="source abundance of N relative to C at equal T/n, C-N-O network "
            "(the comparison with the first edition of chapter 2)",
            tag="I",
            source="computed: fitted to AMS-02 C/O and N/O (20-1000 GV) at the default transport; chapter 2 repeats "
            "the calibration",
            bounds=(0.0, 10.0, True, True),
            affects={"bc"},
            group="bc",
        ),
        Parameter(
            name="y_O",
            default=1.22,
            unit="",
            kind="float",
            symbol=r"y_O",
            description="source abundance of O relative to C at equal T/n, C-N-O network "
            "(the comparison with the first edition of chapter 2)",
            tag="I",
            source="computed: fitted to AMS-02 C/O and N/O (20-1000 GV) at the default transport; chapter 2 repeats "
            "the calibration",
            bounds=(0.0, 10.0, True, True),
            affects={"bc"},
            group="bc",
        ),
        Parameter(
            name="source_abundances",
            default="fit",
            unit="",
            kind="choice",
            symbol=r"q_Z",
            description="source abundances of the nuclei of the B/C network",
            tag="I",
            source="fit: C, N, O, Ne, Mg, Si, Fe calibrated to AMS-02 fluxes (20-1000 GV) at the chapter's transport, "
            "other elements in CRAMS proportion to their nearest calibrated neighbour (assumed: the letter gives no "
            "composition); crams: the injection abundances of CRAMS v1.1 (V-code)",
            choices=("fit", "crams"),
            affects={"bc", "bc_abundances"},
            group="bc",
        ),
        Parameter(
            name="chi0_scan_max",
            default=1.5,
            unit="g cm^-2",
            kind="float",
            symbol=r"-",
            description="upper bound of the chi0 profile drawn",
            tag="num",
            source="numerical: the profile spans the best fit -+ 4.5 Hesse errors (bc_fit.PROFILE_HALF_WIDTH), cut here; the "
            "intervals come from Minos and do not depend on it",
            bounds=_OPEN_POS(20.0),
            affects={"bc"},
            group="bc",
        ),
        # --- gamma-ray sky (Methods, methods-sky and methods-dge; chapter 3) ---
        Parameter(
            name="chi0_source",
            default="parameter",
            unit="",
            kind="choice",
            symbol=r"-",
            description="where chi0 comes from: this chapter's chi0, or the "
            "best fit saved by the B/C chapter (outputs/bc_fit.json)",
            tag="I",
            source="assumed: 'parameter' keeps each chapter runnable alone; 'fit' chains it to chapter 2",
            choices=("parameter", "fit"),
            affects={"chi0"},
        ),
        Parameter(
            name="chi0_band",
            default="refit",
            unit="",
            kind="choice",
            symbol=r"-",
            description="the interval of chi0 drawn as bands on the cocoon and total "
            "curves: B/C refitted here with this chapter's grammage model, R0 and transport ('refit'), the fit saved "
            "by the B/C chapter ('fit', outputs/bc_fit.json), or no band ('none')",
            tag="I",
            source="assumed: 'refit' keeps each chapter runnable alone and its band consistent with its own R0; with the "
            "book's defaults it is chapter 2's fit; 'fit' follows a rerun of chapter 2",
            choices=("refit", "fit", "none"),
            affects={"chapter"},
        ),
        Parameter(
            name="gas_model",
            default="galprop",
            unit="",
            kind="choice",
            symbol=r"n_H(r,z)",
            description="3-D gas model of the conventional diffuse emission (the other two are always shown as well)",
            tag="I",
            source="assumed: the GALPROP model (Gordon & Burton 1976 HI, Bronfman+1988 CO) lies between the other two "
            "in both windows; tables in data/transcribed/gasmodel_*",
            choices=("nakanishi_sofue", "bronf_ferr", "galprop"),
            affects={"sky"},
            group="dge",
        ),
        Parameter(
            name="dge_production_model",
            default="aafrag",
            unit="",
            kind="choice",
            symbol=r"d\sigma/dE",
            description="cross sections of the conventional diffuse emission",
            tag="I",
            source="assumed: AAfrag is the only model here with p-He and He-He (the He of the "
            "gas); the paper's DGE came from HERMES maps (De la Torre Luque+2023) that are not reachable",
            choices=("aafrag", "kelner"),
            affects={"sky"},
            group="dge",
        ),
        Parameter(
            name="cr_sea",
            default="transport",
            unit="",
            kind="choice",
            symbol=r"g(r, z, R)",
            description="cosmic-ray density across the Galaxy relative to "
            "the Sun, which lights the gas of the conventional diffuse emission",
            tag="I",
            source="assumed: 'transport' solves chapter 2's disk-halo model in 2D for the cocoons as sources (the letter's "
            "DGE came from DRAGON2 transport, De la Torre Luque+2023); 'uniform' is the local sea everywhere; "
            "'sources' follows the Green 2015 source profile, the steepest gradient one can argue for",
            choices=("transport", "uniform", "sources"),
            affects={"sky"},
            group="dge",
        ),
        Parameter(
            name="dge_knee",
            default="both",
            unit="",
            kind="choice",
            symbol=r"-",
            description="the knee variants of the local spectrum the DGE spans: both (a band from 'min', KASCADE, to 'max', "
            "IceTop), or one of them",
            tag="I",
            source="assumed: the two variants bracket the air-shower data as the letter's base min and max do "
            "(De la Torre Luque+2023); one alone shows what a verdict owes to the knee",
            choices=("both", "min", "max"),
            affects={"dge_band"},
            group="dge",
        ),
        Parameter(
            name="R_gal",
            default=20.0,
            unit="kpc",
            kind="float",
            symbol=r"R_{gal}",
            description="radius of the cosmic-ray cylinder of the 2D transport model (density zero beyond)",
            tag="I",
            source="assumed: 20 kpc, the radial boundary of DRAGON2/GALPROP-type models "
            "(Maurin+2001 use 20 kpc too); the outer window is the most sensitive to it",
            bounds=_OPEN_POS(200.0),
            affects={"sky"},
            group="dge",
        ),
        Parameter(
            name="transport_source",
            default="parameter",
            unit="",
            kind="choice",
            symbol=r"-",
            description="where the transport parameters of the 2D sea come "
            "from: this chapter's D0, delta_gal, ... or the fit saved by the B/C chapter (outputs/bc_fit.json)",
            tag="I",
            source="assumed: 'parameter' keeps each chapter runnable alone; 'fit' uses the transport chapter 2 fits to B/C",
            choices=("parameter", "fit"),
            affects={"sky"},
            group="dge",
        ),
        Parameter(
            name="R_min_local",
            default=20.0,
            unit="GV",
            kind="float",
            symbol=r"R_{min}",
            description="lowest rigidity of the fitted direct H and He data",
            tag="I",
            source="assumed: above 20 GV the force field is accurate enough; the DGE above 1 GeV needs protons above ~10 GeV",
            bounds=(1.0, 1000.0, True, True),
            affects={"sky"},
            group="dge",
        ),
        Parameter(
            name="R_rehardening",
            default=150.0,
            unit="TV",
            kind="float",
            symbol=r"R_2",
            description="rigidity of the re-hardening between the DAMPE softening and the knee",
            tag="R",
            source="GRAPES-3 (PRL 132, 051002, 2024) sees the proton spectrum harden at "
            "~166 TeV; the slope change is fitted to LHAASO protons below 1 PeV",
            bounds=(20.0, 1000.0, True, True),
            affects={"sky"},
            group="dge",
        ),
        Parameter(
            name="mask_inner",
            default=0.65,
            unit="",
            kind="float",
            symbol=r"f_{mask}",
            description="factor on every model curve of the inner window for LHAASO's source masks (window_mask = 'letter_factor')",
            tag="V",
            source="[AESB25] Sec. 3 and [ICRC25], after Zhang+2023 (ApJ 957, 43)",
            bounds=(0.0, 1.0, False, True),
            affects={"sky"},
            group="masks",
        ),
        # --- the LHAASO windows as measured: catalog masks (Methods, methods-masks) ---
        Parameter(
            name="window_mask",
            default="catalog",
            unit="",
            kind="choice",
            symbol=r"-",
            description="how the LHAASO windows are masked: 'catalog' averages every model over the sky outside circles around "
            "the 1LHAASO sources, as LHAASO measured it; 'letter_factor' keeps the whole windows and multiplies "
            "their curves by mask_inner and mask_outer, as the letter did",
            tag="I",
            source="assumed: LHAASO's diffuse fluxes are averages over the unmasked sky (Cao+2023, PRL 131, 151001); the "
            "cocoons sit where sources are, so a factor taken from the gas emission (Zhang+2023) need not hold for "
            "them; 'letter_factor' is [AESB25] Sec. 3",
            choices=("catalog", "letter_factor"),
            affects={"sky"},
            group="masks",
        ),
        Parameter(
            name="mask_detector",
            default="KM2A",
            unit="",
            kind="choice",
            symbol=r"-",
            description="whose components of the 1LHAASO catalog are masked (window_mask = 'catalog')",
            tag="I",
            source="assumed: the book compares the windows with the KM2A points (Cao+2023), which mask KM2A's sources",
            choices=("KM2A", "WCDA", "both"),
            affects={"sky"},
            group="masks",
        ),
        Parameter(
            name="mask_radius_factor",
            default=2.5,
            unit="",
            kind="float",
            symbol=r"k_{mask}",
            description="radius of a source's mask in units of its Gaussian width sqrt(r39^2 + psf^2)",
            tag="R",
            source="Chen, Fang & Bi 2024 (CPC 48, 115105) restating the LHAASO rule ('2.5 times Gaussian width'); the "
            "KM2A paper's own text was not at hand",
            bounds=(0.0, 10.0, False, True),
            affects={"sky"},
            group="masks",
        ),
        Parameter(
            name="mask_psf_deg",
            default=0.3,
            unit="deg",
            kind="float",
            symbol=r"\sigma_{PSF}",
            description="angular resolution added in quadrature to a source's r39 (the width of a point-like source)",
            tag="I",
            source="assumed: KM2A's angular resolution above 25 TeV is a few tenths of a degree (1LHAASO, Cao+2024); the "
            "masked fractions of the chapter show how much it matters",
            bounds=(0.0, 2.0, True, True),
            affects={"sky"},
            group="masks",
        ),
        # --- inverse Compton in the DGE (Methods, methods-ic) ---
        Parameter(
            name="dge_ic",
            default="on",
            unit="",
            kind="choice",
            symbol=r"-",
            description="inverse Compton scattering of the Galactic electrons on the interstellar radiation field, added to the "
            "conventional diffuse emission ('on') or left out as in the first editions of this book ('off')",
            tag="I",
            source="assumed: the DGE models the letter compares with (DRAGON2+HERMES, GALPROP) contain inverse Compton; "
            "the letter does not say how large it is",
            choices=("on", "off"),
            affects={"sky"},
            group="ic",
        ),
        Parameter(
            name="ic_electron_height_kpc",
            default=1.0,
            unit="kpc",
            kind="float",
            symbol=r"z_e",
            description="scale height of the electrons that make the inverse Compton emission (exp(-|z|/z_e), radial profile of "
            "the sources)",
            tag="I",
            source="assumed: above ~100 GeV electrons lose their energy before they leave the disk; sqrt(4 D tau_loss) with "
            "this book's D(R) and the Thomson losses in ~1 eV cm^-3 of radiation and field is about 1 kpc at 10 TeV",
            bounds=(0.05, 10.0, True, True),
            affects={"sky"},
            group="ic",
        ),
        Parameter(
            name="isrf_height_kpc",
            default=1.5,
            unit="kpc",
            kind="float",
            symbol=r"z_{ISRF}",
            description="scale height of the dust and starlight energy densities (exp(-|z|/z_ISRF), radial profile of the "
            "sources); the CMB is uniform",
            tag="I",
            source="assumed: the stars and the dust are a few hundred parsecs thick, their light fills a thicker layer; a "
            "middle value, which the robustness page varies",
            bounds=(0.1, 20.0, True, True),
            affects={"sky"},
            group="ic",
        ),
        # mask factors of the other sky regions (data/sky_regions.csv): 1 where no factor is published
        Parameter(
            name="mask_outer",
            default=1.0,
            unit="",
            kind="float",
            symbol=r"f_{mask}",
            description="factor on every model curve of the LHAASO outer window (window_mask = 'letter_factor')",
            tag="I",
            source="assumed: [AESB25] applies a mask factor to the inner window only; none is published for the outer one",
            bounds=(0.0, 1.0, False, True),
            affects={"sky"},
            group="regions",
        ),
        Parameter(
            name="mask_tibet_25l100",
            default=1.0,
            unit="",
            kind="float",
            symbol=r"f_{mask}",
            description="factor on every model curve of 25 < l < 100 deg, |b| < 5 deg (Tibet AS+MD and ARGO-YBJ)",
            tag="I",
            source="assumed: Tibet AS+MD (Amenomori+2021) and ARGO-YBJ "
            "(Bartoli+2015) mask their sources but publish no factor for a diffuse model, so the model is unmasked",
            bounds=(0.0, 1.0, False, True),
            affects={"sky"},
            group="regions",
        ),
        Parameter(
            name="mask_tibet_50l200",
            default=1.0,
            unit="",
            kind="float",
            symbol=r"f_{mask}",
            description="factor on every model curve of 50 < l < 200 deg, |b| < 5 deg (Tibet AS+MD)",
            tag="I",
            source="assumed: Tibet AS+MD (Amenomori+2021) masks its sources but publishes "
            "no factor for a diffuse model, so the model is unmasked",
            bounds=(0.0, 1.0, False, True),
            affects={"sky"},
            group="regions",
        ),
        Parameter(
            name="mask_hawc_43l73",
            default=1.0,
            unit="",
            kind="float",
            symbol=r"f_{mask}",
            description="factor on every model curve of 43 < l < 73 deg, |b| < 4 deg (HAWC)",
            tag="I",
            source="assumed: HAWC (Alfaro+2024) removes the sources it detects but publishes no "
            "factor for a diffuse model, so the model is unmasked",
            bounds=(0.0, 1.0, False, True),
            affects={"sky"},
            group="regions",
        ),
        Parameter(
            name="mask_fermi_inner_galaxy",
            default=1.0,
            unit="",
            kind="float",
            symbol=r"f_{mask}",
            description="factor on every model curve of |l| < 80 deg, |b| < 8 deg (Fermi-LAT)",
            tag="I",
            source="assumed: the LAT team's data and pi0 model of this region (Ackermann+2012 "
            "Fig. 17) cover the whole region, with no source mask",
            bounds=(0.0, 1.0, False, True),
            affects={"sky"},
            group="regions",
        ),
        Parameter(
            name="cmb_absorption",
            default="on",
            unit="",
            kind="choice",
            symbol=r"e^{-\tau}",
            description="absorption of gamma rays by pair production on the CMB",
            tag="V",
            source="physics: Gould & Schreder 1967; matters above ~100 TeV (Methods, methods-dge)",
            choices=("on", "off"),
            affects={"sky"},
        ),
        # --- appendices: R0 and delta (Methods, methods-grammage) ---
        Parameter(
            name="R0_grid",
            default=[5.0, 10.0, 20.0, 50.0, 100.0],
            unit="TV",
            kind="floats",
            symbol=r"R_0",
            description="the R0 values drawn in the R0 appendix (Fig. 4 analogue)",
            tag="I",
            source="Methods, methods-grammage: the letter's Fig. 4 values are lost; 5-100 TV "
            "spans 'negligible' to 'overshoots'",
            bounds=_OPEN_POS(1.0e5),
            affects={"chapter"},
        ),
        Parameter(
            name="n_sigma",
            default=2.0,
            unit="",
            kind="float",
            symbol=r"n_\sigma",
            description="a model is compatible with a measurement if it lies no more than n_sigma errors above any point",
            tag="I",
            source="assumed: 2 sigma, the criterion asked for in issue 7; "
            "the upper error of each point (stat and sys in quadrature)",
            bounds=(0.0, 10.0, False, True),
            affects={"chapter"},
        ),
        Parameter(
            name="ad_grammage_model",
            default="advection_diffusion",
            unit="",
            kind="choice",
            symbol=r"\chi_c(R)",
            description="the advection-to-diffusion form compared with the exponential model in the delta appendix",
            tag="I",
            source="[AESB25] App. C eq. 15 is lost; Methods, methods-grammage-advection-diffusion gives two candidates, the first recommended",
            choices=("advection_diffusion", "advection_diffusion_cutoff"),
            affects={"chapter"},
        ),
        # --- the joint fit of chi0 and R0 (chapter joint) ---
        Parameter(
            name="icecube_term",
            default="off",
            unit="",
            kind="choice",
            symbol=r"-",
            description="whether IceCube's pi0 template fit enters the joint likelihood "
            "(as one Gaussian pull on the all-sky neutrino flux along the template's spectrum)",
            tag="I",
            source="assumed: off, because a template fit measures the normalisation of a fixed morphology, not the Galactic "
            "flux; the chapter shows the fit with it on as well",
            choices=("off", "on"),
            affects={"chapter"},
        ),
        Parameter(
            name="norm_prior_scale",
            default=1.0,
            unit="",
            kind="float",
            symbol=r"s_{prior}",
            description="multiplies the width of the Gaussian prior on each region's DGE normalisation (norm_prior)",
            tag="I",
            source="assumed: 1, the model spread as the uncertainty of the DGE; the chapter shows 2 as well",
            bounds=(0.0, 100.0, False, True),
            affects={"chapter"},
        ),
        Parameter(
            name="norm_prior",
            default="models",
            unit="",
            kind="choice",
            symbol=r"\sigma_r",
            description="what sets the width of the prior on each region's DGE normalisation: the spread of the DGE over the "
            "book's gas models and cosmic-ray seas ('models'), or over the gas models alone at the chapter's sea "
            "('gas')",
            tag="I",
            source="assumed: 'models', the book's own spread of the DGE (three gas models x three seas, at 10 TeV); 'gas' was "
            "this chapter's prior before, as narrow as 2 % where the gas models agree",
            choices=("models", "gas"),
            affects={"chapter"},
        ),
        # --- sky windows and numerics ---
        Parameter(
            name="user_window",
            default=[25.0, 100.0, -5.0, 5.0],
            unit="deg",
            kind="window",
            symbol=r"(l, b)",
            description="an extra sky window [l_min, l_max, b_min, b_max] for which J is reported",
            tag="I",
            source="assumed default: Tibet AS-gamma region A (25 < l < 100 deg, |b| < 5 deg)",
            affects={"chapter"},
        ),
        Parameter(
            name="grid_scale",
            default=1,
            unit="",
            kind="int",
            symbol=r"-",
            description="multiplies the number of points of every integration grid",
            tag="num",
            source="numerical: 1 is converged to better than 0.1 % (see the convergence checks)",
            bounds=(1, 8, True, True),
            affects={"bc", "bc_network", "sky"},
        ),
    ]
}


def in_group(*groups: str) -> tuple[str, ...]:
    """The parameters of the groups ``groups`` (:data:`GROUPS`), in the order of :data:`PARAMETERS`."""
    return tuple(n for n, p in PARAMETERS.items() if p.group in groups)


def affecting(*tags: str) -> tuple[str, ...]:
    """The parameters whose ``affects`` holds any of ``tags`` (:data:`AFFECTS`), in the order of :data:`PARAMETERS`."""
    unknown = set(tags) - set(AFFECTS)
    if unknown:
        raise ValueError(f"unknown tags {sorted(unknown)}: expected some of {', '.join(AFFECTS)}")
    return tuple(n for n, p in PARAMETERS.items() if p.affects & set(tags))


#: the parameters of the disk-halo transport (chapter 2's diffusion coefficient, halo, Alfven speed, disk gas),
#: in the order of the book's tables: read by the B/C chapter, the cosmic-ray sea and the source abundances
HALO_PARAMETERS = in_group("halo")


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
