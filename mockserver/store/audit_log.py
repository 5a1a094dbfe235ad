"""The audit log's storage and its query engine.

A log is made of segments. Each keeps its entries in chronological order (by timestamp,
then id) and, for each filter value (an action, a user, an action+user pair), the
ascending positions of its entries. Because `since` keeps a suffix of the chronological
order, a query is two binary searches and a walk backwards over at most `limit`
positions: its cost grows with log(n) + limit, never with n.

`AuditLog` holds an optional read-only base segment (a generated log, stored in
columns) and a list segment for the entries added while the server runs; a query asks
both and merges their newest entries.
"""

from __future__ import annotations

import heapq
import sys
from abc import ABC, abstractmethod
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Generic, NamedTuple, Protocol, TypeVar


class Entry(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def timestamp(self) -> int: ...
    @property
    def action(self) -> str: ...
    @property
    def user_id(self) -> str: ...
    @property
    def sort_key(self) -> tuple[int, str]: ...


E = TypeVar("E", bound=Entry)


# The `limit` of a query that wants every matching entry. The store knows no page size:
# the API's default and bounds are the spec's, and its callers pass them in.
EVERY_ENTRY = sys.maxsize


class AuditQuery(NamedTuple):
    """Validated filters of one audit-log request, and how many entries it wants.

    A named tuple rather than a dataclass: one is built and hashed (as a key of the
    generated log's answers) on every request, and a tuple does both in C.
    """

    action: str | None = None
    user_id: str | None = None
    since: int | None = None
    limit: int = EVERY_ENTRY


@dataclass(slots=True)
class Page(Generic[E]):
    entries: list[E]
    total: int
    # The page as the API's JSON body, kept by whoever renders it first: a page is
    # never changed, and the generated log hands out the same page for the same query.
    rendered: bytes | None = field(default=None, compare=False, repr=False)

    @property
    def has_more(self) -> bool:
        return self.total > len(self.entries)


def _sort_key(entry: Entry) -> tuple[int, str]:
    return entry.sort_key


class Segment(ABC, Generic[E]):
    """Entries in chronological order, with what a query needs to find them."""

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def entry(self, position: int) -> E:
        """The entry at a chronological position."""

    @abstractmethod
    def first_after(self, since: int) -> int:
        """The position of the first entry whose timestamp is greater than `since`."""

    @abstractmethod
    def matching(self, action: str | None, user_id: str | None) -> Sequence[int]:
        """The ascending positions of the entries with this action and user (one may be None)."""

    def __iter__(self) -> Iterator[E]:
        return map(self.entry, range(len(self)))

    def find(self, entry_id: str) -> E | None:
        """The entry with this id, or None (a scan; segments that can do better do)."""
        return next((entry for entry in self if entry.id == entry_id), None)

    def query(self, query: AuditQuery) -> Page[E]:
        """Entries matching every filter, newest first, at most `query.limit` of them."""
        first = 0 if query.since is None else self.first_after(query.since)
        positions: Sequence[int]
        if query.action is None and query.user_id is None:
            positions, start = range(len(self)), first
        else:
            positions = self.matching(query.action, query.user_id)
            start = bisect_left(positions, first)
        end = len(positions)
        total = end - start
        newest = positions[end - min(query.limit, total) : end]
        return Page(self.entries(newest[::-1]), total)

    def entries(self, positions: Sequence[int]) -> list[E]:
        """The entries at these positions, in the order given."""
        return list(map(self.entry, positions))


def _positions() -> array[int]:
    return array("q")


# The positions of a filter value that matches nothing.
NOTHING: tuple[int, ...] = ()


class ListSegment(Segment[E]):
    """Entries held as objects, indexed as they come; any entry may be added."""

    def __init__(self, entries: Iterable[E] = ()) -> None:
        self._rebuild(sorted(entries, key=_sort_key))

    def _rebuild(self, chronological: list[E]) -> None:
        self._entries = chronological
        self._timestamps = array("q", (entry.timestamp for entry in chronological))
        self._by_action: dict[str, array[int]] = {}
        self._by_user: dict[str, array[int]] = {}
        self._by_action_user: dict[tuple[str, str], array[int]] = {}
        self._by_id: dict[str, E] = {}
        for position, entry in enumerate(chronological):
            self._index(position, entry)

    def _index(self, position: int, entry: E) -> None:
        self._by_id[entry.id] = entry
        self._by_action.setdefault(entry.action, _positions()).append(position)
        self._by_user.setdefault(entry.user_id, _positions()).append(position)
        pair = (entry.action, entry.user_id)
        self._by_action_user.setdefault(pair, _positions()).append(position)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[E]:
        return iter(self._entries)

    def entry(self, position: int) -> E:
        return self._entries[position]

    def find(self, entry_id: str) -> E | None:
        return self._by_id.get(entry_id)

    def first_after(self, since: int) -> int:
        return bisect_right(self._timestamps, since)

    def matching(self, action: str | None, user_id: str | None) -> Sequence[int]:
        if action is None:
            return NOTHING if user_id is None else self._by_user.get(user_id, NOTHING)
        if user_id is None:
            return self._by_action.get(action, NOTHING)
        return self._by_action_user.get((action, user_id), NOTHING)

    def add(self, entry: E) -> None:
        """Insert one entry; appending the newest entry is O(1), anything else rebuilds."""
        if not self._entries or entry.sort_key > self._entries[-1].sort_key:
            position = len(self._entries)
            self._entries.append(entry)
            self._timestamps.append(entry.timestamp)
            self._index(position, entry)
        else:
            self._rebuild(sorted([*self._entries, entry], key=_sort_key))


class AuditLog(Generic[E]):
    """All entries of one project: a read-only base segment, and the entries added since.

    >>> log = AuditLog(entries)             # entries held as objects
    >>> log = AuditLog(base=generated_log)  # a generated log, plus whatever is added
    >>> copy = AuditLog(log)                # a copy: the same base, the added entries copied
    """

    def __init__(self, entries: Iterable[E] = (), *, base: Segment[E] | None = None) -> None:
        if isinstance(entries, AuditLog) and base is None:
            # Copying a log shares its read-only base rather than reading every entry.
            base = entries._base
            entries = entries._added
        self._base: Segment[E] | None = base
        self._added: ListSegment[E] = ListSegment(entries)

    def __len__(self) -> int:
        return len(self._added) + (len(self._base) if self._base is not None else 0)

    def __iter__(self) -> Iterator[E]:
        """Every entry, in chronological order."""
        if self._base is None:
            return iter(self._added)
        return heapq.merge(self._base, self._added, key=_sort_key)

    def chronological(self) -> list[E]:
        return list(self)

    def add(self, entry: E) -> None:
        """Add an entry of any time; only the entries added so far are ever re-sorted."""
        self._added.add(entry)

    def find(self, entry_id: str) -> E | None:
        """The entry with this id, or None."""
        found = self._added.find(entry_id)
        if found is None and self._base is not None:
            found = self._base.find(entry_id)
        return found

    def copy(self) -> AuditLog[E]:
        """A log that starts with the same entries and changes on its own (the base is shared)."""
        return AuditLog(self)

    def query(self, query: AuditQuery) -> Page[E]:
        """Entries matching every filter, newest first, at most `query.limit` of them."""
        if self._base is None:
            return self._added.query(query)
        base = self._base.query(query)
        if not self._added:
            return base
        added = self._added.query(query)
        newest = heapq.merge(base.entries, added.entries, key=_sort_key, reverse=True)
        return Page(list(islice(newest, query.limit)), base.total + added.total)
