"""Variants of the mock for testing the suite's power: each breaks one rule, or bends one the
contract leaves open.

A variant is an aiohttp middleware placed outside the mock's own: it rewrites the request
on its way in (to make the mock misbehave) or the answer on its way out. The mock stays
untouched, so every variant differs from a correct implementation in exactly one way.
One module per area holds its variants; each declares itself with `@breaks` or
`@allowed` (see `variant.py`), and this package collects them from every module.
"""

from __future__ import annotations

import importlib
import pkgutil

from tests.contracts.variants.variant import Keys, Variant

# Modules that hold what variants are made of, not variants.
_BUILDING_BLOCKS = frozenset({"variant", "rewrite"})


def _declared() -> tuple[Variant, ...]:
    """Every variant declared in the area modules, area by area, in the order written."""
    found: list[Variant] = []
    for module in pkgutil.iter_modules(__path__):
        if module.name in _BUILDING_BLOCKS:
            continue
        area = importlib.import_module(f"{__name__}.{module.name}")
        found += [
            value
            for value in vars(area).values()
            if isinstance(value, Variant) and value.area == module.name
        ]
    return tuple(found)


BROKEN: tuple[Variant, ...] = tuple(v for v in _declared() if v.caught_by)
ALLOWED: tuple[Variant, ...] = tuple(v for v in _declared() if not v.caught_by)

__all__ = ["ALLOWED", "BROKEN", "Keys", "Variant"]
