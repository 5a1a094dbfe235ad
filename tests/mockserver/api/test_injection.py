"""Each fault kind as a real client meets it: aiohttp against a server on a real socket.

A truncated body and a reset must look like a broken server, not like a mock: the
client's own errors for those (`ClientPayloadError`, a connection reset) are the test.
"""

from __future__ import annotations

import errno
import json
import time
from collections.abc import Iterator
from functools import partial
from typing import Any

import aiohttp
import pytest

from mockserver import Config, MockApi, ThreadedServer, create_app
from mockserver.api.injection import SLOW_CHUNKS
from mockserver.domain.events import fork_world
from mockserver.domain.models import World
from tests.conftest import SMALL

AUDIT_LOG = "/api/v1/audit-log"


@pytest.fixture(scope="module")
def mock_api(small_world: World) -> Iterator[MockApi]:
    app = create_app(Config(world=SMALL), world_factory=partial(fork_world, small_world))
    with ThreadedServer(app) as server:
        yield MockApi(server.url)


@pytest.fixture
def api(mock_api: MockApi) -> Iterator[MockApi]:
    yield mock_api
    mock_api.reset()


async def get(
    mock_api: MockApi, *, timeout: aiohttp.ClientTimeout | None = None
) -> tuple[aiohttp.ClientResponse, bytes]:
    headers = {"Authorization": f"Bearer {mock_api.admin_key}"}
    async with (
        aiohttp.ClientSession(headers=headers, timeout=timeout) as session,
        session.get(mock_api.url + AUDIT_LOG, params={"limit": "20"}) as response,
    ):
        return response, await response.read()


def journaled(mock_api: MockApi) -> list[tuple[int | None, bool, str | None]]:
    return [(r.status, r.faulted, r.fault) for r in mock_api.requests]


async def test_a_truncated_body_ends_mid_json_and_the_connection_with_it(api: MockApi) -> None:
    api.add_fault(AUDIT_LOG, "truncated")
    with pytest.raises(aiohttp.ClientPayloadError):
        await get(api)
    assert journaled(api) == [(200, True, "truncated")]
    _, whole = await get(api)
    assert json.loads(whole)["data"], "the next request is served whole"


async def test_a_malformed_body_arrives_whole_and_is_not_json(api: MockApi) -> None:
    api.add_fault(AUDIT_LOG, "malformed")
    response, body = await get(api)
    assert response.status == 200
    assert response.content_type == "application/json"
    assert int(response.headers["Content-Length"]) == len(body)
    with pytest.raises(ValueError):
        json.loads(body)
    _, whole = await get(api)
    assert whole.startswith(body), "the first half of the real answer"
    assert journaled(api)[0] == (200, True, "malformed")


async def test_a_slow_body_trickles_over_its_time(api: MockApi) -> None:
    api.add_fault(AUDIT_LOG, "slow", slow_ms=500)
    started = time.perf_counter()
    response, body = await get(api)
    assert time.perf_counter() - started >= 0.5
    assert response.status == 200
    assert json.loads(body)["data"]
    assert journaled(api) == [(200, True, "slow")]


async def test_a_slow_body_trips_a_read_timeout(api: MockApi) -> None:
    api.add_fault(AUDIT_LOG, "slow", slow_ms=SLOW_CHUNKS * 300)
    with pytest.raises(TimeoutError):
        await get(api, timeout=aiohttp.ClientTimeout(sock_read=0.1))


# aiohttp sends an idempotent request once more when its connection breaks before an
# answer (RFC 9112, 9.3.1): two faults make it give up, as against a broken server.
async def test_a_reset_is_a_connection_reset_by_peer(api: MockApi) -> None:
    api.add_fault(AUDIT_LOG, "reset", count=2)
    with pytest.raises(aiohttp.ClientOSError) as raised:
        await get(api)
    assert raised.value.errno == errno.ECONNRESET
    assert journaled(api) == [(None, True, "reset")] * 2


async def test_a_drop_is_a_closed_connection_without_an_answer(api: MockApi) -> None:
    api.fail_next(AUDIT_LOG, drop=True, count=2)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await get(api)
    assert journaled(api) == [(None, True, "drop")] * 2


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ({"status": 503}, (503, True, "status")),
        ({"status": None, "delay_ms": 50}, (200, True, "delay")),
    ],
)
async def test_statuses_and_delays_are_journaled_with_their_kind(
    api: MockApi, fault: dict[str, Any], expected: tuple[int, bool, str]
) -> None:
    api.fail_next(AUDIT_LOG, **fault)
    await get(api)
    await get(api)
    assert journaled(api) == [expected, (200, False, None)]


def test_each_new_kind_is_listed_with_its_settings(api: MockApi) -> None:
    api.add_fault(AUDIT_LOG, "slow", slow_ms=700, count=2)
    api.add_fault(AUDIT_LOG, "reset", delay_ms=10)
    listed = [
        {k: v for k, v in fault.items() if k not in ("id", "method", "path")}
        for fault in api.faults
    ]
    assert listed == [
        {"remaining": 2, "kind": "slow", "drop": False, "slowMs": 700},
        {"remaining": 1, "kind": "reset", "drop": False, "delayMs": 10},
    ]
