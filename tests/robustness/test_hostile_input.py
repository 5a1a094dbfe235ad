"""Hostile and malformed requests: a clear 4xx, the server keeps serving, the world is unchanged."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver import ThreadedServer
from mockserver.api.keys import state_key
from mockserver.serving.server import MAX_HEADER_BYTES, MAX_REQUEST_LINE_BYTES

from .conftest import body_of, exchange, request, status_of

AUDIT = b"/api/v1/audit-log"


def assert_json_error(response: bytes, status: int, code: str) -> None:
    assert status_of(response) == status, response[:300]
    assert b"Content-Type: application/json" in response.split(b"\r\n\r\n")[0]
    assert json.loads(body_of(response))["error"]["code"] == code


def still_serving(server: ThreadedServer, key: str) -> None:
    response = exchange(server, request(AUDIT + b"?limit=1", key))
    assert status_of(response) == 200


@pytest.mark.parametrize(
    "query",
    [
        "limit=1e3",
        "since=0x10",
        "limit=",
        "limit=%20",
        "limit=%201",
        "since=%09",
        "since=" + "9" * 10_000,
        "limit=" + "1" * 10_000,
        "action=",
        "userId=",
        "limit=1%00",
        "since=%EF%BC%95",
        "limit=-0x1",
        "since=1.0",
    ],
)
def test_bad_values_get_a_json_400(server: ThreadedServer, admin_key: str, query: str) -> None:
    assert_json_error(
        exchange(server, request(AUDIT + b"?" + query.encode(), admin_key)),
        400,
        "invalid_parameter",
    )


@pytest.mark.parametrize(
    "query",
    ["action=%ZZ", "action=%", "action=%C0%AF", "action=%00", "userId=%FF%FE", "userId=%E2%82"],
)
def test_values_that_are_no_text_get_a_400_naming_the_parameter(
    server: ThreadedServer, admin_key: str, query: str
) -> None:
    """Not percent-encoding, not UTF-8 once decoded, or a control character: no value."""
    response = exchange(server, request(AUDIT + b"?" + query.encode(), admin_key))
    assert_json_error(response, 400, "invalid_parameter")
    name = query.partition("=")[0]
    assert json.loads(body_of(response))["error"]["message"].startswith(f"{name}: ")


@pytest.mark.parametrize("query", ["other=%ZZ", "x=%C0%AF", "p=%00"])
def test_unknown_parameters_are_ignored_whatever_they_hold(
    server: ThreadedServer, admin_key: str, query: str
) -> None:
    response = exchange(server, request(AUDIT + b"?limit=1&" + query.encode(), admin_key))
    assert status_of(response) == 200


def test_thousands_of_unknown_parameters_are_ignored(
    server: ThreadedServer, admin_key: str
) -> None:
    query = "&".join(f"p{i}=x" for i in range(2_000)).encode()
    assert status_of(exchange(server, request(AUDIT + b"?limit=1&" + query, admin_key))) == 200


def test_thousands_of_repeats_are_one_400(server: ThreadedServer, admin_key: str) -> None:
    query = b"&".join([b"limit=1"] * 2_000)
    assert_json_error(
        exchange(server, request(AUDIT + b"?" + query, admin_key)), 400, "invalid_parameter"
    )


def test_a_url_past_the_limit_gets_a_json_400(server: ThreadedServer, admin_key: str) -> None:
    target = AUDIT + b"?action=" + b"a" * (MAX_REQUEST_LINE_BYTES + 10)
    assert_json_error(exchange(server, request(target, admin_key)), 400, "bad_request")
    still_serving(server, admin_key)


def test_a_header_past_the_limit_gets_a_json_400(server: ThreadedServer, admin_key: str) -> None:
    big = b"X-Big: " + b"a" * (MAX_HEADER_BYTES + 10) + b"\r\n"
    assert_json_error(exchange(server, request(AUDIT, admin_key, big)), 400, "bad_request")
    still_serving(server, admin_key)


@pytest.mark.parametrize(
    "raw",
    [
        b"GET /api/v1/aud\x00it-log HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
        b"GET /api/v1/audit-log HTTP/1.1\r\nHost: t\r\nX-Nul: a\x00b\r\nConnection: close\r\n\r\n",
        b"GET /api/v1/audit-log HTTP/9.9\r\nHost: t\r\nConnection: close\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40,  # a TLS hello
        b"GARBAGE\r\n\r\n",
    ],
)
def test_unparsable_requests_get_a_json_400(
    server: ThreadedServer, admin_key: str, raw: bytes
) -> None:
    assert_json_error(exchange(server, raw), 400, "bad_request")
    still_serving(server, admin_key)


@pytest.mark.parametrize(
    "where", [b"Authorization: Bearer {key}\x00", b"X-Key: {key}" + b"a" * 20_000]
)
def test_a_malformed_request_never_echoes_a_key(
    server: ThreadedServer, admin_key: str, where: bytes
) -> None:
    line = where.replace(b"{key}", admin_key.encode())
    raw = b"GET /api/v1/project HTTP/1.1\r\nHost: t\r\n" + line + b"\r\n\r\n"
    response = exchange(server, raw)
    assert_json_error(response, 400, "bad_request")
    assert admin_key.encode() not in response


def test_overlong_utf8_in_the_authorization_header_is_a_401(
    server: ThreadedServer, admin_key: str
) -> None:
    extra = b"Authorization: Bearer \xc0\xaf" + admin_key.encode() + b"\r\n"
    response = exchange(server, request(AUDIT, None, extra))
    assert_json_error(response, 401, "unauthorized")


@settings(max_examples=100, deadline=None)
@given(
    name=st.sampled_from(["action", "userId", "since", "limit", "other"]),
    value=st.binary(max_size=300),
)
def test_any_bytes_as_a_value_get_json_and_never_a_5xx(
    server: ThreadedServer, admin_key: str, name: str, value: bytes
) -> None:
    target = AUDIT + b"?" + name.encode() + b"=" + quote(value, safe="").encode()
    response = exchange(server, request(target, admin_key))
    assert status_of(response) in (200, 400)
    json.loads(body_of(response))


def test_a_slow_client_does_not_block_others(server: ThreadedServer, admin_key: str) -> None:
    data = request(AUDIT + b"?limit=1", admin_key)
    result: list[bytes] = []

    def trickle() -> None:
        with socket.create_connection(("127.0.0.1", server.server.port), timeout=20) as sock:
            for byte in data:
                sock.send(bytes([byte]))
                time.sleep(0.005)
            result.append(sock.recv(65536))

    slow = threading.Thread(target=trickle)
    slow.start()
    time.sleep(0.05)
    for _ in range(5):
        still_serving(server, admin_key)
    assert slow.is_alive(), "the others were served while the slow request was still arriving"
    slow.join()
    assert status_of(result[0]) == 200


def test_a_client_that_disconnects_mid_response_does_no_harm(
    server: ThreadedServer, admin_key: str
) -> None:
    for _ in range(20):
        sock = socket.create_connection(("127.0.0.1", server.server.port))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        sock.sendall(request(AUDIT + b"?limit=200", admin_key))
        sock.recv(100)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.close()  # with linger 0: a reset, mid-response
    still_serving(server, admin_key)


def test_pipelined_requests_are_answered_in_order(server: ThreadedServer, admin_key: str) -> None:
    auth = b"Authorization: Bearer " + admin_key.encode() + b"\r\n"
    pipeline = (
        b"".join(
            b"GET " + target + b" HTTP/1.1\r\nHost: t\r\n" + auth + b"\r\n"
            for target in (AUDIT + b"?limit=1", b"/api/v1/project", AUDIT + b"?limit=0")
        )
        + b"GET /nope HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    )
    response = exchange(server, pipeline)
    statuses = [int(code) for code in re.findall(rb"HTTP/1\.1 (\d{3}) ", response)]
    assert statuses == [200, 200, 400, 404]


def test_the_world_is_unchanged_by_all_of_it(server: ThreadedServer, admin_key: str) -> None:
    world = server.server.app[state_key].world
    for project in world.projects:
        entries = list(project.log)
        assert len({e.id for e in entries}) == len(entries)
    before = exchange(server, request(AUDIT + b"?limit=200", admin_key))
    exchange(server, request(AUDIT + b"?limit=" + b"9" * 5000, admin_key))
    after = exchange(server, request(AUDIT + b"?limit=200", admin_key))
    assert body_of(before) == body_of(after)
