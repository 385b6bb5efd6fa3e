"""The book's chapters: notebook, accepted parameters, and the key numbers each reports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cocoonlib.book.params import ParameterError, affecting, in_group, validate
from cocoonlib.io import paths

__all__ = [
    "Chapter",
    "CHAPTERS",
    "get_chapter",
    "chapter_parameters",
    "check_saved_fit",
    "FIT_SOURCES",
    "parameters_cell_source",
]


@dataclass(frozen=True)
class Chapter:
    """A chapter notebook with the parameters it accepts and the result keys it records."""

    name: str
    notebook: str
    title: str
    parameters: tuple[str, ...]
    results: dict[str, str]

    @property
    def path(self):
        return paths.NOTEBOOKS / self.notebook


#: the cocoon model after chi0 (grammage, production, distribution, injection, normalisation): chapters 1, 3-7
_COCOONS = in_group("cocoons")
#: the cocoons without the grammage's form (the delta appendix sets the form itself)
_COCOONS_NO_FORM = tuple(p for p in _COCOONS if p not in ("grammage_model", "delta"))
#: the LHAASO windows as measured (Methods, methods-masks)
_MASKS = in_group("masks")
#: inverse Compton in the DGE (Methods, methods-ic)
_IC = in_group("ic")
#: the conventional diffuse emission (local cosmic-ray sea, gas, cross sections, the transport): chapters 3-7
_CR_SEA = in_group("dge", "halo")


def _chi0_ranges(keys) -> dict[str, str]:
    """The range keys of chapters 3 and 4: each key's smallest and largest value for chi0 across the 1 sigma interval
    of B/C (parameter chi0_band), and that interval."""
    out = {}
    for k in keys:
        out[f"{k}_chi0_min"] = (
            f"smallest {k} for chi0 across the 1 sigma interval of B/C (chi0_band; {k} itself if 'none')"
        )
        out[f"{k}_chi0_max"] = f"largest {k} for chi0 across the 1 sigma interval of B/C"
    out["chi0_band_lo_g_cm2"] = (
        "lower end of the 1 sigma interval of chi0 drawn as bands (chi0_band; the chapter's chi0 if 'none')"
    )
    out["chi0_band_hi_g_cm2"] = "upper end of that interval [g cm^-2]"
    return out


CHAPTERS: dict[str, Chapter] = {
    c.name: c
    for c in [
        Chapter(
            name="model",
            notebook="01_cocoon_model.ipynb",
            title="The cocoon model",
            parameters=("chi0", *_COCOONS, "n_gas", "user_window", "grid_scale"),
            results={
                "rho_sun_per_yr_kpc3": "cocoon birth rate per volume at the Sun, rho(R_sun, 0) [yr^-1 kpc^-3]",
                "J_inner_per_yr_kpc2": "line-of-sight integral J over the LHAASO inner window [yr^-1 kpc^-2]",
                "J_outer_per_yr_kpc2": "J over the LHAASO outer window [yr^-1 kpc^-2]",
                "J_allsky_per_yr_kpc2": "J over the whole sky [yr^-1 kpc^-2]",
                "J_user_per_yr_kpc2": "J over the user_window [yr^-1 kpc^-2]",
                "tau_c_Myr": "cocoon residence time chi0/(m_p n_gas c) [Myr]",
                "n_cocoons": "cocoons alive at any time, R_SN tau_c",
                "L_max_pc": "largest cocoon size that fits the disk, eq. 10 [pc]",
                "gamma_ratio_aafrag_kelner_1TeV": "AAfrag / Kelner cocoon gamma-ray emissivity at 1 TeV",
                "gamma_ratio_aafrag_kelner_10TeV": "AAfrag / Kelner cocoon gamma-ray emissivity at 10 TeV",
                "gamma_ratio_aafrag_kelner_100TeV": "AAfrag / Kelner cocoon gamma-ray emissivity at 100 TeV",
            },
        ),
        Chapter(
            name="bc",
            notebook="02_bc_fit.ipynb",
            title="The B/C ratio and the cocoon grammage",
            parameters=affecting("bc"),  # every parameter declared with affects "bc" (cocoonlib.book.params)
            results={
                "chi0_best_g_cm2": "best-fit cocoon grammage chi0 [g cm^-2]",
                "chi0_lo_g_cm2": "lower end of the 1 sigma interval of chi0 (profile, Delta chi^2 = 1) [g cm^-2]",
                "chi0_hi_g_cm2": "upper end of the 1 sigma interval of chi0 [g cm^-2]",
                "chi0_lo2_g_cm2": "lower end of the 2 sigma interval (Delta chi^2 = 4) [g cm^-2]",
                "chi0_hi2_g_cm2": "upper end of the 2 sigma interval [g cm^-2]",
                "chi2": "chi^2 of the best fit (all fitted points)",
                "ndof": "degrees of freedom of the best fit",
                "chi2_ams02": "chi^2 of the AMS-02 points at the best fit",
                "chi2_calet": "chi^2 of the CALET points at the best fit",
                "chi2_dampe": "chi^2 of the DAMPE points at the best fit",
                "delta_chi2_no_cocoon": "chi^2(chi0 = 0, transport refitted) - chi^2(best)",
                "D0_best_1e28_cm2_s": "best-fit D0 [1e28 cm^2 s^-1]",
                "bc_cocoon_fraction_1TeV_n": "cocoon share of B/C at 1 TeV/n at the best fit",
                **{
                    f"BC_chi0_{c}_{e}GeVn": f"TOA B/C at {e} GeV/n, chi0 = {c[0]}.{c[1]} g cm^-2 of the chapter's "
                    f"grammage model, at the chapter's transport (fitted, or the defaults "
                    f"when free_transport is none)"
                    for c in ("00", "04", "08")
                    for e in (10, 100, 1000)
                },
                "boron_share_heavy_100GeVn": "share of the boron at 100 GeV/n made from injected nuclei heavier than "
                "O, chi0 = 0, at the chapter's transport",
            },
        ),
        Chapter(
            name="gamma",
            notebook="03_gamma_rays.ipynb",
            title="Diffuse gamma rays from the inner and outer Galaxy",
            parameters=(
                "chi0",
                "chi0_source",
                "chi0_band",
                *_COCOONS,
                *_CR_SEA,
                *_MASKS,
                *_IC,
                "cmb_absorption",
                "grid_scale",
            ),
            results={
                "E2I_cocoon_inner_1TeV": "E^2 I of the cocoons at 1 TeV, inner window, after the mask factor "
                "[GeV cm^-2 s^-1 sr^-1]",
                "E2I_cocoon_outer_1TeV": "E^2 I of the cocoons at 1 TeV, outer window [GeV cm^-2 s^-1 sr^-1]",
                "E2I_dge_inner_1TeV_min": "lower edge of the DGE band at 1 TeV, inner window, after the mask factor",
                "E2I_dge_inner_1TeV_max": "upper edge of the DGE band at 1 TeV, inner window, after the mask factor",
                "E2I_dge_outer_1TeV_min": "lower edge of the DGE band at 1 TeV, outer window",
                "E2I_dge_outer_1TeV_max": "upper edge of the DGE band at 1 TeV, outer window",
                "cocoon_fraction_inner_1TeV": "cocoons / (cocoons + DGE band centre) at 1 TeV, inner window",
                "cocoon_fraction_outer_1TeV": "cocoons / (cocoons + DGE band centre) at 1 TeV, outer window",
                "chi2_km2a_inner": "chi^2 of the best total curve inside the band against LHAASO-KM2A, inner",
                "chi2_km2a_outer": "chi^2 of the best total curve inside the band against LHAASO-KM2A, outer",
                "n_km2a_inner": "number of LHAASO-KM2A points, inner window",
                "n_km2a_outer": "number of LHAASO-KM2A points, outer window",
                "index_inner_1_10TeV": "mean photon index of the total (DGE band centre + cocoons) between 1 and 10 TeV, inner",
                "index_outer_1_10TeV": "mean photon index of the total between 1 and 10 TeV, outer window",
                "cr_density_ratio_r4kpc_1TeV": "proton density of the 2D transport model at r = 4 kpc, z = 0, "
                "kinetic energy 1 TeV, relative to the Sun",
                "cr_density_ratio_r12kpc_1TeV": "the same at r = 12 kpc",
                "eps_p_implied": "proton injection efficiency for which the transport model's proton flux at the Sun "
                "equals the local fit at 100 GV, at this run's transport",
                "eps_p_sea": "proton efficiency of source_normalisation = 'sea': the transport model (at the transport "
                "fitted to B/C) makes the local proton fit over R_sea_min-R_sea_max",
                "eps_He_sea": "helium efficiency of source_normalisation = 'sea'",
                "D0_sea_1e28_cm2_s": "D0 of the transport source_normalisation = 'sea' uses (B/C refitted with this "
                "chapter's grammage) [1e28 cm^2 s^-1]",
                "cocoon_fraction_inner_1TeV_sea": "cocoon_fraction_inner_1TeV with source_normalisation = 'sea'",
                "cocoon_fraction_outer_1TeV_sea": "cocoon_fraction_outer_1TeV with source_normalisation = 'sea'",
                "chi2_km2a_inner_sea": "chi2_km2a_inner with source_normalisation = 'sea'",
                "chi2_km2a_outer_sea": "chi2_km2a_outer with source_normalisation = 'sea'",
                "cocoon_share_of_argo_excess_1TeV_sea": "cocoon_share_of_argo_excess_1TeV with source_normalisation "
                "= 'sea'",
                "sea_normalisation_ok": "1 if the B/C fit that sets the transport of source_normalisation = 'sea' "
                "converged, 0 if not (the _sea keys then repeat this run's values)",
                "n_wcda_inner": "LHAASO-WCDA points compared in the inner window: the user's tables in data/measurements/ "
                "(0 when there are none)",
                "n_wcda_outer": "LHAASO-WCDA points compared in the outer window (0 when there are none)",
                "chi2_wcda_inner": "chi^2 of the best total curve inside the band against LHAASO-WCDA, inner window "
                "(0 when there are no points)",
                "chi2_wcda_outer": "the same, outer window",
                "n_tibet_25l100": "Tibet AS+MD points compared, 25 < l < 100 deg, |b| < 5 deg",
                "n_tibet_50l200": "Tibet AS+MD points compared, 50 < l < 200 deg, |b| < 5 deg",
                "n_argo_25l100": "ARGO-YBJ points compared, 25 < l < 100 deg, |b| < 5 deg",
                "chi2_tibet_25l100": "chi^2 of the best total curve inside the band against Tibet AS+MD, 25 < l < 100 deg",
                "chi2_tibet_50l200": "chi^2 of the best total curve inside the band against Tibet AS+MD, 50 < l < 200 deg",
                "chi2_argo_25l100": "chi^2 of the best total curve inside the band against ARGO-YBJ, 25 < l < 100 deg",
                "E2I_cocoon_tibet_25l100_1TeV": "E^2 I of the cocoons at 1 TeV, 25 < l < 100 deg, after its mask factor "
                "[GeV cm^-2 s^-1 sr^-1]",
                "E2I_cocoon_tibet_50l200_1TeV": "E^2 I of the cocoons at 1 TeV, 50 < l < 200 deg [GeV cm^-2 s^-1 sr^-1]",
                "E2I_dge_tibet_25l100_1TeV": "E^2 I of the DGE (band centre) at 1 TeV, 25 < l < 100 deg "
                "[GeV cm^-2 s^-1 sr^-1]",
                "cocoon_share_of_argo_excess_1TeV": "cocoons / (ARGO-YBJ - DGE band centre) at the ARGO-YBJ point nearest "
                "1 TeV, 25 < l < 100 deg",
                "ratio_dge_to_fermi_pi0_10GeV": "this book's DGE (band centre) / the Fermi-LAT team's pi0 model at 10 GeV, "
                "|l| < 80 deg, |b| < 8 deg",
                "hawc_distance_10TeV": "total (DGE band centre + cocoons) minus HAWC's power law at 10 TeV, in half-widths "
                "of its band, 43 < l < 73 deg, |b| < 4 deg",
                "hawc_distance_30TeV": "the same at 30 TeV",
                "hawc_distance_100TeV": "the same at 100 TeV",
                **{
                    f"mask_fraction_{what}_{w}": f"fraction of the {w} window's {label} inside the 1LHAASO masks "
                    "(mask_detector, mask_radius_factor, mask_psf_deg; whatever window_mask)"
                    for what, label in (
                        ("solid_angle", "solid angle"),
                        ("J", "cocoon line-of-sight integral J"),
                        ("gas", "gas column (gas_model)"),
                    )
                    for w in ("inner", "outer")
                },
                "ic_share_dge_inner_1TeV": "inverse Compton / DGE band centre at 1 TeV, inner window (0 with dge_ic "
                "= 'off')",
                "ic_share_dge_outer_1TeV": "the same, outer window",
                "ic_share_dge_inner_10TeV": "the same at 10 TeV, inner window",
                **{
                    f"index_inner_minus_outer_{e}": f"local photon index of the total (DGE band centre + cocoons) at "
                    f"{e[:-3]} {e[-3:]}, inner minus outer window (half a decade either side)"
                    for e in ("10GeV", "100GeV", "1TeV", "10TeV", "100TeV")
                },
                **_chi0_ranges(
                    (
                        "cocoon_fraction_inner_1TeV",
                        "cocoon_fraction_outer_1TeV",
                        "chi2_km2a_inner",
                        "chi2_km2a_outer",
                        "chi2_tibet_25l100",
                        "chi2_tibet_50l200",
                        "chi2_argo_25l100",
                        "cocoon_share_of_argo_excess_1TeV",
                        "hawc_distance_10TeV",
                        "hawc_distance_30TeV",
                        "hawc_distance_100TeV",
                    )
                ),
            },
        ),
        Chapter(
            name="neutrino",
            notebook="04_neutrinos.ipynb",
            title="The Galactic neutrino flux against IceCube",
            parameters=("chi0", "chi0_source", "chi0_band", *_COCOONS, *_CR_SEA, "grid_scale"),
            results={
                "E2F_cocoon_1TeV": "all-sky per-flavour (nu + anti-nu) E^2 F of the cocoons at 1 TeV [GeV cm^-2 s^-1]",
                "E2F_cocoon_100TeV": "all-sky per-flavour E^2 F of the cocoons at 100 TeV [GeV cm^-2 s^-1]",
                "E2F_total_100TeV_min": "lower edge of the total (DGE band + cocoons) at 100 TeV [GeV cm^-2 s^-1]",
                "E2F_total_100TeV_max": "upper edge of the total at 100 TeV [GeV cm^-2 s^-1]",
                "ratio_total_to_icecube_pi0_100TeV": "centre of the total band / IceCube pi0 best fit, at 100 TeV",
                **_chi0_ranges(("E2F_cocoon_100TeV", "ratio_total_to_icecube_pi0_100TeV")),
            },
        ),
        Chapter(
            name="r0",
            notebook="05_appendix_R0.ipynb",
            title="Appendix: the cut-off rigidity R0",
            parameters=(
                "chi0",
                "chi0_source",
                *_COCOONS,
                *_CR_SEA,
                *_MASKS,
                *_IC,
                "cmb_absorption",
                "R0_grid",
                "n_sigma",
                "grid_scale",
            ),
            results={
                "R0_max_TV": "largest R0 at which DGE min + cocoons exceeds no measured point by more than n_sigma "
                "(points the DGE alone exceeds set aside) [TV]",
                "R0_max_found": "1 if R0_max lies inside the search range 1-10^4 TV, 0 if it is a bound",
                "R0_max_headroom_sigma": "n_sigma minus the pull of the DGE alone at the point that sets R0_max: the "
                "room the cocoons had there (a small value makes the limit ill-conditioned)",
                "R0_max_margin_sigma": "how far, in errors of the point that sets R0_max, that point would have to "
                "move for R0_max to reach the nearer end of 20-200 TV (the range of the scorecard's claim)",
                "R0_best_TV": "R0 that minimises the chi^2 of DGE min + cocoons, both windows [TV]",
                "chi2_R0_best": "that minimum chi^2 (both windows)",
                "chi2_R0_chapter": "chi^2 (both windows) at the chapter's R0",
                "n_points": "measured points compared (both windows)",
                "n_set_aside": "points the DGE alone exceeds by more than n_sigma",
                "cocoon_fraction_inner_1TeV_R0_max": "cocoon share of the inner window at 1 TeV with R0 = R0_max",
                "R0_smallest_TV": "smallest R0 of R0_grid [TV]",
                "cocoon_fraction_inner_1TeV_R0_smallest": "cocoon share of the inner window at 1 TeV with the smallest R0 of R0_grid",
            },
        ),
        Chapter(
            name="delta",
            notebook="06_appendix_delta.ipynb",
            title="Appendix: the energy dependence of the cocoon grammage",
            parameters=(
                "chi0",
                "chi0_source",
                "ad_grammage_model",
                *_COCOONS_NO_FORM,
                *_CR_SEA,
                *_MASKS,
                *_IC,
                "cmb_absorption",
                "n_sigma",
                "grid_scale",
            ),
            results={
                **{
                    f"chi0_max_{n}_g_cm2": f"largest chi0 at which DGE min + cocoons ({n}) exceeds no measured "
                    f"point by more than n_sigma [g cm^-2]"
                    for n in ("kolmogorov", "kraichnan", "bohm", "exponential")
                },
                **{
                    f"chi0_max_{n}_headroom_sigma": f"n_sigma minus the pull of the DGE alone at the point that sets "
                    f"chi0_max ({n}): the room the cocoons had there"
                    for n in ("kolmogorov", "kraichnan", "bohm", "exponential")
                },
                **{
                    f"ratio_{n}_exp_{e}TeV": f"cocoon flux, {n} / exponential model, at {e} TeV (same chi0, R0)"
                    for n in ("kolmogorov", "kraichnan", "bohm")
                    for e in (1, 10, 100)
                },
            },
        ),
        Chapter(
            name="joint",
            notebook="07_joint_fit.ipynb",
            title="One fit of chi0 and R0 to B/C and the gamma rays",
            parameters=(
                "chi0",
                *_COCOONS,
                "xsec_fragmentation",
                "xsec_inelastic",
                "ams02_table",
                "T_min_fit",
                "free_transport",
                "gamma_nuclei",
                "source_abundances",
                *(p for p in _CR_SEA if p != "transport_source"),
                *_MASKS,
                *_IC,
                "cmb_absorption",
                "icecube_term",
                "norm_prior",
                "norm_prior_scale",
                "grid_scale",
            ),
            results={
                "chi0_joint_best_g_cm2": "best-fit chi0 of the joint fit (B/C and gamma rays) [g cm^-2]",
                "chi0_joint_lo_g_cm2": "lower end of the 1 sigma profile interval of chi0, joint fit [g cm^-2]",
                "chi0_joint_hi_g_cm2": "upper end of the 1 sigma profile interval of chi0, joint fit [g cm^-2]",
                "R0_joint_best_TV": "best-fit R0 of the joint fit [TV]",
                "R0_joint_lo_TV": "lower end of the 1 sigma profile interval of R0, joint fit [TV]",
                "R0_joint_hi_TV": "upper end of the 1 sigma profile interval of R0, joint fit [TV] (inf stored as "
                "the limit 1e5 TV with R0_joint_hi_found = 0)",
                "R0_joint_hi_found": "1 if the upper end of R0's interval lies below the limit of the fit, 0 otherwise",
                "chi2_joint": "chi^2 of the joint fit (priors included)",
                "ndof_joint": "points + priors - free parameters of the joint fit",
                "chi0_bc_only_best_g_cm2": "best chi0 of B/C alone in the same model (R0 free) [g cm^-2]",
                "chi0_gamma_only_best_g_cm2": "best chi0 of the gamma rays alone (R0, knee and norms free) [g cm^-2]",
                "chi0_gamma_only_lo_g_cm2": "lower end of the 1 sigma interval of chi0, gamma rays alone [g cm^-2]",
                "chi0_gamma_only_hi_g_cm2": "upper end of the 1 sigma interval of chi0, gamma rays alone [g cm^-2]",
                "R0_gamma_only_best_TV": "best R0 of the gamma rays alone [TV]",
                "tension_bc_gamma_sigma": "best chi0 of the gamma rays alone minus that of B/C alone, over the "
                "quadrature sum of their 1 sigma half-widths facing each other",
                "chi2_gamma_only": "chi^2 of the gamma rays alone at their best fit (priors included)",
                "ndof_gamma_only": "points + priors - free parameters of the gamma rays alone",
                "p_gamma_only": "the probability of that chi^2 (goodness of fit of the gamma rays alone)",
                "tension_bc_gamma_sigma_scaled": "tension_bc_gamma_sigma with the gamma rays' half-width scaled by "
                "S = sqrt(chi^2/ndof) of their fit where it exceeds 1 (a poor fit's errors scaled)",
                "delta_chi2_joint_vs_separate": "chi^2 of the joint fit minus those of B/C alone and gamma rays alone",
                "tension_pg_sigma": "that Delta chi^2 as a two-sided Gaussian significance (dof: the parameters both "
                "share)",
                "chi0_joint_with_icecube_g_cm2": "best chi0 of the joint fit with IceCube's pi0 fit as one more term "
                "[g cm^-2]",
                "sea_change_D0_1sigma": "largest relative change of the sea's density within the gas layer when D0 "
                "moves by its 1 sigma error of the joint fit (bounds the DGE's change)",
                "chi0_gamma_only_best_sea_g_cm2": "chi0_gamma_only_best_g_cm2 with source_normalisation = 'sea' "
                "[g cm^-2]",
                "chi0_joint_best_sea_g_cm2": "chi0_joint_best_g_cm2 with source_normalisation = 'sea' [g cm^-2]",
                "tension_bc_gamma_sigma_sea": "tension_bc_gamma_sigma with source_normalisation = 'sea'",
                "sea_normalisation_ok": "1 if the B/C fit that sets the transport of source_normalisation = 'sea' "
                "converged, 0 if not (the _sea keys then repeat this run's values)",
            },
        ),
    ]
}


def get_chapter(name: str) -> Chapter:
    """The chapter called ``name``; ValueError listing the chapters otherwise."""
    if name not in CHAPTERS:
        raise ValueError(f"unknown chapter {name!r}: expected one of {', '.join(CHAPTERS)}")
    return CHAPTERS[name]


#: the widest line of a generated parameters cell
CELL_WIDTH = 120


def _comment(p) -> str:
    """A parameter's comment in a parameters cell: its choices or unit, then as much of its description as fits."""
    head = " | ".join(f'"{c}"' for c in p.choices) if p.kind == "choice" else p.unit
    return ", ".join(x for x in (head, p.description) if x)


