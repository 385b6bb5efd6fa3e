"""The cosmic-ray measurements the B/C chapter fits and calibrates on, as tables: the B/C points of AMS-02, CALET and
DAMPE (:func:`bc_fit_data`), AMS-02 element fluxes versus rigidity (:func:`element_flux_data`) and the ratios X/O
the source abundances are calibrated on (:func:`abundance_data`). Files are read through the registry
(:mod:`cocoonlib.io.data`); the model they are compared with is :mod:`cocoonlib.transport.bc`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cocoonlib.core.numerics import loglog_interp
from cocoonlib.io.data import citation, kiss_total_error, load_bc, read_kiss

__all__ = [
    "CALIBRATION_RANGE_GV",
    "ELEMENT_FLUX_TABLES",
    "FIT_EXPERIMENTS",
    "abundance_data",
    "bc_fit_data",
    "element_flux_data",
]

#: Which registry table stands for each experiment (``ams02_table`` picks the AMS-02 one).
FIT_EXPERIMENTS = {
    "AMS-02": {"PRL2018": "AMS-02 (PRL 2018, SSDC)", "PRL2016": "AMS-02"},
    "CALET": "CALET",
    "DAMPE": "DAMPE",
}
#: AMS-02 fluxes versus rigidity: C, N, O (Phys. Rep. 894, 1), Ne, Mg, Si (PRL 124, 211102), Fe (PRL 126,
#: 041104), Na, Al (PRL 127, 021101), S (PRL 130, 211002)
ELEMENT_FLUX_TABLES = {
    "C": "bc_ratio/AMS-02_C_rigidity.txt",
    "N": "bc_ratio/AMS-02_N_rigidity.txt",
    "O": "bc_ratio/AMS-02_O_rigidity.txt",
    **{el: f"heavy_primaries/AMS-02_{el}_rigidity.txt" for el in ("Ne", "Na", "Mg", "Al", "Si", "S", "Fe")},
}

#: the rigidity range of the calibration [GV] (assumed: above 20 GV solar modulation is small, below 1 TV the
#: errors of the heavy elements are still small)
CALIBRATION_RANGE_GV = (20.0, 1000.0)


def bc_fit_data(ams02_table: str = "PRL2018", T_min_fit: float = 20.0) -> pd.DataFrame:
    """The B/C points of the fit, one row per point.

    Columns: experiment, T_GeV_n, BC, sigma (statistical and systematic errors added in
    quadrature, then the lower and upper sides averaged), used (T >= T_min_fit [GeV/n]), reference, doi.
    AMS-02: ``PRL2018`` is PRL 120, 021101 (the SSDC export gives stat+sys combined);
    ``PRL2016`` is PRL 117, 231102 (CRDB, stat and sys separate).
    """
    if ams02_table not in FIT_EXPERIMENTS["AMS-02"]:
        raise ValueError(
            f"ams02_table = {ams02_table!r} is not allowed: expected one of {', '.join(FIT_EXPERIMENTS['AMS-02'])}"
        )
    frames = []
    for exp, table in FIT_EXPERIMENTS.items():
        name = table[ams02_table] if isinstance(table, dict) else table
        d = load_bc(name)
        frames.append(
            pd.DataFrame(
                {
                    "experiment": exp,
                    "T_GeV_n": d.T_GeV_n,
                    "BC": d.BC,
                    "sigma": 0.5 * (d.err_lo + d.err_hi),
                    "used": d.T_GeV_n >= T_min_fit,
                    "reference": d.attrs["reference"],
                    "doi": d.attrs["doi"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def element_flux_data(element: str, R_min: float = 0.0, R_max: float = np.inf) -> pd.DataFrame:
    """AMS-02 flux of an element versus rigidity: R_GV, flux [m^-2 s^-1 sr^-1 GV^-1], sigma (statistical and
    systematic errors in quadrature, the two sides averaged), between R_min and R_max [GV].
    ``attrs``: reference, doi (from the data registry)."""
    if element not in ELEMENT_FLUX_TABLES:
        raise ValueError(f"element = {element!r} is not allowed: expected one of {', '.join(ELEMENT_FLUX_TABLES)}")
    t = read_kiss(ELEMENT_FLUX_TABLES[element])
    df = pd.DataFrame({"R_GV": t.x, "flux": t.y, "sigma": kiss_total_error(t)})
    df = df[(df.R_GV >= R_min) & (df.R_GV <= R_max)].reset_index(drop=True)
    df.attrs = {"reference": citation(ELEMENT_FLUX_TABLES[element]), "element": element}
    return df


def abundance_data(
    R_min: float = CALIBRATION_RANGE_GV[0], R_max: float = CALIBRATION_RANGE_GV[1], elements=("C", "N", "O")
) -> pd.DataFrame:
    """AMS-02 ratios X/O versus rigidity for the ``elements`` other than O, between R_min and R_max [GV].

    Columns: ratio ('C/O', 'N/O', ...), element, R_GV, value, sigma. C/O is the published ratio (Phys.
    Rep. 894, 1, 2021); every other X/O is the X flux interpolated (log-log) to the O bins, divided by the O
    flux, errors added in quadrature (correlations ignored).
    """
    if "O" not in elements:
        raise ValueError(f"elements = {elements!r}: the ratios are taken to oxygen, which must be one of them")
    O = read_kiss(ELEMENT_FLUX_TABLES["O"])
    err = kiss_total_error
    O_rel_err = err(O) / O.y
    rows = []
    for el in elements:
        if el == "O":
            continue
        if el == "C":
            co = read_kiss("bc_ratio/AMS-02_C_O_rigidity.txt")
            rows.append(pd.DataFrame({"ratio": "C/O", "element": "C", "R_GV": co.x, "value": co.y, "sigma": err(co)}))
            continue
        if el not in ELEMENT_FLUX_TABLES:
            raise ValueError(f"element = {el!r} is not allowed: expected one of {', '.join(ELEMENT_FLUX_TABLES)}")
        X = read_kiss(ELEMENT_FLUX_TABLES[el])
        Xint = loglog_interp(O.x, X.x, X.y)
        Xerr = loglog_interp(O.x, X.x, err(X)) / Xint
        ratio = Xint / O.y
        rows.append(
            pd.DataFrame(
                {
                    "ratio": f"{el}/O",
                    "element": el,
                    "R_GV": O.x,
                    "value": ratio,
                    "sigma": ratio * np.hypot(Xerr, O_rel_err),
                }
            )
        )
    df = pd.concat(rows, ignore_index=True)
    return df[(df.R_GV >= R_min) & (df.R_GV <= R_max)].reset_index(drop=True)
