"""Paths, the data registry and fetching with hashes, loaders, the array cache, the sky regions table."""
