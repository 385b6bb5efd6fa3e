"""``python -m cocoonlib.book.cli``: the ``cocoon`` command without its console script."""

import sys

from cocoonlib.book.cli.command import main

sys.exit(main())
