"""External data: the registry, fetching with hash checks, the local mirror, loaders.

Every external file is listed once in ``data/registry.csv`` (name, public URL
pinned to a commit, sha256, reference, DOI, licence). :func:`fetch` returns a
local path to a file whose sha256 has been checked:

* if the environment variable ``COCOON_DATA_MIRROR`` names a directory laid out
  like ``shared/data`` (``<mirror>/<name>``; a relative path is relative to the book's
  root folder, :func:`cocoonlib.io.paths.env_path`), the file is read from there;
* otherwise it is downloaded once with pooch into a cache
  (``COCOON_DATA_CACHE``, default: the user cache directory ``cocoon-book``).

A file whose bytes do not match the registry is an error
(:class:`DataIntegrityError`); it is never silently replaced. A file that is
neither in the mirror nor in the cache and cannot be downloaded raises
:class:`DataUnavailableError` naming the file and how to provide it.
To clear the cache, delete the directory returned by :func:`cache_dir`.

Loaders return pandas DataFrames whose columns carry their units in the name.
"""

from __future__ import annotations

import os
import warnings
from functools import lru_cache, partial
from pathlib import Path

import numpy as np
import pandas as pd

with warnings.catch_warnings():
    # pooch imports tqdm.auto, which warns inside Jupyter when ipywidgets is absent; no progress bars are used
    warnings.filterwarnings("ignore", message="IProgress not found")
    import pooch

from cocoonlib.core.units import MEV_GEV, TEV_GEV
from cocoonlib.io import paths, regions

__all__ = [
    "MIRROR_ENV",
    "CACHE_ENV",
    "DataError",
    "DataIntegrityError",
    "DataUnavailableError",
    "registry",
    "cache_dir",
    "fetch",
    "read_kiss",
    "BC_TABLES",
    "load_bc",
    "load_lhaaso_km2a",
    "DIFFUSE_COLUMNS",
    "read_measurement_table",
    "load_diffuse_measurements",
    "REGISTERED_MEASUREMENTS",
    "load_tibet_asmd",
    "load_argo_ybj",
    "load_fermi_inner_galaxy",
    "load_fermi_fig17_curve",
    "load_hawc_powerlaw",
    "hawc_band",
    "load_icecube_pi0_template",
    "read_transcribed",
]

MIRROR_ENV = "COCOON_DATA_MIRROR"
CACHE_ENV = "COCOON_DATA_CACHE"


class DataError(RuntimeError):
    """A problem with an external data file (the message names the file)."""


class DataIntegrityError(DataError):
    """A file's sha256 differs from the registry."""


class DataUnavailableError(DataError):
    """A file is neither in the mirror nor in the cache, and cannot be downloaded."""


# --- registry and fetching ------------------------------------------------------------
@lru_cache(maxsize=1)
def registry() -> pd.DataFrame:
    """The data registry (``data/registry.csv``), indexed by file name.

    Columns: dataset, reference, doi, bibkey, licence, url, sha256, bytes,
    repository, commit, path_in_repository, units.
    """
    return pd.read_csv(paths.REGISTRY, dtype=str, keep_default_na=False).set_index("name")


def cache_dir() -> Path:
    """Where downloaded files are kept: ``$COCOON_DATA_CACHE`` (relative to the book's root) or the user cache
    directory."""
    return paths.env_path(CACHE_ENV) or Path(pooch.os_cache("cocoon-book"))


_verified: dict[tuple, str] = {}


def _check_hash(name: str, path: Path, expected: str) -> None:
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if _verified.get(key) != expected:
        got = pooch.file_hash(str(path), alg="sha256")
        if got != expected:
            raise DataIntegrityError(
                f"data file '{name}' at {path} has sha256 {got}, the registry expects {expected}: "
                "the file is corrupt or not the registered version (it is not replaced automatically)"
            )
        _verified[key] = expected


