"""The audit log's storage and its query engine.

Entries are kept in chronological order (by timestamp, then id). Each filter value
(an action, a user, an action+user pair) has an index: the ascending list of positions
of its entries. Because `since` keeps a suffix of the chronological order, a query is
two binary searches and a walk backwards over at most `limit` positions: its cost
grows with log(n) + limit, never with n.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar


class Entry(Protocol):
    @property
    def timestamp(self) -> int: ...
    @property
    def action(self) -> str: ...
    @property
    def user_id(self) -> str: ...
    @property
    def sort_key(self) -> tuple[int, str]: ...


E = TypeVar("E", bound=Entry)


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditQuery:
    """Validated filters of one audit-log request."""

    action: str | None = None
    user_id: str | None = None
    since: int | None = None
    limit: int = 50


@dataclass(frozen=True, slots=True)
class Page(Generic[E]):
    entries: list[E]
    total: int

    @property
    def has_more(self) -> bool:
        return self.total > len(self.entries)


def _positions() -> array[int]:
    return array("q")


class AuditLog(Generic[E]):
    """All entries of one project, indexed for filtered, newest-first queries."""

    def __init__(self, entries: Iterable[E] = ()) -> None:
        self._rebuild(sorted(entries, key=lambda entry: entry.sort_key))

    def _rebuild(self, chronological: list[E]) -> None:
        self._entries = chronological
        self._timestamps = array("q", (entry.timestamp for entry in chronological))
        self._by_action: dict[str, array[int]] = {}
        self._by_user: dict[str, array[int]] = {}
        self._by_action_user: dict[tuple[str, str], array[int]] = {}
        for position, entry in enumerate(chronological):
            self._index(position, entry)

    def _index(self, position: int, entry: E) -> None:
        self._by_action.setdefault(entry.action, _positions()).append(position)
        self._by_user.setdefault(entry.user_id, _positions()).append(position)
        pair = (entry.action, entry.user_id)
        self._by_action_user.setdefault(pair, _positions()).append(position)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterable[E]:
        return iter(self._entries)

    def chronological(self) -> Sequence[E]:
        return self._entries

    def add(self, entry: E) -> None:
        """Insert one entry; appending the newest entry is O(1), anything else rebuilds."""
        if not self._entries or entry.sort_key > self._entries[-1].sort_key:
            position = len(self._entries)
            self._entries.append(entry)
            self._timestamps.append(entry.timestamp)
            self._index(position, entry)
        else:
            self._rebuild(sorted([*self._entries, entry], key=lambda e: e.sort_key))

    def actions(self) -> list[str]:
        return sorted(self._by_action)

    def users(self) -> list[str]:
        return sorted(self._by_user)

    def query(self, query: AuditQuery) -> Page[E]:
        """Entries matching every filter, newest first, at most `query.limit` of them."""
        first = 0 if query.since is None else bisect_right(self._timestamps, query.since)
        positions = self._candidates(query)
        if positions is None:
            total = len(self._entries) - first
            last = len(self._entries) - 1
            taken = range(last, last - min(query.limit, total), -1)
            return Page([self._entries[p] for p in taken], total)
        start = bisect_left(positions, first)
        total = len(positions) - start
        count = min(query.limit, total)
        end = len(positions)
        return Page(
            [self._entries[positions[i]] for i in range(end - 1, end - 1 - count, -1)], total
        )

    def _candidates(self, query: AuditQuery) -> array[int] | None:
        """The positions the filters allow, or None when no filter applies."""
        if query.action is not None and query.user_id is not None:
            return self._by_action_user.get((query.action, query.user_id), _positions())
        if query.action is not None:
            return self._by_action.get(query.action, _positions())
        if query.user_id is not None:
            return self._by_user.get(query.user_id, _positions())
        return None
