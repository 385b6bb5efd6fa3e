"""One interface for the gamma-ray and neutrino emissivity of one cocoon ([AESB25] eq. 7 = [ICRC25] eq. 2).

.. math::

    Q_{\\gamma,\\nu}(E) = \\frac{1}{m_p}\\sum_{i} \\int dE_i\\, Q_i^E(E_i)\\, \\chi_c(R_i)\\,
    \\frac{d\\sigma_i(E_i, E)}{dE}

in GeV^-1 per cocoon (particles per GeV emitted over the cocoon's life). The
target column chi_c/m_p counts all gas as hydrogen (``ism="H"``, as the paper);
``ism="H+He"`` splits it into H and He with He/H = ``f_He`` by number (AAfrag only).

A :class:`Production` object (one class per model: :class:`KelnerProduction`,
:class:`AAfragProduction`) builds the cross-section matrices once for its energy
grids; :meth:`Production.emissivity` then costs a weighted sum, so a change of
chi0, R0, delta or the spectral parameters is cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from cocoonlib.core.units import M_PROTON_G
from cocoonlib.production import aafrag, kelner
from cocoonlib.source.injection import InjectionSpectrum

__all__ = [
    "MODELS",
    "ISM",
    "SECONDARIES",
    "Production",
    "KelnerProduction",
    "AAfragProduction",
    "E_DELTA_GEV",
    "PROJECTILE_PER_DECADE",
]

#: Default projectile-energy nodes per decade (assumed: for the default cocoon spectrum, R0 = 20 TV, 40
#: keeps the gamma-ray emissivity within 0.05 % of a grid four times as fine up to 30 TeV, and 0.2 % at
#: 100 TeV for AAfrag, where the cut-off steepens the spectrum; Kelner: 3e-5. ``grid_scale`` multiplies it).
PROJECTILE_PER_DECADE = 40

MODELS = ("kelner", "aafrag")
ISM = ("H", "H+He")
SECONDARIES = ("gamma", "nu_e", "nu_mu", "nu_all", "nu_e_only", "anti_nu_e", "nu_mu_only", "anti_nu_mu")
"""nu_e, nu_mu: neutrino + antineutrino of the flavour; nu_all: all of them; the last four (AAfrag only)
separate particles from antiparticles."""
E_DELTA_GEV = kelner.E_P_MIN_GEV
"""Below 100 GeV the Kelner model uses the delta approximation (gamma rays only)."""


def _log_grid(lo, hi, per_decade):
    n = max(2, int(np.ceil(np.log10(hi / lo) * per_decade)) + 1)
    E = np.logspace(np.log10(lo), np.log10(hi), n)
    lnE = np.log(E)
    d = np.empty_like(lnE)  # trapezoid weights in ln E
    d[1:-1] = 0.5 * (lnE[2:] - lnE[:-2])
    d[0], d[-1] = 0.5 * (lnE[1] - lnE[0]), 0.5 * (lnE[-1] - lnE[-2])
    return E, d


class Production:
    """Emissivity of one cocoon for one secondary (``gamma``, ``nu_e``, ``nu_mu``, ``nu_all``; neutrinos are nu + anti-nu).

    ``Production(secondary, model, E_GeV, ...)`` gives the class of the model: :class:`KelnerProduction` or
    :class:`AAfragProduction`. Both build their cross-section matrices once and share the interface
    (:meth:`emissivity`, :meth:`rate_per_H_atom`, :meth:`response_per_H_atom`, :meth:`grammage_operator`).

    Parameters
    ----------
    secondary, model : str
        ``model`` is ``"kelner"`` (KAB06 + delta approximation below 100 GeV, He-p by nucleon
        superposition, [AESB25] App. A) or ``"aafrag"`` (AAfrag p-p, p-He, He-p, He-He, [ICRC25]).
    E_GeV : array
        Secondary energies [GeV].
    ism : ``"H"`` or ``"H+He"``; f_He : He/H by number for ``"H+He"``.
    per_decade : points per decade of the projectile grid.

    Raises ValueError for an unknown name, for Kelner neutrinos below 100 GeV (the paper computes
    them only above) and for ``ism="H+He"`` with Kelner (no p-He kernels).
    """

    E_PROJ_MAX_GEV = 1.0e9
    model = ""

    def __new__(cls, *args, **kwargs):
        if cls is Production:
            model = kwargs.get("model", args[1] if len(args) > 1 else None)
            if model not in _MODEL_CLASSES:
                raise ValueError(f"production_model = {model!r} is not allowed: expected one of {', '.join(MODELS)}")
            cls = _MODEL_CLASSES[model]
        return super().__new__(cls)

    def __init__(
        self,
        secondary: str,
        model: str,
        E_GeV,
        ism: str = "H",
        f_He: float = 0.1,
        per_decade: int = PROJECTILE_PER_DECADE,
    ):
        if model != self.model:
            raise ValueError(
                f"production_model = {model!r} is not allowed for {type(self).__name__}: expected {self.model!r}"
            )
        if secondary not in SECONDARIES:
            raise ValueError(f"secondary = {secondary!r} is not allowed: expected one of {', '.join(SECONDARIES)}")
        if ism not in ISM:
            raise ValueError(f"ism = {ism!r} is not allowed: expected one of {', '.join(ISM)}")
        self.secondary, self.E_GeV, self.ism, self.f_He = secondary, np.atleast_1d(np.asarray(E_GeV, float)), ism, f_He
        self.per_decade = per_decade
        self._check()
        # projectile grid: total energy of the proton / nucleon (Kelner) or of the projectile (AAfrag)
        self.Ep, self.dln = _log_grid(kelner.E_THRESHOLD_GEV * 1.0001, self.E_PROJ_MAX_GEV, self.per_decade)
        self._grid_values: dict = {}
        self._build()

    # --- what a model provides ----------------------------------------------------------------
    channels: tuple[str, ...] = ("p-p", "He-p")

    def _check(self):
        """Raise ValueError for a secondary, ISM or energy the model does not cover."""

    def _build(self):
        """The cross-section matrices on (E_GeV, Ep)."""
        raise NotImplementedError

    def _channel_weights(self, spectra: Mapping[str, InjectionSpectrum], chi: Callable):
        """(channel, projectile weights [GeV^-1 x targets per g], rigidity [GV] of the projectile of each column)."""
        raise NotImplementedError

    def _apply(self, channel: str, w) -> np.ndarray:
        """Q(E) of one channel for the projectile weights ``w``."""
        raise NotImplementedError

    def _response(self, channel: str, w) -> np.ndarray:
        """:meth:`_apply` resolved by projectile: a matrix whose rows sum to it."""
        raise NotImplementedError

    def _operator(self) -> tuple[dict, dict | None]:
        """({channel: matrix M}, the delta-approximation part or None) of :meth:`grammage_operator`."""
        raise NotImplementedError

    # --- weights ----------------------------------------------------------------------------------
    def _columns(self) -> dict[str, float]:
        """Targets per unit grammage [g^-1]: H only (1/m_p) or H and He with He/H = f_He."""
        if self.ism == "H":
            return {"p": 1.0 / M_PROTON_G, "He": 0.0}
        n_H = 1.0 / (M_PROTON_G * (1.0 + 4.0 * self.f_He))
        return {"p": n_H, "He": self.f_He * n_H}

    def _projectile_weights(self, spectrum: InjectionSpectrum, chi: Callable, superpose: bool):
        """Q^E chi on the projectile grid [GeV^-1 g cm^-2]; for ``superpose``, per nucleon of energy E_N:
        A^2 Q_He^E(A E_N) chi(R_He(A E_N)) (A nucleons, Jacobian A)."""
        Q, R = self._on_grid(spectrum, superpose)
        if superpose:
            A = spectrum.species.A
            return A * A * Q * chi(R)
        return Q * chi(R)

    def _on_grid(self, spectrum, superpose: bool) -> tuple[np.ndarray, np.ndarray]:
        """(Q^E, rigidity [GV]) of ``spectrum`` on the projectile grid (at A E_N for ``superpose``), kept per spectrum
        when it is a frozen dataclass (compared by value; any other object is computed each time): a fit asks for the
        emissivity of the same spectra at many R0."""
        key = (spectrum, superpose) if _frozen(spectrum) else None
        if key is not None and key in self._grid_values:
            return self._grid_values[key]
        E = spectrum.species.A * self.Ep if superpose else self.Ep
        values = (np.asarray(spectrum.per_energy(E), dtype=float), np.asarray(spectrum.rigidity_GV(E), dtype=float))
        if key is not None:
            for v in values:
                v.setflags(write=False)
            if len(self._grid_values) > 64:
                self._grid_values.clear()
            self._grid_values[key] = values
        return values

    # --- the interface ------------------------------------------------------------------------------
    def emissivity(self, spectra: Mapping[str, InjectionSpectrum], chi: Callable) -> dict[str, np.ndarray]:
        """Q(E) [GeV^-1 per cocoon] by channel plus ``"total"``; ``spectra`` has keys ``"H"``, ``"He"``;
        ``chi`` maps rigidity [GV] to grammage [g cm^-2]."""
        out = {ch: self._apply(ch, w) for ch, w, _ in self._channel_weights(spectra, chi)}
        out["total"] = sum(out[ch] for ch in self.channels)
        return out

    def rate_per_H_atom(self, fluxes: Mapping[str, object]) -> dict[str, np.ndarray]:
        """Emissivity of interstellar gas bathed in a cosmic-ray flux, per H atom [GeV^-1 s^-1] by channel and
        ``"total"`` (He atoms, for ``ism="H+He"``, counted at f_He per H atom).

        q(E) = sum_i Int dE_i 4 pi j_i(E_i) dsigma_i/dE: ``fluxes`` has keys ``"H"``, ``"He"`` whose
        ``per_energy(E)`` is 4 pi j_E [GeV^-1 cm^-2 s^-1] (:class:`cocoonlib.sky.local_cr.LocalFlux`). It is the
        cocoon emissivity with the injected spectrum replaced by the flux and a unit column, divided by the
        H atoms per gram: the same matrices, the same code path."""
        per_gram = self.emissivity(fluxes, _unit_column)
        n_H = self._columns()["p"]
        return {k: v / n_H for k, v in per_gram.items()}

    def response_per_H_atom(self, fluxes: Mapping[str, object]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """The emissivity per H atom of :meth:`rate_per_H_atom`, resolved by projectile energy: per channel, a
        matrix r[E, p] [GeV^-1 s^-1] whose rows sum to that channel's rate, and the rigidity [GV] of the
        projectile of column p (for Kelner's He-p, of the He nucleus whose nucleon has energy ``Ep[p]``).

        Weighting column p by the cosmic-ray density at that rigidity relative to the local one gives the
        emissivity of gas where the sea has another spectrum (:mod:`cocoonlib.sky.diffuse`). For Kelner, the
        n-tilde of the delta approximation is that of the local flux."""
        n_H = self._columns()["p"]
        return {ch: (self._response(ch, w) / n_H, R) for ch, w, R in self._channel_weights(fluxes, _unit_column)}

    def grammage_operator(self, spectra: Mapping[str, InjectionSpectrum]) -> dict:
        """:meth:`emissivity` as a linear map of the grammage on the projectile grid, for a caller that applies
        chi_c itself (the book's Explore page does, in a browser).

        Returns ``{"weights": {ch: w}, "rigidity_GV": {ch: R}, "matrix": {ch: M}, "delta": D}``. With
        v_ch = w_ch chi_c(R_ch) (w: the projectile weights at 1 g cm^-2, R: the rigidity of the projectile of each
        column), Q = sum_ch M_ch @ v_ch on every energy; for Kelner, on the rows ``D["rows"]`` (E < 100 GeV) it is
        sum_ch n_ch D["matrix"] @ v_ch instead, n_ch = (D["full_100"] @ v_ch) / (D["delta_100"] @ v_ch) (1 where
        the denominator vanishes): the delta approximation with its n-tilde. ``D`` is None for AAfrag; the
        Kelner channels share one matrix (the same array)."""
        matrices, delta = self._operator()
        out = {"weights": {}, "rigidity_GV": {}, "matrix": {}, "delta": delta}
        for ch, w, R in self._channel_weights(spectra, _unit_column):
            out["weights"][ch], out["rigidity_GV"][ch], out["matrix"][ch] = w, R, matrices[ch]
        return out


def _frozen(obj) -> bool:
    """Whether ``obj`` is an instance of a frozen, hashable dataclass (its value cannot change)."""
    params = getattr(type(obj), "__dataclass_params__", None)
    if params is None or not params.frozen:
        return False
    try:
        hash(obj)
    except TypeError:
        return False
    return True


def _unit_column(R):
    """A grammage of 1 g cm^-2 at every rigidity."""
    return np.ones_like(np.asarray(R, dtype=float))


class KelnerProduction(Production):
    """[AESB25] App. A: the KAB06 kernels above 100 GeV, the delta approximation with its n-tilde below (gamma rays;
    neutrinos exist above 100 GeV only); He-p as A nucleons of energy E/A (superposition); hydrogen gas only."""

    model = "kelner"
    channels = ("p-p", "He-p")

    def _check(self):
        if self.secondary not in ("gamma", "nu_e", "nu_mu", "nu_all"):
            raise ValueError(
                f"secondary = {self.secondary!r} needs production_model = 'aafrag' (Kelner F's count nu + anti-nu)"
            )
        if self.ism != "H":
            raise ValueError(
                "ism = 'H+He' is not allowed with production_model = 'kelner' (no p-He kernels): use 'aafrag'"
            )
        if self.secondary != "gamma" and self.E_GeV.min() < E_DELTA_GEV * (1 - 1e-9):
            raise ValueError(
                f"Kelner neutrino emissivities are computed only for E >= {E_DELTA_GEV:g} GeV "
                f"([AESB25] App. A); got {self.E_GeV.min():.4g} GeV"
            )

    def _build(self):
        E = self.E_GeV
        self._hi = E >= E_DELTA_GEV
        self._M_full = np.zeros((E.size, self.Ep.size))
        if self._hi.any():
            self._M_full[self._hi] = kelner.kernel_matrix(self.secondary, E[self._hi], self.Ep, self.dln)
        self._M_full_100 = kelner.kernel_matrix(self.secondary, [E_DELTA_GEV], self.Ep, self.dln)[0]
        self._M_delta = kelner.delta_matrix(E[~self._hi], self.Ep) if (~self._hi).any() else None
        self._M_delta_100 = kelner.delta_matrix([E_DELTA_GEV], self.Ep)[0]

    def _channel_weights(self, spectra, chi):
        """Protons, and He as A nucleons, on hydrogen."""
        n_p = self._columns()["p"]
        for ch, sp, superpose in (("p-p", "H", False), ("He-p", "He", True)):
            yield (
                ch,
                self._projectile_weights(spectra[sp], chi, superpose) * n_p,
                self._on_grid(spectra[sp], superpose)[1],
            )

    def _apply(self, channel, w):
        return self.from_projectile_weights(w)

    def _response(self, channel, w):
        r = self._M_full * w[None, :]
        if self._M_delta is not None:
            r[~self._hi] = self._n_tilde(w) * self._M_delta * w[None, :]
        return r

    def _operator(self):
        delta = None
        if self._M_delta is not None:
            delta = {
                "rows": np.flatnonzero(~self._hi),
                "matrix": self._M_delta,
                "full_100": self._M_full_100,
                "delta_100": self._M_delta_100,
            }
        return {ch: self._M_full for ch in self.channels}, delta

    def _n_tilde(self, w) -> float:
        """Full / delta result at 100 GeV; 1 (the delta approximation as it stands) when no projectile of the
        spectrum reaches 100 GeV photons (e.g. R0 of a few GV), where the ratio is 0/0."""
        den = float(self._M_delta_100 @ w)
        return float(self._M_full_100 @ w) / den if den > 0 else 1.0

    def from_projectile_weights(self, w) -> np.ndarray:
        """Kelner model for an arbitrary projectile spectrum: Q(E) = Int dE_p sigma F/E_p w(E_p) above 100 GeV,
        n-tilde times the delta approximation below. ``w`` is given on ``self.Ep`` [GeV^-1 x targets cm^-2];
        the result is in [GeV^-1] (or, for a density in place of a column, a rate per c)."""
        Q = self._M_full @ w
        if self._M_delta is not None:
            Q[~self._hi] = self._n_tilde(w) * (self._M_delta @ w)
        return Q

    def delta_normalisation(self, spectra: Mapping[str, InjectionSpectrum], chi: Callable) -> dict[str, float]:
        """n-tilde of the delta approximation per channel: the factor that makes it equal the full KAB06 result
        at 100 GeV for these spectra ([AESB25] App. A; never a fixed number)."""
        return {ch: self._n_tilde(w) for ch, w, _ in self._channel_weights(spectra, chi)}


class AAfragProduction(Production):
    """[ICRC25]: AAfrag's differential cross sections (aafragpy) for p-p and He-p, and on a gas with helium
    (``ism = "H+He"``) also p-He and He-He."""

    model = "aafrag"

    @property
    def channels(self) -> tuple[str, ...]:
        """Projectile-target channels summed: p-p, He-p (+ p-He, He-He for ism='H+He')."""
        return ("p-p", "p-He", "He-p", "He-He") if self.ism == "H+He" else ("p-p", "He-p")

    def _build(self):
        self._M = {
            ch: aafrag.cross_section_matrix(self.secondary, ch, self.E_GeV, self.Ep) * (self.Ep * self.dln)[None, :]
            for ch in self.channels
        }

    def _channel_weights(self, spectra, chi):
        col = self._columns()
        for ch in self.channels:
            proj, target = ch.split("-")
            spectrum = spectra["H" if proj == "p" else "He"]
            yield ch, self._projectile_weights(spectrum, chi, False) * col[target], self._on_grid(spectrum, False)[1]

    def _apply(self, channel, w):
        return self._M[channel] @ w

    def _response(self, channel, w):
        return self._M[channel] * w[None, :]

    def _operator(self):
        return dict(self._M), None


_MODEL_CLASSES = {"kelner": KelnerProduction, "aafrag": AAfragProduction}
