"""From emissivities to the sky: gas, absorption, the local cosmic rays, the seas, intensities."""
