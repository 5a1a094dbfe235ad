"""The contract's rules for listing the audit log, as pure functions over what the API shows.

Nothing here sends a request. A `Query` knows which entries it matches; a `Window` is a
reference listing (the newest entries for some filters, as many as one page holds), and
knows what any narrower query must return, as far as the window can see.

The API has no cursor or offset: only the newest `limit` (at most 200) entries of any
query can be seen. So comparisons are made where the window sees everything: a window
whose `total` fits in it is complete, and a `since` at or after the oldest timestamp of a
window keeps only entries that all lie inside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .client import Exchange, Params
from .outcome import Violation

Entry = Mapping[str, Any]
# The fields the contract defines for an entry; an implementation may add others.
ENTRY_FIELDS = ("id", "action", "userId", "entityId", "metadata", "timestamp")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_FILTER_LENGTH = 100
MAX_SINCE = 2**63 - 1


@dataclass(frozen=True, slots=True)
class Query:
    """The documented parameters of one audit-log request; `None` leaves one out."""

    action: str | None = None
    user_id: str | None = None
    since: int | None = None
    limit: int | None = None

    def params(self) -> Params:
        pairs = (
            ("action", self.action),
            ("userId", self.user_id),
            ("since", self.since),
            ("limit", self.limit),
        )
        return tuple((name, str(value)) for name, value in pairs if value is not None)

    @property
    def page_size(self) -> int:
        return DEFAULT_LIMIT if self.limit is None else self.limit

    def filters(self) -> Query:
        return replace(self, limit=None)

    def matches(self, entry: Entry) -> bool:
        return (
            (self.action is None or entry["action"] == self.action)
            and (self.user_id is None or entry["userId"] == self.user_id)
            and (self.since is None or entry["timestamp"] > self.since)
        )

    def mismatches(self, entry: Entry) -> list[str]:
        """Why `entry` does not match, one reason per filter it fails."""
        reasons = []
        if self.action is not None and entry["action"] != self.action:
            reasons.append(f"action {entry['action']!r} is not {self.action!r}")
        if self.user_id is not None and entry["userId"] != self.user_id:
            reasons.append(f"userId {entry['userId']!r} is not {self.user_id!r}")
        if self.since is not None and entry["timestamp"] <= self.since:
            reasons.append(f"timestamp {entry['timestamp']} is not after since={self.since}")
        return reasons

    def refines(self, broader: Query) -> bool:
        """Whether every entry this query matches is also matched by `broader`."""
        return (
            (broader.action is None or broader.action == self.action)
            and (broader.user_id is None or broader.user_id == self.user_id)
            and (broader.since is None or (self.since is not None and self.since >= broader.since))
        )

    def describe(self) -> str:
        return "?" + "&".join(f"{k}={v}" for k, v in self.params()) if self.params() else "(none)"


@dataclass(frozen=True, slots=True)
class Page:
    """A 200 answer of the audit log, read just enough to compare it with others.

    `total` and `has_more` are kept as sent: only the checks about them judge them.
    """

    entries: tuple[Entry, ...]
    total: Any
    has_more: Any
    exchange: Exchange

    @property
    def ids(self) -> list[str]:
        return [entry["id"] for entry in self.entries]

    def count(self) -> int:
        """`total` as an integer, or a violation naming what came instead."""
        if isinstance(self.total, bool) or not isinstance(self.total, int) or self.total < 0:
            raise Violation("`total` to be an integer >= 0", repr(self.total), self.exchange)
        return self.total


def documented(entry: Entry) -> dict[str, Any]:
    """The contract's fields of `entry`: what identifies it, whatever else is added."""
    return {name: entry.get(name) for name in ENTRY_FIELDS}


def read_entries(value: Any, exchange: Exchange) -> tuple[Entry, ...]:
    """The entries of `data`, if each has the fields the listing rules are about."""
    if not isinstance(value, list):
        raise Violation("`data` to be an array of entries", _shown(value), exchange)
    for index, entry in enumerate(value):
        problem = _unreadable(entry)
        if problem:
            raise Violation(
                "entries with a string `id`, `action` and `userId` and an integer `timestamp`",
                f"data[{index}] {problem}",
                exchange,
            )
    return tuple(value)


def _unreadable(entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return f"is {_shown(entry)}"
    for name in ("id", "action", "userId"):
        if not isinstance(entry.get(name), str):
            return f"has {name}={_shown(entry.get(name, '(absent)'))}"
    timestamp = entry.get("timestamp", "(absent)")
    if isinstance(timestamp, bool) or not isinstance(timestamp, int):
        return f"has timestamp={_shown(timestamp)}"
    return None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:80] + "…"


def order_mistake(entries: Sequence[Entry]) -> str | None:
    """Where `entries` break newest-first order by timestamp, if they do."""
    for index in range(1, len(entries)):
        before, after = entries[index - 1]["timestamp"], entries[index]["timestamp"]
        if after > before:
            return (
                f"data[{index - 1}].timestamp={before} is older than "
                f"data[{index}].timestamp={after}"
            )
    return None


def id_descends(before: str, after: str) -> bool:
    """Whether `before` comes first in descending id order.

    Ids are strings and compare as strings; ids made only of digits (database serials)
    may also compare as the numbers they are, the order such an implementation sorts by.
    """
    if before > after:
        return True
    return before.isdigit() and after.isdigit() and int(before) > int(after)


def tie_mistake(entries: Sequence[Entry]) -> str | None:
    """Where entries sharing a timestamp are not in descending `id` order, if anywhere."""
    for index in range(1, len(entries)):
        before, after = entries[index - 1], entries[index]
        if before["timestamp"] == after["timestamp"] and not id_descends(before["id"], after["id"]):
            return (
                f"data[{index - 1}] and data[{index}] share timestamp {after['timestamp']} "
                f"but their ids {before['id']!r}, {after['id']!r} are not in descending order"
            )
    return None


