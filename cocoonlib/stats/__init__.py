"""Comparison with data: pulls and chi-squared, limits."""
