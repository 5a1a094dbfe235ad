"""The crawl reaches every entry a client can reach, and accounts for the rest."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.domain.models import AuditEntry
from mockserver.scenario.crawl import CrawlLimits, CrawlResult, FetchedPage, Filter, crawl
from mockserver.store.audit_log import AuditLog, AuditQuery
from tests.mockserver.scenario.oracle import reachable

HINTS: list[Filter] = [("entity.created", None), (None, "system")]


@st.composite
def logs(draw: st.DrawFn) -> list[AuditEntry]:
    """Small logs with few names, so that filters overlap and pages overflow."""
    actions = st.sampled_from(["entity.created", "entity.updated", "hidden.a", "hidden.b"])
    users = st.sampled_from(["system", "u1", "u2", "u3", "u4"])
    rows = draw(st.lists(st.tuples(actions, users, st.integers(0, 30)), max_size=40))
    return [
        AuditEntry(f"e{index:03d}", action, user, None, {}, timestamp)
        for index, (action, user, timestamp) in enumerate(rows)
    ]


def run(entries: list[AuditEntry], limits: CrawlLimits) -> CrawlResult:
    log = AuditLog(entries)

    async def fetch(query: Filter) -> FetchedPage:
        page = log.query(AuditQuery(action=query[0], user_id=query[1], limit=limits.page_size))
        return FetchedPage([e.to_dict() for e in page.entries], page.total)

    return asyncio.run(crawl(fetch, limits, hints=HINTS))


@settings(max_examples=300, deadline=None)
@given(logs(), st.integers(1, 4), st.integers(1, 3))
def test_the_crawl_captures_exactly_what_any_client_can_reach(
    entries: list[AuditEntry], page_size: int, concurrency: int
) -> None:
    result = run(entries, CrawlLimits(page_size=page_size, concurrency=concurrency))
    assert {e["id"] for e in result.entries} == reachable(entries, page_size, HINTS)
    assert result.total == len(entries)
    assert result.captured + result.beyond_reach + result.undiscovered == result.total
    assert result.stopped_by is None
    assert result.complete == (result.captured == len(entries))


@settings(max_examples=100, deadline=None)
@given(logs(), st.integers(1, 4))
def test_entries_come_newest_first_exactly_as_served(
    entries: list[AuditEntry], page_size: int
) -> None:
    result = run(entries, CrawlLimits(page_size=page_size))
    by_id = {e.id: e.to_dict() for e in entries}
    assert result.entries == [by_id[e["id"]] for e in result.entries]
    keys: list[Any] = [(e["timestamp"], e["id"]) for e in result.entries]
    assert keys == sorted(keys, reverse=True)


@settings(max_examples=100, deadline=None)
@given(logs(), st.integers(1, 10), st.integers(1, 10))
def test_limits_stop_the_crawl_early_or_not_at_all(
    entries: list[AuditEntry], max_entries: int, max_requests: int
) -> None:
    everything = reachable(entries, 2, HINTS)
    by_entries = run(entries, CrawlLimits(page_size=2, max_entries=max_entries))
    if by_entries.stopped_by is None:
        assert {e["id"] for e in by_entries.entries} == everything
        assert by_entries.captured < max_entries
    else:
        assert by_entries.stopped_by == "max-entries"
        assert by_entries.captured == max_entries
    by_requests = run(entries, CrawlLimits(page_size=2, max_requests=max_requests))
    assert by_requests.requests <= max_requests
    if by_requests.stopped_by is None:
        assert {e["id"] for e in by_requests.entries} == everything
    else:
        assert by_requests.stopped_by == "max-requests"
        assert by_requests.requests == max_requests


def test_a_hidden_pair_is_found_through_the_totals() -> None:
    # Pages of 2. hidden.a and u2 both have more entries than a page, and their one
    # shared entry ("old") is on neither page: only the totals tell that it exists.
    rows = [
        ("old", "hidden.a", "u2", 0),
        *((f"u1-{i}", "hidden.a", "u1", 10 + i) for i in range(3)),
        *((f"u2-{i}", "entity.created", "u2", 20 + i) for i in range(3)),
        ("newest", "hidden.a", "u3", 30),
    ]
    entries = [AuditEntry(id, action, user, None, {}, ts) for id, action, user, ts in rows]
    result = run(entries, CrawlLimits(page_size=2))
    assert "old" in {e["id"] for e in result.entries}
    assert result.undiscovered == 0
    assert result.beyond_reach == 2  # the oldest of u1's and of u2's three entries
