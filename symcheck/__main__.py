"""``python -m symcheck``: the same as the ``symcheck`` command."""

import sys

from .cli import main

sys.exit(main())