def fetch(name: str) -> Path:
    """Local path of the registered file ``name`` (e.g. ``'bc_ratio/DAMPE_B_C_kineticEnergyPerNucleon.txt'``).

    Raises DataError (unknown name), DataIntegrityError (hash mismatch) or
    DataUnavailableError (no mirror, not cached, download impossible).
    """
    reg = registry()
    if name not in reg.index:
        raise DataError(f"data file '{name}' is not in the registry {paths.REGISTRY}")
    entry = reg.loc[name]
    mirror = paths.env_path(MIRROR_ENV)
    if mirror is not None:
        path = mirror / name
        if not path.is_file():
            raise DataUnavailableError(
                f"data file '{name}' is missing from the mirror {MIRROR_ENV}={os.environ[MIRROR_ENV]} "
                f"(expected at {path})"
            )
        _check_hash(name, path, entry["sha256"])
        return path
    store = pooch.create(
        path=cache_dir(),
        base_url="",
        registry={name: f"sha256:{entry['sha256']}"},
        urls={name: entry["url"]},
        allow_updates=False,
        retry_if_failed=0,
    )
    cached = cache_dir() / name
    try:
        return Path(store.fetch(name))
    except ValueError as err:
        if cached.exists():
            raise DataIntegrityError(
                f"data file '{name}' in the cache ({cached}) does not match the registry sha256 "
                f"{entry['sha256']}: it is not replaced automatically; delete it to download it again"
            ) from err
        raise DataIntegrityError(
            f"data file '{name}' downloaded from {entry['url']} does not match the registry sha256"
        ) from err
    except Exception as err:  # network errors come in many classes (requests, urllib3, OSError)
        raise DataUnavailableError(
            f"data file '{name}' is not in the cache {cache_dir()} and could not be downloaded from "
            f"{entry['url']} ({type(err).__name__}). Set {MIRROR_ENV} to a directory laid out like "
            f"shared/data (e.g. export {MIRROR_ENV}=../shared/data), or put the file at {cached}"
        ) from err


def citation(name: str) -> str:
    """'reference (doi)' of a registered file, for figure legends and tables."""
    e = registry().loc[name]
    return f"{e['reference']}" + (f" (doi:{e['doi']})" if e["doi"] else "")


# --- readers --------------------------------------------------------------------------
def _header(path: Path) -> list[str]:
    out = []
    with open(path) as fh:
        for line in fh:
            if line.startswith("#"):
                out.append(line[1:].strip())
            elif line.strip():
                break
    return out


KISS_COLUMNS = ["x", "y", "stat_lo", "stat_hi", "sys_lo", "sys_hi"]


def read_kiss(name: str) -> pd.DataFrame:
    """A KISS/CRDB table: columns x, y, stat_lo, stat_hi, sys_lo, sys_hi (units per the registry entry).

    ``attrs`` carries the header fields (``Ref``, ``Experiment``, ``X Quantity``, ...) and ``name``.
    """
    path = fetch(name)
    df = pd.read_csv(path, comment="#", sep=r"\s+", header=None, names=KISS_COLUMNS)
    df.attrs = {k.strip(): v.strip() for k, _, v in (h.partition(":") for h in _header(path))}
    df.attrs["name"] = name
    return df


def kiss_total_error(t: pd.DataFrame):
    """Statistical and systematic errors of a KISS table in quadrature, the two sides averaged."""
    return 0.5 * (np.hypot(t.stat_lo, t.sys_lo) + np.hypot(t.stat_hi, t.sys_hi))


#: B/C tables in the registry. AMS-02 2018 is the SSDC export, whose single error column
#: combines statistical and systematic errors.
BC_TABLES = {
    "AMS-02": "bc_ratio/AMS-02_B_C_kineticEnergyPerNucleon.txt",
    "AMS-02 (PRL 2018, SSDC)": "bc_ratio/B_C_ratio_AMS_PRL2018.txt",
    "CALET": "bc_ratio/CALET_B_C_kineticEnergyPerNucleon.txt",
    "DAMPE": "bc_ratio/DAMPE_B_C_kineticEnergyPerNucleon.txt",
    "PAMELA": "bc_ratio/PAMELA_B_C_kineticEnergyPerNucleon.txt",
    "CREAM": "bc_ratio/CREAM_B_C_kineticEnergyPerNucleon.txt",
    "TRACER": "bc_ratio/TRACER_B_C_kineticEnergyPerNucleon.txt",
}


