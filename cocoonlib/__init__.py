"""cocoonlib: the thin library behind the cocoon-book compendium."""

__version__ = "0.1.0"
