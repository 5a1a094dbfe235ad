"""The shape of a listing and of its entries, judged on every reference window read."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from ..context import Check, Context
from ..discovery import Dataset
from ..expect import read_json
from ..model import Entry, documented
from ..outcome import Violation

# 2000-01-01T00:00:00Z in milliseconds. A timestamp in seconds is far below it and one in
# microseconds far above a year from now, so the window catches the wrong unit.
EARLIEST_PLAUSIBLE_MS = 946_684_800_000
YEAR_MS = 366 * 86_400_000


def each_entry(data: Dataset, rule: str, wrong: Callable[[Entry], str | None]) -> None:
    for window in data.windows:
        for index, entry in enumerate(window.entries):
            problem = wrong(entry)
            if problem:
                raise Violation(rule, f"data[{index}] {problem}", window.page.exchange)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def page_mistake(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "the body is not an object"
    if not isinstance(body.get("data"), list):
        return f"data={body.get('data', '(absent)')!r}"
    if not is_int(body.get("total")) or body["total"] < 0:
        return f"total={body.get('total', '(absent)')!r}"
    if not isinstance(body.get("hasMore"), bool):
        return f"hasMore={body.get('hasMore', '(absent)')!r}"
    return None


def entry_mistake(entry: Entry) -> str | None:
    if not isinstance(entry.get("id"), str) or not entry["id"]:
        return f"has id={entry.get('id', '(absent)')!r}"
    if not isinstance(entry.get("metadata"), dict):
        return f"has metadata={entry.get('metadata', '(absent)')!r}"
    return None


def check_shape(ctx: Context) -> None:
    data = ctx.data()
    for window in data.windows:
        mistake = page_mistake(read_json(window.page.exchange))
        if mistake:
            raise Violation(
                "a page {data: [...], total: integer >= 0, hasMore: boolean}",
                mistake,
                window.page.exchange,
            )
    each_entry(data, "entries with a non-empty string id and a metadata object", entry_mistake)


def entity_id_mistake(entry: Entry) -> str | None:
    if "entityId" not in entry:
        return "has no entityId key"
    value = entry["entityId"]
    return None if value is None or isinstance(value, str) else f"has entityId={value!r}"


def check_entity_id(ctx: Context) -> None:
    each_entry(
        ctx.data(),
        "entityId on every entry: a string, or null when no entity is involved",
        entity_id_mistake,
    )


def repeated_id(entries: Sequence[Entry]) -> str | None:
    """The first entry of `entries` whose id an earlier one has, if any."""
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if entry["id"] in seen:
            return f"data[{index}].id={entry['id']!r} again"
        seen.add(entry["id"])
    return None


def check_unique_ids(ctx: Context) -> None:
    data = ctx.data()
    first_seen: dict[str, Entry] = {}
    for window in data.windows:
        mistake = repeated_id(window.entries)
        if mistake:
            raise Violation("each entry id once", mistake, window.page.exchange)
        for index, entry in enumerate(window.entries):
            earlier = first_seen.setdefault(entry["id"], entry)
            if documented(earlier) != documented(entry):
                raise Violation(
                    f"one entry per id: {documented(earlier)}",
                    f"data[{index}] = {documented(entry)}",
                    window.page.exchange,
                )


def timestamp_mistake(entry: Entry) -> str | None:
    """A timestamp outside 2000 to a year from now: seconds or microseconds, not ms."""
    value = entry["timestamp"]
    if not EARLIEST_PLAUSIBLE_MS <= value <= time.time_ns() // 1_000_000 + YEAR_MS:
        return f"has timestamp {value}"
    return None


def check_timestamps(ctx: Context) -> None:
    each_entry(
        ctx.data(),
        "integer Unix milliseconds, after 2000 and less than a year from now",
        timestamp_mistake,
    )


CHECKS = (
    Check(
        "entries.shape",
        "A page is {data, total >= 0, hasMore}; each entry has a non-empty "
        "string id and a metadata object.",
        check_shape,
    ),
    Check(
        "entries.entity-id",
        "entityId is present on every entry: a string or null, never absent.",
        check_entity_id,
    ),
    Check(
        "entries.unique-ids",
        "Ids are unique in the project: one id, one entry, in any answer.",
        check_unique_ids,
    ),
    Check(
        "entries.timestamps",
        "Timestamps are integer Unix milliseconds in a plausible range (2000 to a year from now).",
        check_timestamps,
    ),
)
