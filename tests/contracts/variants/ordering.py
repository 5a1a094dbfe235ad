"""Variants that get the order of the audit log wrong."""

from __future__ import annotations

from aiohttp.typedefs import Middleware

from mockserver.domain.models import World
from tests.contracts.variants.rewrite import Json, rewrite_entries
from tests.contracts.variants.variant import Keys, breaks


@breaks("audit.newest-first")
def oldest_first(world: World, keys: Keys) -> Middleware:
    return rewrite_entries(lambda data: list(reversed(data)))


@breaks("audit.tie-order")
def ties_by_id_ascending(world: World, keys: Keys) -> Middleware:
    return rewrite_entries(lambda data: sorted(data, key=lambda e: (-e["timestamp"], e["id"])))


@breaks("audit.tie-order")
def digit_ids_tied_as_numbers(world: World, keys: Keys) -> Middleware:
    """Database serials as ids, ties sorted by their numeric value: `10` before `9`.

    Ids are strings, so `9` comes first. The serials take turns between short and long
    (`12`, `13001`, `14`, ...), so that neighbours in a tie often differ in length.
    """
    serial: dict[str, str] = {}
    for project in world.projects:
        for number, entry in enumerate(sorted(project.log, key=lambda e: e.id), start=1):
            serial[entry.id] = str(number) if number % 2 == 0 else f"{number}001"

    def change(data: list[Json]) -> list[Json]:
        renamed = [{**e, "id": serial[e["id"]]} for e in data]
        return sorted(renamed, key=lambda e: (-e["timestamp"], -int(e["id"])))

    return rewrite_entries(change)
