"""The fixed numbers the book's prose names, read from the code that uses them.

A sentence of the Methods that says "40 projectile nodes per decade" would drift the day the code changes; the page
*Data and software* (``book/data_and_software.ipynb``) glues each of :func:`prose_constants` as ``const_<name>``, and
the pages paste them (``{glue:text}`../data_and_software.ipynb::const_n_modes:s```). The chapters glue what they
compute themselves.
"""

from __future__ import annotations

from cocoonlib.core.geometry import LONGITUDE_STEP_DEG, WINDOWS
from cocoonlib.core.units import TEV_GEV
from cocoonlib.io import cosmic_ray_data

__all__ = ["prose_constants"]


def _energy(E_GeV: float) -> str:
    """An energy in the book's words: GeV below 1 TeV, TeV below 1 PeV, PeV above."""
    for unit, scale in (("PeV", 1e6), ("TeV", 1e3), ("GeV", 1.0)):
        if E_GeV >= scale:
            return f"{E_GeV / scale:.3g} {unit}"
    return f"{E_GeV:.3g} GeV"


def _rigidity(R_GV: float) -> str:
    """A rigidity in the book's words: GV, TV or PV."""
    for unit, scale in (("PV", 1e6), ("TV", 1e3), ("GV", 1.0)):
        if R_GV >= scale:
            return f"{R_GV / scale:.3g} {unit}"
    return f"{R_GV:.3g} GV"


def _parameter_defaults() -> dict[str, str]:
    """{"param_<name>": its default with its unit} for every number-valued parameter of the book."""
    from cocoonlib.book.params import PARAMETERS

    out = {}
    for name, p in PARAMETERS.items():
        if p.kind in ("float", "int"):
            unit = "" if p.unit in ("", "-") else f" {p.unit}"
            out[f"param_{name}"] = f"{p.default:g}{unit}"
    return out


def prose_constants() -> dict[str, str]:
    """{name: the number as the prose says it, with its unit}: settings and fixed values of cocoonlib that the pages
    name."""
    from cocoonlib.book.chapters import keys, verdicts
    from cocoonlib.book.chapters.scorecard import FRAGILE_SIGMA, P_MIN
    from cocoonlib.book.explore import R0_NODES_TV
    from cocoonlib.core.masks import PIXEL_DEG
    from cocoonlib.io import data
    from cocoonlib.production import PROJECTILE_PER_DECADE, aafrag
    from cocoonlib.production.kelner import E_P_MIN_GEV, K_PI
    from cocoonlib.sky import diffuse, neutrino
    from cocoonlib.sky import source_normalisation as sn
    from cocoonlib.sky.local_cr import REHARDENING_MAX_GV
    from cocoonlib.stats import bands, joint
    from cocoonlib.transport import nuclear, transport2d

    sea = diffuse.TransportSea
    return {
        **_parameter_defaults(),
        "n_modes": f"{transport2d.N_MODES}",
        "mask_pixel_deg": f"{PIXEL_DEG:g} deg",
        "projectile_per_decade": f"{PROJECTILE_PER_DECADE}",
        "k_pi": f"{K_PI:g}",
        "kelner_min": _energy(E_P_MIN_GEV),
        "aafrag_p_edge": _energy(aafrag.table_range_GeV("p-p")[0]),
        "aafrag_He_edge": _energy(aafrag.table_range_GeV("He-p")[0]),
        "aafragpy_version": aafrag.aafragpy_version(),
        "sea_per_decade": f"{sea.per_decade}",
        "sea_r_step": f"{sea.r_step_kpc:g} kpc",
        "sea_z_step": f"{1e3 * sea.z_step_kpc:g} pc",
        "sea_tolerance": f"{sea.tolerance:g}",
        "sea_fit_rigidities": f"{sn.N_RIGIDITIES}",
        "letter_disk": f"{sn.LETTER_DISK_RADIUS_KPC:g} kpc",
        "prior_energy": _energy(joint.PRIOR_ENERGY_GEV),
        "hawc_range": f"{joint.HAWC_RANGE_GEV[0] / TEV_GEV:g}-{_energy(joint.HAWC_RANGE_GEV[1])}",
        "icecube_range": f"{neutrino.PI0_RANGE_GEV[0] / TEV_GEV:.2g}-{_energy(neutrino.PI0_RANGE_GEV[1])}",
        "harder_by": f"{diffuse.HARDER_BY:g}",
        "window_solid_angle": f"{WINDOWS['inner'].solid_angle_sr:.4g} sr",
        "longitude_step": f"{LONGITUDE_STEP_DEG:g} deg",
        "rehardening_max": _rigidity(REHARDENING_MAX_GV),
        "contours": f"{joint.CONTOUR_LEVELS_2D[0]:.2f} and {joint.CONTOUR_LEVELS_2D[1]:.2f}",
        "points_each": f"{verdicts.POINTS_EACH}",
        "R0_search": f"{keys.R0_SEARCH_TV[0]:g} TV to {keys.R0_SEARCH_TV[1]:g} TV",
        "short_lived": f"{nuclear.FOLD_BELOW_MYR:g} Myr",
        "calibration_range": f"{_rigidity(cosmic_ray_data.CALIBRATION_RANGE_GV[0])} and {_rigidity(cosmic_ray_data.CALIBRATION_RANGE_GV[1])}",
        "hawc_pivot": _energy(data.load_hawc_powerlaw()["E0_GeV"]),
        "sea_change_rigidities": f"{_rigidity(bands.SEA_RIGIDITY_GV.min())} - {_rigidity(bands.SEA_RIGIDITY_GV.max())}",
        "p_min": f"{100 * P_MIN:g} %",
        "fragile_sigma": f"{FRAGILE_SIGMA:g}",
        "R0_nodes": f"{', '.join(f'{r:g}' for r in R0_NODES_TV[:7])}, ... {R0_NODES_TV[-1]:g} TV",
    }
