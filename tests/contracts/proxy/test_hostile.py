"""Hostile traffic through the proxy gets what it gets without the proxy, and the proxy
keeps serving: huge headers, bad percent-encoding, invalid HTTP, clients that go away."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import requests

from mockserver.domain.models import World
from tests.contracts.harness import serving
from tests.contracts.proxy import raw
from tests.contracts.proxy.running import AUDIT_LOG, PROJECT, Proxied, proxy_for
from tests.contracts.variants import Keys


@pytest.fixture(scope="module")
def both(contract_world: World) -> Iterator[tuple[str, Proxied]]:
    """The mock's own URL, and a proxy in front of it."""
    with serving(contract_world) as target, proxy_for(target) as proxied:
        yield target, proxied


def answers(both: tuple[str, Proxied], data: bytes) -> tuple[bytes, bytes]:
    target, proxied = both
    return raw.exchange(target, data), raw.exchange(proxied.url, data)


def body(answer: bytes) -> bytes:
    return answer.split(b"\r\n\r\n", 1)[-1]


def still_serving(proxied: Proxied, keys: Keys) -> None:
    headers = {"Authorization": f"Bearer {keys.admin[0]}"}
    assert requests.get(proxied.url + PROJECT, headers=headers, timeout=5).status_code == 200


@pytest.mark.parametrize(
    "query",
    ["action=%zz", "limit=%FF", "userId=%C0%AF", "action=%00", "since=%", "limit=%2", "a=%E2%82"],
)
def test_bad_percent_encoding_gets_the_targets_answer(
    both: tuple[str, Proxied], contract_keys: Keys, query: str
) -> None:
    request = raw.get(f"{AUDIT_LOG}?{query}", f"Authorization: Bearer {contract_keys.admin[0]}")
    direct, through = answers(both, request)
    assert raw.status_of(through) == raw.status_of(direct)
    assert body(through) == body(direct)


@pytest.mark.parametrize("size", [4_000, 12_000, 20_000, 200_000])
def test_huge_headers_get_the_targets_answer_or_a_400(
    both: tuple[str, Proxied], contract_keys: Keys, size: int
) -> None:
    request = raw.get(
        PROJECT, f"Authorization: Bearer {contract_keys.admin[0]}", "X-Big: " + "b" * size
    )
    direct, through = answers(both, request)
    assert raw.status_of(direct) in (200, 400)
    assert raw.status_of(through) == raw.status_of(direct)
    still_serving(both[1], contract_keys)


@pytest.mark.parametrize(
    "data",
    [
        b"GET /api/v1/project HTTP/9.9\r\nHost: x\r\n\r\n",
        b"\x00\x01\x02 garbage\r\n\r\n",
        b"GET /api/v1/\x00project HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /api/v1/project HTTP/1.1\r\nBad Header\r\n\r\n",
        b"GET " + b"/" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /api/v1/project HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    ],
)
def test_invalid_http_is_refused_as_without_the_proxy(
    both: tuple[str, Proxied], contract_keys: Keys, data: bytes
) -> None:
    direct, through = answers(both, data)
    assert raw.status_of(direct) == 400
    assert raw.status_of(through) == 400
    still_serving(both[1], contract_keys)


def test_a_client_that_goes_away_mid_body_leaves_the_proxy_serving(
    both: tuple[str, Proxied], contract_keys: Keys
) -> None:
    proxied = both[1]
    auth = f"Authorization: Bearer {contract_keys.admin[0]}"
    for _ in range(5):
        with socket.create_connection(raw.address(proxied.url), timeout=5) as sock:
            sock.sendall(
                f"POST {AUDIT_LOG} HTTP/1.1\r\nHost: x\r\n{auth}\r\nContent-Length: 1000\r\n"
                "\r\nonly a part".encode()
            )
        with socket.create_connection(raw.address(proxied.url), timeout=5) as sock:
            sock.sendall(raw.get(f"{AUDIT_LOG}?limit=200", auth))
            sock.recv(100)  # the start of the answer, then gone
    still_serving(proxied, contract_keys)
