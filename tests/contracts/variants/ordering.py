"""Variants that get the order of the audit log wrong."""

from __future__ import annotations

from aiohttp.typedefs import Middleware

from mockserver.domain.models import World
from tests.contracts.variants.rewrite import rewrite_entries
from tests.contracts.variants.variant import Keys, breaks


@breaks("audit.newest-first")
def oldest_first(world: World, keys: Keys) -> Middleware:
    return rewrite_entries(lambda data: list(reversed(data)))


@breaks("audit.tie-order")
def ties_by_id_ascending(world: World, keys: Keys) -> Middleware:
    return rewrite_entries(lambda data: sorted(data, key=lambda e: (-e["timestamp"], e["id"])))
