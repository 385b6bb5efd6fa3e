"""Kelner, Aharonian & Bugayov (2006) p-p kernels and the delta-function approximation.

KAB06 = Kelner, Aharonian & Bugayov, PRD 74, 034018 (2006); erratum PRD 79, 039901 (2009).
Energies in GeV; E_p is the total proton energy; x = E/E_p; L = ln(E_p / 1 TeV).
Each F counts particles and antiparticles together.
"""

from __future__ import annotations

import numpy as np

from cocoonlib.core.units import M_PI0_GEV, M_PROTON_GEV, MB_CM2, TEV_GEV

__all__ = [
    "E_P_MIN_GEV",
    "E_P_MAX_GEV",
    "X_MIN",
    "E_THRESHOLD_GEV",
    "K_PI",
    "sigma_inel_mb",
    "F_gamma",
    "F_e",
    "F_numu1",
    "F_secondary",
    "kernel_matrix",
    "delta_matrix",
]

E_P_MIN_GEV = 0.1 * TEV_GEV
"""Lower end of the validity of the KAB06 parametrisations (0.1 TeV)."""
E_P_MAX_GEV = 1.0e5 * TEV_GEV
"""Upper end of their validity (1e5 TeV)."""
X_MIN = 1.0e-3
"""Smallest x = E/E_p for which the F's are given."""
K_PI = 0.17
"""Fraction of the proton kinetic energy taken by a pion in the delta approximation (KAB06 Sec. IV)."""
E_THRESHOLD_GEV = M_PROTON_GEV + 2 * M_PI0_GEV + M_PI0_GEV**2 / (2 * M_PROTON_GEV)
"""Pion-production threshold E_th = m_p + 2 m_pi + m_pi^2/(2 m_p) = 1.22 GeV (KAB06 eq. 79)."""


def sigma_inel_mb(E_p_GeV):
    """Inelastic p-p cross section [mb], KAB06 eq. 79 (eq. 73 times the threshold factor).

    sigma = (34.3 + 1.88 L + 0.25 L^2) [1 - (E_th/E_p)^4]^2 for E_p > E_th, zero below.
    """
    E = np.asarray(E_p_GeV, dtype=float)
    L = np.log(np.maximum(E, E_THRESHOLD_GEV) / TEV_GEV)
    thr = np.clip(1.0 - (E_THRESHOLD_GEV / np.maximum(E, 1e-300)) ** 4, 0.0, None) ** 2
    return (34.3 + 1.88 * L + 0.25 * L * L) * thr


def _hump(x, B, beta, k):
    """The common form of KAB06 eqs. 58 and 66."""
    xb = x**beta
    lnx = np.log(x)
    core = ((1 - xb) / (1 + k * xb * (1 - xb))) ** 4
    bracket = 1.0 / lnx - 4 * beta * xb / (1 - xb) - 4 * k * beta * xb * (1 - 2 * xb) / (1 + k * xb * (1 - xb))
    return B * (lnx / x) * core * bracket


def _inside(x):
    x = np.asarray(x, dtype=float)
    return (x >= X_MIN) & (x < 1.0), np.clip(x, X_MIN, 1 - 1e-12)


def F_gamma(x, E_p_GeV):
    """Photon spectrum per collision, KAB06 eqs. 58-61 (zero outside X_MIN <= x < 1)."""
    ok, xc = _inside(x)
    L = np.log(np.asarray(E_p_GeV, dtype=float) / TEV_GEV)
    B = 1.30 + 0.14 * L + 0.011 * L**2
    beta = 1.0 / (1.79 + 0.11 * L + 0.008 * L**2)
    k = 1.0 / (0.801 + 0.049 * L + 0.014 * L**2)
    return np.where(ok, _hump(xc, B, beta, k), 0.0)


def F_e(x, E_p_GeV):
    """Electron spectrum, KAB06 eqs. 62-65; also nu_e and the nu_mu from muon decay, F_nu_mu^(2) (to a few %)."""
    ok, xc = _inside(x)
    L = np.log(np.asarray(E_p_GeV, dtype=float) / TEV_GEV)
    B = 1.0 / (69.5 + 2.65 * L + 0.3 * L**2)
    beta = (0.201 + 0.062 * L + 0.00042 * L**2) ** -0.25
    k = (0.279 + 0.141 * L + 0.0172 * L**2) / (0.3 + (2.3 + L) ** 2)
    lnx = np.log(xc)
    val = B * (1 + k * lnx**2) ** 3 * (-lnx) ** 5 / (xc * (1 + 0.3 / xc**beta))
    return np.where(ok, val, 0.0)


def F_numu1(x, E_p_GeV):
    """Muon neutrinos from the direct decay pi -> mu nu, KAB06 eqs. 66-69 (y = x/0.427; zero for x >= 0.427)."""
    x = np.asarray(x, dtype=float)
    y = x / 0.427
    ok = (x >= X_MIN) & (y < 1.0)
    yc = np.clip(y, X_MIN / 0.427, 1 - 1e-12)
    L = np.log(np.asarray(E_p_GeV, dtype=float) / TEV_GEV)
    B = 1.75 + 0.204 * L + 0.010 * L**2
    beta = 1.0 / (1.67 + 0.111 * L + 0.0038 * L**2)
    k = 1.07 - 0.086 * L + 0.002 * L**2
    return np.where(ok, _hump(yc, B, beta, k), 0.0)


