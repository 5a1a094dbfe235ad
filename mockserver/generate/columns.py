"""A generated audit log stored in columns, its entries rendered when first asked for.

A million `AuditEntry` objects would take over a gigabyte and a minute to build. A
generated log instead keeps one byte per entry for its action and its user, one
integer for its entity and a `Timeline` that draws timestamps and ids slot by slot;
an entry (with its JSON) is rendered from these the first time a query returns it,
and kept in a bounded cache. The index of a filter value (the positions of its
entries) is built the first time the value is queried, in one pass at bytes speed.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress

from mockserver.domain.draws import Draws
from mockserver.domain.ids import ulid, ulid_timestamp
from mockserver.domain.metadata import Context, Vocabulary
from mockserver.domain.models import AuditEntry
from mockserver.domain.rules import RULES
from mockserver.generate.timeline import Timeline
from mockserver.store.audit_log import NOTHING, AuditQuery, Page, Segment

# Rendered entries kept (under a kilobyte each): more than the pages in use at once.
CACHED_ENTRIES = 16_384
# Answers kept, by query: a client polling or a load test repeats its queries. The
# memory they hold is bounded by a count of pages and by the entries a kept page may
# have (the API's largest page fits): a caller asking for more gets them afresh.
CACHED_PAGES = 256
MAX_CACHED_PAGE_ENTRIES = 200
NO_ENTITY = -1


@dataclass(frozen=True, slots=True)
class Columns:
    """A generated log, one value per entry in each column, in chronological order."""

    timeline: Timeline
    # Codes into `action_names` and `user_names`, one byte per entry.
    actions: bytes
    action_names: tuple[str, ...]
    users: bytes
    user_names: tuple[str, ...]
    # The entity of each entry (an index into the entity columns), or NO_ENTITY.
    entities: array[int]
    # Per entity: the random part of its id, and its type (a code into `entity_types`).
    entity_bits: array[int]
    entity_types: bytes
    entity_type_names: tuple[str, ...]
    words: Vocabulary

    def entity_id(self, entity: int) -> str:
        return entity_id(self.entity_bits[entity])


def entity_id(bits: int) -> str:
    return f"ent_{bits:016x}"


def _selector(codes: bytes, code: int) -> bytes:
    """1 where `codes` holds `code`, 0 elsewhere."""
    return codes.translate(bytes(1 if cell == code else 0 for cell in range(256)))


class GeneratedLog(Segment[AuditEntry]):
    """The read-only base segment of a generated project's log."""

    def __init__(self, columns: Columns, cached_entries: int = CACHED_ENTRIES) -> None:
        self._columns = columns
        self._action_codes = {name: code for code, name in enumerate(columns.action_names)}
        self._user_codes = {name: code for code, name in enumerate(columns.user_names)}
        self._indexes: dict[tuple[int | None, int | None], array[int]] = {}
        self._cached = lru_cache(maxsize=cached_entries)(self.render)
        self._answers = lru_cache(maxsize=CACHED_PAGES)(super().query)

    def __len__(self) -> int:
        return len(self._columns.actions)

    def entry(self, position: int) -> AuditEntry:
        return self._cached(position)

    def entries(self, positions: Sequence[int]) -> list[AuditEntry]:
        return list(map(self._cached, positions))

    def query(self, query: AuditQuery) -> Page[AuditEntry]:
        """As `Segment.query`; the log never changes, so answers are kept (do not change them)."""
        if query.limit > MAX_CACHED_PAGE_ENTRIES:
            return super().query(query)
        return self._answers(query)

    def render(self, position: int) -> AuditEntry:
        """The entry at `position`, rendered from the columns."""
        columns = self._columns
        timestamp, id_bits, metadata_bits = columns.timeline.row(position)
        action = columns.action_names[columns.actions[position]]
        user_id = columns.user_names[columns.users[position]]
        entity = columns.entities[position]
        entity_id, entity_type = None, None
        if entity != NO_ENTITY:
            entity_id = columns.entity_id(entity)
            entity_type = columns.entity_type_names[columns.entity_types[entity]]
        elif action == "entity_type.created":
            # The log opens with one entity_type.created per type, in the types' order.
            entity_type = columns.entity_type_names[position]
        metadata = RULES[action].metadata(
            Draws(metadata_bits), Context(user_id, entity_type, columns.words)
        )
        return AuditEntry(ulid(timestamp, id_bits), action, user_id, entity_id, metadata, timestamp)

    def first_after(self, since: int) -> int:
        return self._columns.timeline.first_after(since)

    def find(self, entry_id: str) -> AuditEntry | None:
        """The entry with this id: its timestamp, read from the id, leads to it."""
        timestamp = ulid_timestamp(entry_id)
        if timestamp is None:
            return None
        first, end = self.first_after(timestamp - 1), self.first_after(timestamp)
        return next((e for e in self.entries(range(first, end)) if e.id == entry_id), None)

    def matching(self, action: str | None, user_id: str | None) -> Sequence[int]:
        action_code = user_code = None
        if action is not None:
            action_code = self._action_codes.get(action)
            if action_code is None:
                return NOTHING
        if user_id is not None:
            user_code = self._user_codes.get(user_id)
            if user_code is None:
                return NOTHING
        key = (action_code, user_code)
        positions = self._indexes.get(key)
        if positions is None:
            positions = self._indexes[key] = self._build_index(action_code, user_code)
        return positions

    def _build_index(self, action_code: int | None, user_code: int | None) -> array[int]:
        """The ascending positions of the entries with these codes (None matches any)."""
        columns, selected = self._columns, 0
        if action_code is not None:
            selected = int.from_bytes(_selector(columns.actions, action_code), "little")
        if user_code is not None:
            by_user = int.from_bytes(_selector(columns.users, user_code), "little")
            selected = by_user if action_code is None else selected & by_user
        selector = selected.to_bytes(len(self), "little")
        return array("i", compress(range(len(self)), selector))
