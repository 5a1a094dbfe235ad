"""Discovery: the reference windows read from a small in-process fake of the API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from contracts.client import Client
from contracts.discovery import MAX_VALUES_PER_FILTER, discover
from contracts.model import MAX_LIMIT, Query
from contracts.outcome import Violation
from contracts.settings import Settings
from mockserver import ThreadedServer

KEY = "fake-admin-key"


@dataclass
class FakeLog:
    """An audit log answered the documented way, remembering every query string it was asked."""

    entries: list[dict[str, Any]]
    status: int = 200
    asked: list[str] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        self.asked.append(request.query_string)
        if self.status != 200:
            return web.Response(status=self.status, text="down")
        query = request.query
        matching = [
            e
            for e in self.entries
            if query.get("action", e["action"]) == e["action"]
            and query.get("userId", e["userId"]) == e["userId"]
            and e["timestamp"] > int(query.get("since", -1))
        ]
        matching.sort(key=lambda e: (e["timestamp"], e["id"]), reverse=True)
        shown = matching[: int(query.get("limit", 50))]
        body = {"data": shown, "total": len(matching), "hasMore": len(matching) > len(shown)}
        return web.json_response(body)


def entry(n: int, action: str, user: str, timestamp: int) -> dict[str, Any]:
    return {
        "id": f"e{n:04d}",
        "action": action,
        "userId": user,
        "entityId": None,
        "metadata": {},
        "timestamp": timestamp,
    }


@contextmanager
def serving(log: FakeLog) -> Iterator[Client]:
    app = web.Application()
    app.router.add_get("/api/v1/audit-log", log.handle)
    with ThreadedServer(app) as server:
        client = Client(Settings(base_url=server.url, admin_key=KEY, member_key="m", seed=1))
        try:
            yield client
        finally:
            client.close()


# 300 entries: more than one window shows. Action "a.0" is the busiest, then "a.1"...;
# timestamps run from 1 to 150, two entries each, so the newest millisecond holds two.
LOG = [entry(n, f"a.{n % 3 if n % 2 else 0}", f"u{n % 4}", n // 2 + 1) for n in range(300)]


def test_the_windows_are_the_newest_page_then_one_per_action_and_per_user() -> None:
    fake = FakeLog(LOG)
    with serving(fake) as client:
        data = discover(client)
    newest_actions = ["action=a.0&limit=200", "action=a.1&limit=200", "action=a.2&limit=200"]
    assert fake.asked[0] == "limit=200"
    assert sorted(fake.asked[1:4]) == newest_actions
    assert sorted(fake.asked[4:]) == [f"userId=u{n}&limit=200" for n in range(4)]
    assert [w.query for w in data.windows][:2] == [
        Query(limit=MAX_LIMIT),
        Query(action="a.0", limit=MAX_LIMIT),
    ]
    assert data.first.total == len(LOG)


def test_the_newest_millisecond_is_set_aside_as_still_arriving() -> None:
    with serving(FakeLog(LOG)) as client:
        data = discover(client)
    newest = max(e["timestamp"] for e in LOG)
    assert len(data.first.entries) == MAX_LIMIT
    assert {w.horizon for w in data.windows} == {newest - 1}
    assert all(e["timestamp"] < newest for w in data.windows for e in w.entries)
    assert data.newest.page.total == len(LOG) - 2


def test_the_values_seen_are_those_of_every_window_once() -> None:
    with serving(FakeLog(LOG)) as client:
        data = discover(client)
    seen = list(data.entries())
    assert len(seen) == len({e["id"] for e in seen})
    assert data.actions == ("a.0", "a.1", "a.2")
    assert data.users == ("u0", "u1", "u2", "u3")
    assert data.timestamps == tuple(sorted({e["timestamp"] for e in seen}))
    # The per-value windows reach past the newest page: older entries are seen too.
    assert min(data.timestamps) < min(e["timestamp"] for e in data.newest.entries)


def test_a_query_is_compared_with_the_windows_it_narrows_down() -> None:
    with serving(FakeLog(LOG)) as client:
        data = discover(client)
    references = data.references(Query(action="a.1", since=10))
    assert [w.query for w in references] == [
        Query(limit=MAX_LIMIT),
        Query(action="a.1", limit=MAX_LIMIT),
    ]


def test_at_most_so_many_values_of_each_filter_get_a_window() -> None:
    many = [entry(n, f"a.{n}", f"u{n}", n + 1) for n in range(MAX_VALUES_PER_FILTER + 5)]
    fake = FakeLog(many)
    with serving(fake) as client:
        data = discover(client)
    assert len(fake.asked) == len(data.windows) == 1 + 2 * MAX_VALUES_PER_FILTER


def test_an_empty_log_is_read_as_empty() -> None:
    fake = FakeLog([])
    with serving(fake) as client:
        data = discover(client)
    assert data.empty
    assert fake.asked == ["limit=200"]
    assert data.newest.horizon is None


def test_a_newest_page_that_cannot_be_read_is_a_violation() -> None:
    with serving(FakeLog(LOG, status=500)) as client, pytest.raises(Violation) as raised:
        discover(client)
    assert raised.value.got.startswith("500")