def F_secondary(secondary: str, x, E_p_GeV):
    """F for ``gamma``, ``nu_e`` (= F_e), ``nu_mu`` (= F_nu_mu^(1) + F_e) or ``nu_all`` (= F_nu_mu^(1) + 2 F_e)."""
    if secondary == "gamma":
        return F_gamma(x, E_p_GeV)
    if secondary == "nu_e":
        return F_e(x, E_p_GeV)
    if secondary == "nu_mu":
        return F_numu1(x, E_p_GeV) + F_e(x, E_p_GeV)
    if secondary == "nu_all":
        return F_numu1(x, E_p_GeV) + 2 * F_e(x, E_p_GeV)
    raise ValueError(f"secondary = {secondary!r} is not allowed: expected one of gamma, nu_e, nu_mu, nu_all")


def kernel_matrix(secondary: str, E_GeV, E_p_GeV, dlnEp):
    """M[i, j] such that Q(E_i) = sum_j M[i, j] w(E_p,j) approximates Int dE_p sigma_inel F(E/E_p, E_p)/E_p w(E_p).

    KAB06 eq. 71 on a log grid of projectile energies (trapezoid weights ``dlnEp``):
    dE_p/E_p = dln E_p, so M = sigma [cm^2] F dlnEp. Rows with E < E_P_MIN_GEV are an error:
    there the parametrisation is not valid and the delta approximation takes over.
    """
    E = np.asarray(E_GeV, dtype=float)
    if np.any(E < E_P_MIN_GEV * (1 - 1e-9)):
        raise ValueError(f"Kelner kernels need E >= {E_P_MIN_GEV:g} GeV (KAB06 validity); got {E.min():.4g} GeV")
    Ep = np.asarray(E_p_GeV, dtype=float)
    valid = (Ep >= E_P_MIN_GEV) & (Ep <= E_P_MAX_GEV)
    x = E[:, None] / Ep[None, :]
    Ep_c = np.clip(Ep, E_P_MIN_GEV, E_P_MAX_GEV)  # columns outside the validity are zeroed just below
    F = F_secondary(secondary, x, Ep_c[None, :]) * valid[None, :]
    return F * (sigma_inel_mb(Ep) * MB_CM2 * dlnEp)[None, :]


def delta_matrix(E_GeV, E_p_GeV):
    """Delta-function approximation with n-tilde = 1 (KAB06 eqs. 77-78; [AESB25] App. A eq. 12).

    Q_gamma(E) = 2 Int_{E_pi,min} q_pi(E_pi) / sqrt(E_pi^2 - m_pi^2) dE_pi, with
    q_pi = (n/K_pi) sigma(E_p) w(E_p), E_p = m_p + E_pi/K_pi, E_pi,min = E + m_pi^2/(4E).
    Changing variable to u = ln E_p (dE_pi = K_pi E_p du) the integrand is
    g(u) = 2 sigma(E_p) E_p w(E_p) / sqrt(E_pi^2 - m_pi^2). The returned M[i, j] integrates g by
    the trapezoid rule on the grid ``E_p_GeV`` (log-spaced), starting exactly at the lower limit
    (there the kinematic factor is exact and w is interpolated linearly in u between the two neighbouring
    nodes, so a node below the pion threshold never enters with its singular factor).
    The caller multiplies by n-tilde, fixed so that the result matches the full calculation at 100 GeV.
    """
    E = np.atleast_1d(np.asarray(E_GeV, dtype=float))
    Ep = np.asarray(E_p_GeV, dtype=float)
    u = np.log(Ep)
    Epi = K_PI * (Ep - M_PROTON_GEV)
    f = 2 * sigma_inel_mb(Ep) * MB_CM2 * Ep / np.sqrt(np.maximum(Epi**2 - M_PI0_GEV**2, 1e-300))
    M = np.zeros((E.size, Ep.size))
    for i, e in enumerate(E):
        Epi_min = e + M_PI0_GEV**2 / (4 * e)
        u0 = np.log(M_PROTON_GEV + Epi_min / K_PI)
        k = int(np.searchsorted(u, u0, side="right"))  # first node above the limit
        if k == 0 or k >= u.size:
            raise ValueError(f"projectile grid does not bracket the delta-approximation threshold for E = {e:.4g} GeV")
        t = (u0 - u[k - 1]) / (u[k] - u[k - 1])
        h0 = u[k] - u0  # partial cell [u0, u_k]: g(u0) = c0 w(u0), w(u0) = (1 - t) w_{k-1} + t w_k
        Ep0 = np.exp(u0)
        c0 = 2 * sigma_inel_mb(Ep0) * MB_CM2 * Ep0 / np.sqrt(Epi_min**2 - M_PI0_GEV**2)
        M[i, k - 1] += 0.5 * h0 * (1 - t) * c0
        M[i, k] += 0.5 * h0 * (t * c0 + f[k])
        h = np.diff(u[k:])  # full cells above
        M[i, k:-1] += 0.5 * h * f[k:-1]
        M[i, k + 1 :] += 0.5 * h * f[k + 1 :]
    return M
