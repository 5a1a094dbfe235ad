"""The semantic checks, one module per concern, in the order they run and are reported."""

from __future__ import annotations

from ..context import Check
from . import auth, entries, errors, filters, http, isolation, listing, params, project

CHECKS: tuple[Check, ...] = (
    *auth.CHECKS,
    *errors.CHECKS,
    *http.CHECKS,
    *params.CHECKS,
    *entries.CHECKS,
    *listing.CHECKS,
    *filters.CHECKS,
    *project.CHECKS,
    *isolation.CHECKS,
)

__all__ = ["CHECKS"]