@dataclass(frozen=True, slots=True)
class Window:
    """The newest entries matching `query` (filters and `limit=200`), as one page showed them.

    `horizon` is the last millisecond the windows show in full: entries after it may have
    arrived since they were read, and comparisons set them aside instead of calling them
    wrong, so a log that keeps growing (a live staging server) can still be checked.
    """

    query: Query
    page: Page
    horizon: int | None = None

    def as_of(self, horizon: int | None) -> Window:
        """This window without the entries newer than `horizon`, its total reduced to match."""
        if horizon is None:
            return self
        kept = tuple(e for e in self.entries if e["timestamp"] <= horizon)
        total = self.page.total
        if isinstance(total, int) and not isinstance(total, bool):
            total -= len(self.entries) - len(kept)
        page = Page(kept, total, self.page.has_more, self.page.exchange)
        return Window(self.query, page, horizon)

    @property
    def entries(self) -> tuple[Entry, ...]:
        return self.page.entries

    @property
    def complete(self) -> bool:
        total = self.page.total
        return isinstance(total, int) and total == len(self.entries)

    def covers(self, query: Query) -> bool:
        """Whether every entry `query` matches is in this window (so it can be compared exactly)."""
        if not query.refines(self.query):
            return False
        if self.complete:
            return True
        oldest = self.entries[-1]["timestamp"] if self.entries else None
        return oldest is not None and query.since is not None and query.since >= oldest

    def visible(self, query: Query) -> list[Entry]:
        return [entry for entry in self.entries if query.matches(entry)]

    def arrived_later(self, entry: Entry) -> bool:
        return self.horizon is not None and entry["timestamp"] > self.horizon

    def mismatch(self, query: Query, page: Page) -> str | None:
        """How `page`, the answer to `query`, contradicts this window, or None.

        The entries the window shows that match `query` must open the page, in the same
        order (after any that arrived later); an entry newer than anything the window cut
        off must be in the window; and when the window covers the query, the page holds
        exactly those entries and `total` counts them.
        """
        if not query.refines(self.query):
            return None
        later = sum(1 for entry in page.entries if self.arrived_later(entry))
        known = [entry for entry in page.entries if not self.arrived_later(entry)]
        expected = self.visible(query)
        shown = expected[: max(0, query.page_size - later)]
        got = [entry["id"] for entry in known]
        for position, entry in enumerate(shown):
            if position >= len(got) or got[position] != entry["id"]:
                found = got[position] if position < len(got) else "nothing"
                return (
                    f"data[{position + later}] should be entry {entry['id']!r} (timestamp "
                    f"{entry['timestamp']}), as {self.describe()} shows; got {found!r}"
                )
        if self.covers(query):
            return self._coverage_mismatch(query, page, expected, len(shown), later)
        oldest = self.entries[-1]["timestamp"] if self.entries else None
        for entry in known[len(shown) :]:
            if oldest is not None and entry["timestamp"] > oldest:
                return (
                    f"entry {entry['id']!r} (timestamp {entry['timestamp']}) is newer than the "
                    f"oldest entry {self.describe()} shows, yet it is not there among the "
                    "matching entries"
                )
        return None

    def _coverage_mismatch(
        self, query: Query, page: Page, expected: list[Entry], shown: int, later: int
    ) -> str | None:
        known = len(page.entries) - later
        if known > shown:
            extra = next(
                e["id"] for e in page.entries[later + shown :] if not self.arrived_later(e)
            )
            return (
                f"exactly {shown} entries, as {self.describe()} shows; got {known}, e.g. "
                f"unexpected entry {extra!r}"
            )
        total = page.total
        # Entries that arrived later are the newest, so they open the page: all of them are
        # on it unless they fill it, and then more may lie beyond it.
        if later < query.page_size:
            if total != len(expected) + later:
                return (
                    f"total={len(expected) + later}: {self.describe()} shows every matching "
                    f"entry{_and_later(later)}; got total={total!r}"
                )
        elif not isinstance(total, int) or total < len(expected) + later:
            return (
                f"total >= {len(expected) + later}: {self.describe()} shows that many "
                f"matching entries{_and_later(later)}; got total={total!r}"
            )
        return None

    def describe(self) -> str:
        return f"the listing {self.query.describe()}"


def _and_later(count: int) -> str:
    return f", and {count} more arrived since" if count else ""


def disagreement(before: Page, after: Page) -> str | None:
    """How two answers to the same query, asked one after the other, disagree, or None.

    Entries may arrive between the two requests. They are the newest, so they open the
    later page and push older entries off its end: the entries older than the first
    page's newest millisecond must be the same, and `total` may only grow, and only when
    new entries show.
    """
    cut = before.entries[0]["timestamp"] if before.entries else None
    old_before = [e["id"] for e in before.entries if cut is not None and e["timestamp"] < cut]
    old_after = [e["id"] for e in after.entries if cut is not None and e["timestamp"] < cut]
    grown = (len(after.entries) - len(old_after)) - (len(before.entries) - len(old_before))
    if old_after != old_before[: len(old_after)] or len(old_after) < len(old_before) - max(
        0, grown
    ):
        return f"ids {before.ids}, then ids {after.ids}"
    if grown <= 0 and after.total != before.total:
        return f"total={before.total!r}, then total={after.total!r} with no new entries"
    if grown > 0 and not (isinstance(after.total, int) and after.total >= before.total):
        return f"total={before.total!r}, then total={after.total!r}"
    return None
