"""Nothing a control request sends can crash the server or corrupt the world."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver import Config, ThreadedServer, create_app
from mockserver.domain.events import fork_world
from mockserver.domain.models import Role, World
from tests.conftest import SMALL, key_of

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    # Escapes of lone surrogates are valid JSON, but no UTF-8 text can hold them.
    | st.sampled_from(["\ud800", "x\udcff", "é"])
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


def near(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with the right keys and any values: the bodies that get furthest in."""
    return st.dictionaries(st.sampled_from(keys), JSON, max_size=len(keys))


EVENT = near(["action", "userId", "entityId", "metadata", "timestamp", "id"])
BODIES = {
    "events": JSON
    | st.fixed_dictionaries({"events": st.lists(EVENT, max_size=3)}, optional={"project": JSON}),
    "clock": JSON | near(["freeze", "real", "set", "advance"]),
    "faults": JSON
    | near(
        ["path", "method", "count", "status", "retryAfter", "delayMs", "drop", "kind", "slowMs"]
    ),
}


DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(scope="module")
def served(small_world: World) -> Iterator[tuple[str, str]]:
    app = create_app(Config(world=SMALL), world_factory=partial(fork_world, small_world))
    with ThreadedServer(app) as server:
        yield server.url, key_of(small_world, 0, Role.ADMIN)


def send(
    url: str, method: str, data: bytes | None = None, key: str | None = None
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if data is not None:
        # The control API takes bodies in JSON only, whatever bytes they hold.
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with DIRECT.open(request, timeout=10) as response:
            body = response.read()
            return response.status, json.loads(body) if body else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_any_body_gets_an_answer_and_the_api_keeps_its_promises(
    served: tuple[str, str], data: st.DataObject
) -> None:
    url, key = served
    endpoint = data.draw(st.sampled_from(sorted(BODIES)))
    if data.draw(st.booleans()):
        raw = json.dumps(data.draw(BODIES[endpoint])).encode()
    else:
        raw = data.draw(st.binary(max_size=40))
    status, answer = send(f"{url}/__mock/{endpoint}", "POST", raw)
    assert status in (200, 201, 400), answer
    if status == 400:
        assert set(answer["error"]) == {"code", "message"}
        assert answer["error"]["code"] == "invalid_body"

    send(f"{url}/__mock/faults", "DELETE")  # a fault just added would answer for the API
    status, page = send(f"{url}/api/v1/audit-log?limit=200", "GET", key=key)
    assert status == 200
    order = [(entry["timestamp"], entry["id"]) for entry in page["data"]]
    assert order == sorted(order, reverse=True)
    assert len({entry["id"] for entry in page["data"]}) == len(page["data"])
    assert all(isinstance(entry["timestamp"], int) for entry in page["data"])
    status, _ = send(f"{url}/api/v1/project", "GET", key=key)
    assert status == 200


def test_bytes_that_are_no_utf8_are_journaled_and_the_journal_still_served(
    served: tuple[str, str],
) -> None:
    url, _ = served
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            b"GET /api/v1/%ED%A0%80?q=%ff%fe HTTP/1.1\r\nHost: x\r\n"
            b"X-Odd: \xff\xfe\r\nConnection: close\r\n\r\n"
        )
        assert connection.recv(64).startswith(b"HTTP/1.1 404")
    status, journal = send(f"{url}/__mock/requests", "GET")
    assert status == 200
    odd = journal["data"][-1]
    assert odd["status"] == 404
    assert "\ufffd" in odd["headers"]["X-Odd"]
    assert (send(f"{url}/__mock/coverage", "GET"))[0] == 200
