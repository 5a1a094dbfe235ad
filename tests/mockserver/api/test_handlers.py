"""The handlers: query semantics over HTTP, and the rendering of a page as its JSON body.

Over HTTP, every generated query answers like a naive model of the world; without it,
the body built by hand from each entry's JSON is the one serializer's, byte for byte.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver import Config, ThreadedServer, create_app
from mockserver.api.handlers import page_body, render_page
from mockserver.domain.encoding import dumps
from mockserver.domain.models import AuditEntry, Role, World
from mockserver.store.audit_log import Page
from tests.conftest import TEST_WORLD, key_of


@pytest.fixture(scope="module")
def server(shared_world: World) -> Iterator[ThreadedServer]:
    with ThreadedServer(create_app(Config(world=TEST_WORLD), world=shared_world)) as running:
        yield running


def fetch(url: str, key: str) -> tuple[int, Any]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def naive(log: list[AuditEntry], params: dict[str, Any]) -> tuple[list[str], int]:
    matching = [
        e
        for e in log
        if e.action == params.get("action", e.action)
        and e.user_id == params.get("userId", e.user_id)
        and e.timestamp > params.get("since", -1)
    ]
    matching.sort(key=lambda e: (e.timestamp, e.id), reverse=True)
    return [e.id for e in matching[: params.get("limit", 50)]], len(matching)


@st.composite
def queries(draw: st.DrawFn, log: list[AuditEntry]) -> dict[str, Any]:
    actions = sorted({e.action for e in log})
    users = sorted({e.user_id for e in log})
    stamps = [e.timestamp for e in log]
    params: dict[str, Any] = {}
    if draw(st.booleans()):
        params["action"] = draw(st.sampled_from(actions) | st.sampled_from(["ENTITY.CREATED", "x"]))
    if draw(st.booleans()):
        params["userId"] = draw(st.sampled_from(users))
    if draw(st.booleans()):
        # Around real timestamps, where "strictly after" matters.
        params["since"] = draw(st.sampled_from(stamps)) + draw(st.integers(-1, 1))
    if draw(st.booleans()):
        params["limit"] = draw(st.integers(1, 200))
    return params


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_every_query_answers_like_the_naive_model(
    server: ThreadedServer, shared_world: World, data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(shared_world.projects) - 1))
    log = list(shared_world.projects[index].log)
    params = data.draw(queries(log))
    status, body = fetch(
        f"{server.url}/api/v1/audit-log?{urlencode(params)}",
        key_of(shared_world, index, Role.ADMIN),
    )
    expected_ids, total = naive(log, params)
    assert status == 200
    assert [e["id"] for e in body["data"]] == expected_ids
    assert body["total"] == total
    assert body["hasMore"] == (total > len(expected_ids))


def test_a_ten_thousand_digit_number_reaches_the_app_and_gets_json(
    server: ThreadedServer, shared_world: World
) -> None:
    status, body = fetch(
        f"{server.url}/api/v1/audit-log?since={'9' * 10_000}", key_of(shared_world, 0, Role.ADMIN)
    )
    assert status == 400
    assert body["error"]["code"] == "invalid_parameter"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
audit_entries = st.builds(
    AuditEntry,
    id=st.text(min_size=1),
    action=st.text(min_size=1),
    user_id=st.text(min_size=1),
    entity_id=st.none() | st.text(),
    metadata=st.dictionaries(st.text(), json_values, max_size=4),
    timestamp=st.integers(0, 2**53),
)


@st.composite
def pages(draw: st.DrawFn) -> Page[AuditEntry]:
    entries = draw(st.lists(audit_entries, max_size=5))
    return Page(entries, len(entries) + draw(st.integers(0, 10**6)))


@given(pages())
def test_a_rendered_page_is_the_one_serializers_json_of_the_page(page: Page[AuditEntry]) -> None:
    expected = {
        "data": [entry.to_dict() for entry in page.entries],
        "total": page.total,
        "hasMore": page.total > len(page.entries),
    }
    assert render_page(page) == dumps(expected).encode()
    assert json.loads(render_page(page)) == expected


@given(pages())
def test_a_page_is_rendered_once_then_kept_with_it(page: Page[AuditEntry]) -> None:
    first = page_body(page)
    assert page.rendered is first
    assert page_body(page) is first


def test_a_page_already_rendered_is_served_as_kept() -> None:
    page: Page[AuditEntry] = Page([], 0, rendered=b"kept")
    assert page_body(page) == b"kept"
