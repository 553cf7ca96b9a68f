"""``python -m roi …``: see :mod:`roi.cli`."""

import sys

from .cli import main

sys.exit(main())
