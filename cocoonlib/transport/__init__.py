"""Galactic transport: nuclei and cross sections, the weighted slab, the 2D sea, the B/C fit."""
