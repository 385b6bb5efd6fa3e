"""The book's edge: parameters, chapters and key numbers, adapters from parameters to physics, results, scorecard, plots, provenance, the command line and scans."""
