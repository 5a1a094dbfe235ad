"""`python -m contracts.proxy`: the same as `contracts proxy`."""

from __future__ import annotations

import sys

from .cli import main

raise SystemExit(main(sys.argv[1:]))
