"""The ``cocoon`` command: the command line (:mod:`~cocoonlib.book.cli.command`), running a chapter
(:mod:`~cocoonlib.book.cli.runner`) and scanning parameters (:mod:`~cocoonlib.book.cli.scan`).
"""

from cocoonlib.book.cli.command import main

__all__ = ["main"]
