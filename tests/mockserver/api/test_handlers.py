"""Query semantics over HTTP: every generated query answers like a naive model of the world."""

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
from mockserver.domain.models import AuditEntry, Role, World
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
