"""`python -m contracts`: the same as the `contracts` command."""

from __future__ import annotations

from .cli import main

raise SystemExit(main())