def load_bc(experiment: str) -> pd.DataFrame:
    """B/C versus kinetic energy per nucleon.

    Columns: ``T_GeV_n`` (kinetic energy per nucleon, GeV/n), ``BC``, ``stat_lo``,
    ``stat_hi``, ``sys_lo``, ``sys_hi`` (NaN where the source gives only a total),
    ``err_lo``, ``err_hi`` (stat and sys added in quadrature). ``attrs``:
    experiment, reference, doi, name.
    """
    if experiment not in BC_TABLES:
        raise ValueError(f"experiment = {experiment!r} is not allowed: expected one of {', '.join(BC_TABLES)}")
    name = BC_TABLES[experiment]
    if name.endswith("PRL2018.txt"):
        raw = pd.read_csv(
            fetch(name), comment="#", sep=r"\s+", header=None, names=["x", "xlo", "xhi", "y", "err_lo", "err_hi"]
        )
        df = pd.DataFrame(
            {
                "T_GeV_n": raw.x,
                "BC": raw.y,
                "stat_lo": np.nan,
                "stat_hi": np.nan,
                "sys_lo": np.nan,
                "sys_hi": np.nan,
                "err_lo": raw.err_lo,
                "err_hi": raw.err_hi,
            }
        )
    else:
        k = read_kiss(name)
        df = pd.DataFrame(
            {
                "T_GeV_n": k.x,
                "BC": k.y,
                "stat_lo": k.stat_lo,
                "stat_hi": k.stat_hi,
                "sys_lo": k.sys_lo,
                "sys_hi": k.sys_hi,
            }
        )
        df["err_lo"] = np.hypot(k.stat_lo, k.sys_lo)
        df["err_hi"] = np.hypot(k.stat_hi, k.sys_hi)
    e = registry().loc[name]
    df.attrs = {"experiment": experiment, "reference": e["reference"], "doi": e["doi"], "name": name}
    return df


# --- diffuse gamma-ray measurements -------------------------------------------------------
#: The columns every diffuse gamma-ray measurement table is converted to.
#: E2_flux and its errors: E^2 times the intensity averaged over the window, GeV cm^-2 s^-1 sr^-1.
DIFFUSE_COLUMNS = [
    "experiment",
    "window",
    "E_GeV",
    "E_lo_GeV",
    "E_hi_GeV",
    "E2_flux",
    "E2_err_lo",
    "E2_err_hi",
    "upper_limit",
    "reference",
    "doi",
]

KM2A_TABLES = {
    "inner": "lhaaso_km2a_diffuse/LHAASO_KM2A_2023_TableS2_inner.txt",
    "outer": "lhaaso_km2a_diffuse/LHAASO_KM2A_2023_TableS3_outer.txt",
}


def load_lhaaso_km2a(window: str) -> pd.DataFrame:
    """LHAASO-KM2A diffuse emission (Cao et al. 2023, PRL 131, 151001, Tables S2/S3) in the standard columns.

    The table's TeV^-1 cm^-2 s^-1 sr^-1 intensities are converted to
    E^2 I in GeV cm^-2 s^-1 sr^-1; bins from the reconstructed-energy edges;
    errors are statistical and systematic in quadrature (asymmetric statistical).
    No mask factor is applied: the data are as published.
    """
    if window not in KM2A_TABLES:
        raise ValueError(
            f"window = {window!r} is not allowed for LHAASO-KM2A: expected one of {', '.join(KM2A_TABLES)}"
        )
    name = KM2A_TABLES[window]
    t = pd.read_csv(
        fetch(name),
        comment="#",
        sep=r"\s+",
        header=None,
        names=["logE_lo", "logE_hi", "E_TeV", "phi", "stat_lo", "stat_hi", "sys"],
    )
    E = t.E_TeV * TEV_GEV
    to_e2 = E**2 / TEV_GEV  # phi per TeV -> per GeV, times E^2 in GeV^2
    e = registry().loc[name]
    df = pd.DataFrame(
        {
            "experiment": "LHAASO-KM2A",
            "window": window,
            "E_GeV": E,
            "E_lo_GeV": 10**t.logE_lo * TEV_GEV,
            "E_hi_GeV": 10**t.logE_hi * TEV_GEV,
            "E2_flux": t.phi * to_e2,
            "E2_err_lo": np.hypot(t.stat_lo, t.sys) * to_e2,
            "E2_err_hi": np.hypot(t.stat_hi, t.sys) * to_e2,
            "upper_limit": False,
            "reference": e["reference"],
            "doi": e["doi"],
        }
    )
    return df[DIFFUSE_COLUMNS]