def parameters_cell_source(name: str) -> str:
    """The source of chapter ``name``'s papermill ``parameters`` cell, written from the declarations
    (:data:`cocoonlib.book.params.PARAMETERS`): every parameter of the chapter at its default, in the chapter's
    order, each with its unit or choices and description. ``tools/parameters_cells.py`` writes it into the notebooks;
    a test checks that they hold it."""
    from cocoonlib.book.params import PARAMETERS

    lines = [
        "# Parameters: papermill replaces this cell. Units and sources: the table at the end of the chapter, or "
        f"`cocoon list {name}`."
    ]
    for n in get_chapter(name).parameters:
        p = PARAMETERS[n]
        code = f"{n} = " + (f'"{p.default}"' if isinstance(p.default, str) else repr(p.default))
        room = CELL_WIDTH - len(code) - 4
        comment = _comment(p)
        if len(comment) > room:
            comment = comment[: max(room - 3, 0)].rstrip(" ,;") + "..."
        lines.append(f"{code}  # {comment}" if room > 10 else code)
    return "\n".join(lines)


def chapter_parameters(name: str, namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the chapter's parameters as found in ``namespace`` (a notebook's ``globals()``).

    Returns the complete, coerced parameter dict; raises ParameterError (one line) on a bad value.
    """
    chapter = get_chapter(name)
    P = validate({n: namespace[n] for n in chapter.parameters if n in namespace}, chapter.parameters)
    check_saved_fit(P)
    return P


#: parameters whose value "fit" reads the B/C fit saved by chapter 2
FIT_SOURCES = ("chi0_source", "transport_source", "chi0_band")


def check_saved_fit(P: Mapping[str, Any], folder=None) -> None:
    """Raise ParameterError (one line) if a parameter of :data:`FIT_SOURCES` is "fit" and chapter 2 has saved no
    fit in ``folder`` (default: :func:`cocoonlib.io.paths.outputs_dir`): checked before any work."""
    from pathlib import Path

    for name in FIT_SOURCES:
        if P.get(name) == "fit":
            from cocoonlib.book.params.saved_fit import FIT_FILENAME
            from cocoonlib.io.paths import outputs_dir

            path = (Path(folder) if folder is not None else outputs_dir()) / FIT_FILENAME
            if not path.is_file():
                raise ParameterError(
                    f"{name} = 'fit' is not allowed here: no B/C fit is saved at {path}; run chapter 2 "
                    f"first (cocoon run bc -o DIR, or build the book) or use {name} = 'parameter'"
                )
