"""What the book shows around the numbers: figures and their style (:mod:`~cocoonlib.book.report.plotting`), the
citation and provenance of a build (:mod:`~cocoonlib.book.report.citation`, :mod:`~cocoonlib.book.report.provenance`),
the numbers the prose names (:mod:`~cocoonlib.book.report.constants`) and the check that the prose types none
(:mod:`~cocoonlib.book.report.prose`).
"""