_REQUIRED_HEADER = ("experiment", "reference", "window", "quantity", "units")
_UNITS = "GeV cm^-2 s^-1 sr^-1"


def read_measurement_table(path: str | Path) -> pd.DataFrame:
    """Read a user-supplied diffuse gamma-ray table in the format of ``data/README.md``.

    Raises ValueError naming the file and the problem.
    """
    path = Path(path)
    head = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in _header(path)) if _}
    missing = [k for k in _REQUIRED_HEADER if k not in head]
    if missing:
        raise ValueError(f"{path}: header lacks {', '.join('# ' + m + ':' for m in missing)} (see data/README.md)")
    if head["quantity"] != "gamma_E2_intensity":
        raise ValueError(f"{path}: quantity = {head['quantity']!r}; supported: 'gamma_E2_intensity'")
    if head["units"] != _UNITS:
        raise ValueError(f"{path}: units = {head['units']!r}; the table must be in {_UNITS!r}")
    if head["window"] not in regions.regions():
        raise ValueError(
            f"{path}: window = {head['window']!r} is not a region of data/sky_regions.csv: expected one "
            f"of {', '.join(regions.regions())}"
        )
    t = pd.read_csv(path, comment="#")
    need = ["E_GeV", "E2_flux", "E2_err_lo", "E2_err_hi"]
    if any(c not in t.columns for c in need):
        raise ValueError(f"{path}: columns must include {', '.join(need)}; found {', '.join(t.columns)}")
    if not (np.all(t.E_GeV > 0) and np.all(t.E2_err_lo >= 0) and np.all(t.E2_err_hi >= 0)):
        raise ValueError(f"{path}: energies must be > 0 and errors >= 0")
    out = pd.DataFrame(
        {
            "experiment": head["experiment"],
            "window": head["window"],
            "E_GeV": t.E_GeV,
            "E_lo_GeV": t.get("E_lo_GeV", np.nan),
            "E_hi_GeV": t.get("E_hi_GeV", np.nan),
            "E2_flux": t.E2_flux,
            "E2_err_lo": t.E2_err_lo,
            "E2_err_hi": t.E2_err_hi,
            "upper_limit": t.get("upper_limit", False),
            "reference": head["reference"],
            "doi": head.get("doi", ""),
        }
    )
    out["upper_limit"] = out["upper_limit"].astype(bool)
    return out[DIFFUSE_COLUMNS]


def load_diffuse_measurements(region: str, extra_dir: str | Path | None = None) -> pd.DataFrame:
    """All diffuse gamma-ray points measured in ``region`` (a name of ``data/sky_regions.csv``), in
    :data:`DIFFUSE_COLUMNS`: the registered data sets of :data:`REGISTERED_MEASUREMENTS` plus every table in
    ``data/measurements/`` (and ``extra_dir``) whose ``# window:`` is ``region``. The HAWC power law is a band,
    not points: see :func:`hawc_band`. An unknown region is a one-line error.
    """
    regions.region(region)
    frames = [load() for load in REGISTERED_MEASUREMENTS.get(region, ())]
    for d in [paths.MEASUREMENTS, *([Path(extra_dir)] if extra_dir else [])]:
        for f in sorted(Path(d).glob("*.csv")):
            t = read_measurement_table(f)
            if (t["window"] == region).all():
                frames.append(t)
    if not frames:
        return pd.DataFrame(columns=DIFFUSE_COLUMNS)
    return pd.concat(frames, ignore_index=True)


