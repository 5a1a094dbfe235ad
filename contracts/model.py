"""The contract's rules for listing the audit log, as pure functions over what the API shows.

Nothing here sends a request. A `Query` knows which entries it matches, a `Page` holds
one answer, and the functions below say where an answer breaks the order rules or
disagrees with an earlier answer to the same query. `window.py` builds the comparisons
between a broader and a narrower query on top of these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .client import Exchange, Params
from .outcome import Violation
from .spec import api_facts

Entry = Mapping[str, Any]
# The fields the contract defines for an entry; an implementation may add others.
ENTRY_FIELDS = ("id", "action", "userId", "entityId", "metadata", "timestamp")

# The audit log's bounds, as the spec states them.
DEFAULT_LIMIT = api_facts().default_limit
MAX_LIMIT = api_facts().max_limit
MAX_FILTER_LENGTH = api_facts().max_filter_length
MAX_SINCE = api_facts().max_since


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


def newest_timestamp(entries: Sequence[Entry]) -> int | None:
    """The newest timestamp among `entries`, wherever it stands (order is judged elsewhere)."""
    return max((entry["timestamp"] for entry in entries), default=None)


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

    Ids are strings (the contract says only that), so they compare as strings, whatever
    they look like: `"9"` comes before `"10"`, which is what an implementation sorting
    digit-only ids as numbers gets wrong.
    """
    return before > after


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


def disagreement(before: Page, after: Page) -> str | None:
    """How two answers to the same query, asked one after the other, disagree, or None.

    The log only grows. Entries that arrive between the two requests are the newest, so
    they open the later page (at or after the first page's newest timestamp) and push
    older entries off its end. Apart from them, the later page holds the first page's
    entries, from the start and in the same order; it is never shorter (a page holds
    `min(limit, total)` entries, and `total` only grows), and `total` grows by at least
    as many as arrived.
    """
    cut = newest_timestamp(before.entries)
    known = set(before.ids)
    arrived = [e for e in after.entries if e["id"] not in known]
    if any(cut is not None and e["timestamp"] < cut for e in arrived):
        return f"ids {before.ids}, then ids {after.ids}: an older entry appeared"
    kept = [e["id"] for e in after.entries if e["id"] in known]
    if kept != before.ids[: len(kept)]:
        return f"ids {before.ids}, then ids {after.ids}"
    if len(after.entries) < len(before.entries):
        return (
            f"{len(before.entries)} entries, then {len(after.entries)}: ids {before.ids}, "
            f"then ids {after.ids}"
        )
    if not arrived and after.total != before.total:
        return f"total={before.total!r}, then total={after.total!r} with no new entries"
    grown = isinstance(after.total, int) and isinstance(before.total, int)
    if arrived and not (grown and after.total >= before.total + len(arrived)):
        return f"total={before.total!r}, then total={after.total!r} with {len(arrived)} new"
    return None
