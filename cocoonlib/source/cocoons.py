"""Properties of the cocoons themselves: residence time, number alive, size bound.

[AESB25] eq. 5 defines the cocoon grammage chi_c = m_p n_gas c tau_c; eqs. 9-10
(formulas reconstructed in Methods, methods-cocoon-conditions, tag I) require that a cocoon
lives longer than tau_c and that the N_c = R_SN tau_c cocoons alive at any time
fit into the disk without overlapping.
"""

from __future__ import annotations

import numpy as np

from cocoonlib.core.units import C_CM_S, M_PROTON_G, MYR_S, PC_KPC

__all__ = ["residence_time_Myr", "live_cocoons", "max_cocoon_size_pc"]


def residence_time_Myr(chi_g_cm2, n_gas_cm3):
    """tau_c = chi_c / (m_p n_gas c) [Myr] ([AESB25] eq. 5; abstract: ~0.3 Myr for chi = 0.4 g cm^-2)."""
    return np.asarray(chi_g_cm2, dtype=float) / (M_PROTON_G * np.asarray(n_gas_cm3, dtype=float) * C_CM_S) / MYR_S


def live_cocoons(R_SN_per_yr, tau_Myr):
    """N_c = R_SN tau_c: cocoons alive at any time (each source makes one)."""
    return np.asarray(R_SN_per_yr, dtype=float) * np.asarray(tau_Myr, dtype=float) * 1e6


def max_cocoon_size_pc(n_cocoons, R_disk_kpc, half_height_kpc):
    """L_max [pc] from N_c (4 pi/3) L^3 <= pi R_d^2 (2 h): L_max = [3 R_d^2 h / (2 N_c)]^(1/3) ([AESB25] eq. 10).

    ``half_height_kpc`` is the half-thickness of the layer the cocoons occupy
    (for exp(-|z|/z0) the book uses z0, see CocoonDisk.effective_half_height_kpc).
    """
    L_kpc = (3.0 * R_disk_kpc**2 * half_height_kpc / (2.0 * np.asarray(n_cocoons, dtype=float))) ** (1.0 / 3.0)
    return L_kpc / PC_KPC