# --- Tibet AS+MD, ARGO-YBJ, Fermi-LAT, HAWC: the other diffuse measurements -------------------------
#: publication and DOI of each experiment's numbers (the registry rows hold the files' own references)
_PUBLICATIONS = {
    "Tibet AS+MD": ("Amenomori et al. 2021, PRL 126, 141101 (digitised)", "10.1103/PhysRevLett.126.141101"),
    "ARGO-YBJ": ("Bartoli et al. 2015, ApJ 806, 20 (digitised)", "10.1088/0004-637X/806/1/20"),
    "HAWC": ("Alfaro et al. 2024, ApJ 961, 104 (power-law fit)", "10.48550/arXiv.2310.09117"),
}
TIBET_TABLES = {
    "tibet_25l100": "tibet_argo_diffuse/plota_TibetData.csv",
    "tibet_50l200": "tibet_argo_diffuse/plotb_TibetData.csv",
}
FERMI_FIG17_POINTS = "fermi_diffuse/Ackermann2012_diffuse_Fig17.txt"
FERMI_FIG17_CURVES = "fermi_diffuse/plot_fermi_gamma.csv"
HAWC_POWERLAW = "secondary/hawc_2024_diffuse_powerlaw_43l73.csv"
ICECUBE_PI0_TEMPLATE = {
    "log10_E_GeV": "icecube_galactic_plane/fermi_pi0_gamma_ray_energies.npy",
    "E2_flux": "icecube_galactic_plane/fermi_pi0_gamma_ray_allsky_average_E2Phi_2.7_extrapol.npy",
}
_E27_WEIGHT = 0.7  # the digitised Tibet/ARGO tables give E^2.7 dN/dE: E^2 dN/dE = that times E^-0.7 (E in GeV)


def _xy_groups(name: str) -> dict[str, pd.DataFrame]:
    """A WebPlotDigitizer export (columns ``<group>_x, <group>_y``): one (x, y) table per group, empty rows dropped."""
    t = pd.read_csv(fetch(name))
    groups = dict.fromkeys(c[:-2] for c in t.columns if c.endswith("_x"))
    return {g: t[[f"{g}_x", f"{g}_y"]].dropna().set_axis(["x", "y"], axis=1).reset_index(drop=True) for g in groups}


def _points(experiment: str, region: str, groups: dict, prefix: str, edges: bool) -> pd.DataFrame:
    """Digitised E^2.7-weighted points -> :data:`DIFFUSE_COLUMNS`. The error-bar ends and the best value are
    converted with the energy of the best value (their digitised x differ by digitisation noise only)."""
    best, upper, lower = (groups[f"{prefix}{k}"] for k in ("BestFit", "YUpper", "YLower"))
    E = best.x.to_numpy() * TEV_GEV
    weight = E**-_E27_WEIGHT
    reference, doi = _PUBLICATIONS[experiment]
    return pd.DataFrame(
        {
            "experiment": experiment,
            "window": region,
            "E_GeV": E,
            "E_lo_GeV": groups[f"{prefix}XLower"].x.to_numpy() * TEV_GEV if edges else np.nan,
            "E_hi_GeV": groups[f"{prefix}XUpper"].x.to_numpy() * TEV_GEV if edges else np.nan,
            "E2_flux": best.y.to_numpy() * weight,
            "E2_err_lo": (best.y - lower.y).to_numpy() * weight,
            "E2_err_hi": (upper.y - best.y).to_numpy() * weight,
            "upper_limit": False,
            "reference": reference,
            "doi": doi,
        }
    )[DIFFUSE_COLUMNS]


def load_tibet_asmd(region: str) -> pd.DataFrame:
    """Tibet AS+MD sub-PeV diffuse gamma rays (Amenomori et al. 2021, PRL 126, 141101) in ``region``
    ``"tibet_25l100"`` or ``"tibet_50l200"`` (|b| < 5 deg), in :data:`DIFFUSE_COLUMNS`.

    Digitised by the IceCube analysts (Science 380, 1338, Fig. S8): points with their 1-sigma ends and energy
    bins, given as E^2.7 dN/dE [GeV^1.7 cm^-2 s^-1 sr^-1] with E in GeV in the weight, converted here to
    E^2 I = (E^2.7 dN/dE) E^-0.7 [GeV cm^-2 s^-1 sr^-1]. As published: no mask factor.
    """
    if region not in TIBET_TABLES:
        raise ValueError(
            f"region = {region!r} is not allowed for Tibet AS+MD: expected one of {', '.join(TIBET_TABLES)}"
        )
    return _points("Tibet AS+MD", region, _xy_groups(TIBET_TABLES[region]), "Tibet", edges=True)


