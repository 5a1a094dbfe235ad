"""Replicas: several servers started with one seed, as behind a load balancer.

They must answer every request alike, status, headers and body, whichever replica a
request reaches; and the control API's state (clock, events, faults, journal) is each
replica's own, so a test drives one replica, never the balancer.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.config import WorldConfig
from mockserver.domain.ids import api_key
from mockserver.generate.world import ACTIONS
from tests.processes.commands import mockserver

SEED = 23
PROJECTS = 2
REPLICAS = 3
WORLD = (
    *("--seed", str(SEED), "--entries", "4000", "--projects", str(PROJECTS)),
    # The clock of each replica would otherwise be its own machine's: frozen, `Age` and
    # `Cache-Control` of the project counts are the same everywhere.
    *("--clock", "frozen:2025-01-01T00:00:00Z"),
)
# Set by the HTTP server from the machine's clock, not by the mock.
MACHINE_HEADERS = {"Date"}

Answer = tuple[int, list[tuple[str, str]], bytes]


@contextmanager
def replica(hash_seed: str) -> Iterator[tuple[str, int]]:
    """A `mockserver` process of the shared world on a free port: its host and port."""
    with mockserver(*WORLD, hash_seed=hash_seed) as (_, address):
        url = urlsplit(address)
        assert url.hostname is not None and url.port is not None
        yield url.hostname, url.port


@pytest.fixture(scope="module")
def replicas() -> Iterator[list[http.client.HTTPConnection]]:
    """A kept-alive connection to each of the replicas."""
    with ExitStack() as stack:
        addresses = [stack.enter_context(replica(str(n))) for n in range(REPLICAS)]
        connections = [
            http.client.HTTPConnection(host, port, timeout=10) for host, port in addresses
        ]
        for connection in connections:
            stack.callback(connection.close)
        yield connections


def ask(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes | None = None,
) -> Answer:
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    payload = response.read()
    kept = [(name, value) for name, value in response.getheaders() if name not in MACHINE_HEADERS]
    return response.status, kept, payload


def keys() -> list[str]:
    found = [
        api_key(SEED, index, role) for index in range(PROJECTS) for role in ("admin", "member")
    ]
    return [*found, "alk_a_" + "0" * 32, ""]


def _query(params: dict[str, Any]) -> str:
    return urlencode([(name, value) for name, values in params.items() for value in values])


# Every parameter, valid or not, given once or twice, on both endpoints and others.
VALUES = {
    "action": st.sampled_from([*ACTIONS, "x", "", "ENTITY.CREATED"]),
    "userId": st.sampled_from(["system", "usr_1", "", "x" * 101]),
    "since": st.one_of(
        st.integers(WorldConfig().world_end_ms - 90 * 86_400_000, WorldConfig().world_end_ms),
        st.sampled_from(["-1", "soon", "9" * 30]),
    ),
    "limit": st.one_of(st.integers(-1, 202), st.sampled_from(["ten", "1.5"])),
    "other": st.just("1"),
}
QUERIES = st.dictionaries(
    st.sampled_from(sorted(VALUES)),
    st.just(None),
).flatmap(
    lambda chosen: st.fixed_dictionaries(
        {name: st.lists(VALUES[name], min_size=1, max_size=2) for name in chosen}
    )
)
REQUESTS = st.tuples(
    st.sampled_from(["GET", "GET", "GET", "HEAD", "POST"]),
    st.sampled_from(["/api/v1/audit-log", "/api/v1/audit-log", "/api/v1/project", "/nowhere"]),
    QUERIES,
    st.sampled_from(keys()),
)


@settings(max_examples=300, deadline=None)
@given(request=REQUESTS)
def test_replicas_of_one_seed_answer_every_request_alike(
    replicas: list[http.client.HTTPConnection], request: tuple[str, str, dict[str, Any], str]
) -> None:
    method, path, params, key = request
    query = _query(params)
    target = f"{path}?{query}" if query else path
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    first, *others = (ask(connection, method, target, headers) for connection in replicas)
    for other in others:
        assert other == first, f"{method} {target}"


def test_replicas_serve_full_pages_alike(replicas: list[http.client.HTTPConnection]) -> None:
    """The property above must also cover the pages that carry entries."""
    admin = {"Authorization": f"Bearer {api_key(SEED, 0, 'admin')}"}
    answers = [ask(c, "GET", "/api/v1/audit-log?limit=200", admin) for c in replicas]
    assert answers[0][0] == 200 and len(json.loads(answers[0][2])["data"]) == 200
    assert all(answer == answers[0] for answer in answers)


def test_the_control_api_state_belongs_to_one_replica(
    replicas: list[http.client.HTTPConnection],
) -> None:
    """An event added or a fault set on one replica stays on it; so does its reset."""
    one, two, *_ = replicas
    admin = {"Authorization": f"Bearer {api_key(SEED, 0, 'admin')}"}
    page = "/api/v1/audit-log?limit=5"
    event = {"events": [{"action": "entity.created", "userId": "usr_1", "entityId": "ent_r"}]}
    fault = {"path": "/api/v1/project", "status": 503}
    as_json = {"Content-Type": "application/json"}
    try:
        assert ask(one, "POST", "/__mock/events", as_json, json.dumps(event).encode())[0] == 201
        assert ask(one, "GET", page, admin) != ask(two, "GET", page, admin)
        assert ask(one, "POST", "/__mock/faults", as_json, json.dumps(fault).encode())[0] == 201
        assert ask(two, "GET", "/api/v1/project", admin)[0] == 200
        assert ask(one, "GET", "/api/v1/project", admin)[0] == 503
    finally:
        assert ask(one, "POST", "/__mock/reset", {})[0] == 200
    assert ask(one, "GET", page, admin) == ask(two, "GET", page, admin)