def load_argo_ybj() -> pd.DataFrame:
    """ARGO-YBJ diffuse gamma rays at 0.39-1.66 TeV in 25 < l < 100 deg, |b| < 5 deg (Bartoli et al. 2015,
    ApJ 806, 20; region ``"tibet_25l100"``), digitised and converted as :func:`load_tibet_asmd`; no bin edges."""
    return _points("ARGO-YBJ", "tibet_25l100", _xy_groups(TIBET_TABLES["tibet_25l100"]), "ARGO-YBJ", edges=False)


def load_fermi_inner_galaxy() -> pd.DataFrame:
    """Fermi-LAT diffuse emission of the inner Galaxy, |l| < 80 deg, |b| < 8 deg (Ackermann et al. 2012,
    ApJ 750, 3, Fig. 17; region ``"fermi_inner_galaxy"``), 0.24-94 GeV, in :data:`DIFFUSE_COLUMNS`.

    The digitised points with the ends of their error bars (the file gives E [MeV] and E^2 I
    [MeV cm^-2 s^-1 sr^-1]: both divided by 1000 here). All emission of the region, sources included.
    """
    e = registry().loc[FERMI_FIG17_POINTS]
    t = pd.read_csv(fetch(FERMI_FIG17_POINTS), comment="#", sep=r"\s+", header=None, names=["E", "lo", "mid", "hi"])
    return pd.DataFrame(
        {
            "experiment": "Fermi-LAT",
            "window": "fermi_inner_galaxy",
            "E_GeV": t.E * MEV_GEV,
            "E_lo_GeV": np.nan,
            "E_hi_GeV": np.nan,
            "E2_flux": t.mid * MEV_GEV,
            "E2_err_lo": (t.mid - t.lo) * MEV_GEV,
            "E2_err_hi": (t.hi - t.mid) * MEV_GEV,
            "upper_limit": False,
            "reference": "Ackermann et al. 2012, ApJ 750, 3, Fig. 17 (digitised)",
            "doi": e["doi"],
        }
    )[DIFFUSE_COLUMNS]


FERMI_FIG17_COMPONENTS = {"pi0": "Fermi_fig17_pi0", "total": "Fermi_fig17_total", "data": "Fermi_fig17_data"}


def load_fermi_fig17_curve(component: str) -> pd.DataFrame:
    """A curve of Ackermann et al. (2012) Fig. 17, inner Galaxy |l| < 80 deg, |b| < 8 deg, digitised by the IceCube
    analysts: ``"pi0"`` (the pi0-decay component of the LAT team's GALPROP model, survey gas), ``"total"`` (their
    whole model) or ``"data"`` (the measured points, without error bars: :func:`load_fermi_inner_galaxy` has them).

    Columns ``E_GeV``, ``E2_flux`` [GeV cm^-2 s^-1 sr^-1], sorted in energy; ``attrs``: reference, doi, region.
    """
    if component not in FERMI_FIG17_COMPONENTS:
        raise ValueError(
            f"component = {component!r} is not allowed: expected one of {', '.join(FERMI_FIG17_COMPONENTS)}"
        )
    g = _xy_groups(FERMI_FIG17_CURVES)[FERMI_FIG17_COMPONENTS[component]]
    df = pd.DataFrame({"E_GeV": g.x, "E2_flux": g.y}).sort_values("E_GeV", ignore_index=True)
    df.attrs = {
        "reference": "Ackermann et al. 2012, ApJ 750, 3, Fig. 17 (digitised)",
        "doi": registry().loc[FERMI_FIG17_CURVES, "doi"],
        "region": "fermi_inner_galaxy",
    }
    return df


def load_hawc_powerlaw() -> dict:
    """HAWC's power law of the Galactic diffuse emission in 43 < l < 73 deg, |b| < 4 deg (Alfaro et al. 2024,
    ApJ 961, 104; region ``"hawc_43l73"``): dN/dE = N0 (E/E0)^-index.

    Keys: ``index``, ``E0_GeV``, ``N0`` [GeV^-1 cm^-2 s^-1 sr^-1], ``N0_err_lo``/``N0_err_hi`` (statistical and
    systematic errors added in quadrature: the systematic error is asymmetric), ``region``, ``reference``, ``doi``.
    The transcription has no error on the index, so the band is a normalisation band.
    """
    t = read_transcribed(HAWC_POWERLAW).set_index("quantity")["value"].astype(float)
    reference, doi = _PUBLICATIONS["HAWC"]
    return {
        "index": float(t["index"]),
        "E0_GeV": float(t["E0_GeV"]),
        "N0": float(t["N0"]),
        "N0_err_lo": float(np.hypot(t["N0_stat"], t["N0_sys_down"])),
        "N0_err_hi": float(np.hypot(t["N0_stat"], t["N0_sys_up"])),
        "region": "hawc_43l73",
        "reference": reference,
        "doi": doi,
    }


def hawc_band(E_GeV) -> pd.DataFrame:
    """E^2 I [GeV cm^-2 s^-1 sr^-1] of HAWC's power law (:func:`load_hawc_powerlaw`) at ``E_GeV``: columns
    ``E_GeV``, ``E2_low``, ``E2_best``, ``E2_high`` (normalisation -1 sigma, best, +1 sigma; stat and sys combined).

    The energies where HAWC measured are not in the transcription; the band is what HAWC's fit says wherever it
    is evaluated, and a comparison should stay inside HAWC's range (about 10-100 TeV in Eckner & Calore's use)."""
    E = np.atleast_1d(np.asarray(E_GeV, dtype=float))
    if np.any(~(E > 0)):
        raise ValueError("E_GeV must be > 0")
    h = load_hawc_powerlaw()
    shape = E**2 * (E / h["E0_GeV"]) ** -h["index"]
    df = pd.DataFrame(
        {
            "E_GeV": E,
            "E2_low": (h["N0"] - h["N0_err_lo"]) * shape,
            "E2_best": h["N0"] * shape,
            "E2_high": (h["N0"] + h["N0_err_hi"]) * shape,
        }
    )
    df.attrs = {k: h[k] for k in ("region", "reference", "doi")}
    return df


def load_icecube_pi0_template() -> pd.DataFrame:
    """The gamma-ray spectrum of IceCube's Fermi-LAT pi0 template (IceCube 2023, Science 380, 1338; the
    template of Acero et al. 2016, ApJS 223, 26): its all-sky average E^2 Phi, extrapolated as E^-2.7 beyond
    the LAT data. Columns ``E_GeV`` (0.1 GeV - 10 PeV) and ``E2_flux`` [GeV cm^-2 s^-1 sr^-1]."""
    log_E = np.load(fetch(ICECUBE_PI0_TEMPLATE["log10_E_GeV"]))
    e2 = np.load(fetch(ICECUBE_PI0_TEMPLATE["E2_flux"]))
    if log_E.shape != e2.shape:
        raise DataError(f"{ICECUBE_PI0_TEMPLATE}: energies and fluxes differ in length ({log_E.size}, {e2.size})")
    df = pd.DataFrame({"E_GeV": 10.0**log_E, "E2_flux": e2})
    df.attrs = {
        "reference": registry().loc[ICECUBE_PI0_TEMPLATE["E2_flux"], "reference"],
        "doi": registry().loc[ICECUBE_PI0_TEMPLATE["E2_flux"], "doi"],
    }
    return df


#: The registered point measurements of each region (user tables come on top: data/measurements/).
REGISTERED_MEASUREMENTS = {
    "inner": (partial(load_lhaaso_km2a, "inner"),),
    "outer": (partial(load_lhaaso_km2a, "outer"),),
    "tibet_25l100": (partial(load_tibet_asmd, "tibet_25l100"), load_argo_ybj),
    "tibet_50l200": (partial(load_tibet_asmd, "tibet_50l200"),),
    "fermi_inner_galaxy": (load_fermi_inner_galaxy,),
}


def read_transcribed(filename: str) -> pd.DataFrame:
    """A hand-transcribed table from ``data/transcribed/`` (its ``#`` citation header in ``attrs['header']``)."""
    path = paths.TRANSCRIBED / filename
    if not path.is_file():
        known = sorted(p.relative_to(paths.TRANSCRIBED).as_posix() for p in paths.TRANSCRIBED.rglob("*.csv"))
        raise ValueError(f"transcribed table {filename!r} not found: expected one of {', '.join(known)}")
    df = pd.read_csv(path, comment="#")
    df.attrs["header"] = _header(path)
    return df
