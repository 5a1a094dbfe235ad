"""Forwarding: what the client sends reaches the target unchanged, and what the target
answers, or how it breaks its answer, reaches the client unchanged."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest
import requests
from aiohttp import web
from multidict import CIMultiDict

from contracts.proxy.forward import forwarded_headers
from contracts.proxy.serving import Listen, ThreadedProxy
from mockserver import ThreadedServer
from tests.contracts.proxy import raw
from tests.contracts.proxy.echo import BIG_BODY, SEEN, SLOW_PAUSE_SECONDS, SLOW_PIECES, echo_app
from tests.contracts.proxy.running import Proxied, proxy_for


@pytest.fixture(scope="module")
def app() -> web.Application:
    return echo_app()


@pytest.fixture(scope="module")
def target(app: web.Application) -> Iterator[str]:
    with ThreadedServer(app) as server:
        yield server.url


@pytest.fixture
def proxied(target: str) -> Iterator[Proxied]:
    with proxy_for(target) as proxied:
        yield proxied


def echoed(answer: bytes) -> dict[str, object]:
    body = answer.split(b"\r\n\r\n", 1)[1]
    result: dict[str, object] = json.loads(body)
    return result


@pytest.mark.parametrize(
    "sent",
    [
        "/api/v1/audit-log?action=%zz&userId=%C0%AF&limit=%FF",
        "/api/v1/audit-log?a+b=c%20d&&=&flag&limit=1;limit=2",
        "/api/v1/audit-log?since=%2B1&since=%2b1&x=%7e~",
        "/some/other%2Fpath/..%2F?q=%00",
        "/api/v1/project",
    ],
)
def test_the_path_and_query_reach_the_target_byte_for_byte(proxied: Proxied, sent: str) -> None:
    answer = raw.exchange(proxied.url, raw.get(sent))
    assert echoed(answer)["raw_path"] == sent


def test_headers_pass_except_hop_by_hop_ones(proxied: Proxied, target: str) -> None:
    answer = raw.exchange(
        proxied.url,
        raw.get(
            "/x",
            "X-Tenant: a",
            "X-Tenant: b",
            "Authorization: Bearer secret-key-1",
            "X-Hop: gone",
            "Keep-Alive: timeout=5",
            "Proxy-Authorization: Basic eA==",
            "Connection: X-Hop",
        ),
    )
    headers = echoed(answer)["headers"]
    assert isinstance(headers, list)
    names = [name.lower() for name, _ in headers]
    assert [v for k, v in headers if k == "X-Tenant"] == ["a", "b"]
    assert ("Authorization", "Bearer secret-key-1") in [tuple(h) for h in headers]
    assert not {"x-hop", "keep-alive", "proxy-authorization"} & set(names)
    # Nothing the client did not send is added, but the Host of the target.
    assert set(names) <= {"x-tenant", "authorization", "host", "connection"}
    host = next(v for k, v in headers if k.lower() == "host")
    assert target.endswith(host)


def test_the_connection_options_headers_are_sent_on_every_request(target: str) -> None:
    listen = Listen(target=target, headers=(("X-Gateway-Key", "gw-secret"),), trust_env=False)
    with ThreadedProxy(listen, lambda _: None) as proxy:
        answer = raw.exchange(proxy.url, raw.get("/x", "X-Gateway-Key: the-clients"))
    headers = echoed(answer)["headers"]
    assert isinstance(headers, list)
    assert [v for k, v in headers if k == "X-Gateway-Key"] == ["gw-secret"]


def test_a_body_passes_as_sent(proxied: Proxied) -> None:
    sent = bytes(range(256)) * 40
    answer = requests.post(proxied.url + "/upload", data=sent, timeout=5)
    assert answer.json()["body"].encode("latin-1") == sent
    chunked = requests.put(proxied.url + "/upload", data=iter([b"ab", b"cd"]), timeout=5)
    assert chunked.json()["body"] == "abcd"
    assert chunked.json()["method"] == "PUT"


def test_status_reason_and_headers_come_back_unchanged(proxied: Proxied, target: str) -> None:
    direct = raw.exchange(target, raw.get("/teapot"))
    through = raw.exchange(proxied.url, raw.get("/teapot"))
    assert through.split(b"\r\n", 1)[0] == b"HTTP/1.1 418 I'm a teapot"

    def headers(answer: bytes) -> list[bytes]:
        lines = answer.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]
        return sorted(line for line in lines if not line.startswith(b"Date:"))

    assert headers(through) == headers(direct)
    assert b"Set-Cookie: a=1" in through and b"Set-Cookie: b=2" in through


def test_head_keeps_the_length_and_sends_no_body(proxied: Proxied, target: str) -> None:
    direct = raw.exchange(target, raw.get("/teapot", method="HEAD"))
    through = raw.exchange(proxied.url, raw.get("/teapot", method="HEAD"))
    assert through.endswith(b"\r\n\r\n")
    length = [line for line in through.split(b"\r\n") if line.startswith(b"Content-Length")]
    assert length and length == [
        line for line in direct.split(b"\r\n") if line.startswith(b"Content-Length")
    ]


def test_one_connection_carries_many_requests(proxied: Proxied) -> None:
    with requests.Session() as session:
        for index in range(20):
            assert session.get(f"{proxied.url}/n?{index}", timeout=5).json()["raw_path"] == (
                f"/n?{index}"
            )
    assert proxied.url  # the session kept one connection: requests reuses it by default


def test_an_answer_streams_as_the_target_sends_it(proxied: Proxied) -> None:
    started = time.monotonic()
    with requests.get(proxied.url + "/slow", stream=True, timeout=5) as answer:
        pieces = answer.iter_content(chunk_size=None)
        first = next(pieces)
        arrived = time.monotonic() - started
        rest = b"".join(pieces)
    assert first == SLOW_PIECES[0]
    assert arrived < SLOW_PAUSE_SECONDS, "the first piece waited for the whole body"
    assert first + rest == b"".join(SLOW_PIECES)


def test_a_large_answer_passes_whole_and_is_not_judged(proxied: Proxied) -> None:
    answer = requests.get(proxied.url + "/big", timeout=10)
    assert answer.content == BIG_BODY


def test_a_dropped_connection_is_dropped(proxied: Proxied, target: str) -> None:
    assert raw.exchange(target, raw.get("/drop")) == b""
    assert raw.exchange(proxied.url, raw.get("/drop")) == b""


def test_a_reset_connection_is_reset(proxied: Proxied) -> None:
    with socket.create_connection(raw.address(proxied.url), timeout=5) as sock:
        sock.sendall(raw.get("/reset"))
        with pytest.raises(ConnectionResetError):
            while sock.recv(65536):
                pass


def test_a_body_cut_short_is_cut_short(proxied: Proxied, target: str) -> None:
    direct = raw.exchange(target, raw.get("/truncated"))
    through = raw.exchange(proxied.url, raw.get("/truncated"))
    assert b"Content-Length: 100" in through
    assert through.split(b"\r\n\r\n", 1)[1] == direct.split(b"\r\n\r\n", 1)[1] == b"x" * 50


def test_the_proxy_sends_nothing_again_after_a_drop(proxied: Proxied, app: web.Application) -> None:
    before = app[SEEN].count("/drop?again")
    with requests.Session() as session:
        session.get(proxied.url + "/x", timeout=5)
        # A keep-alive connection toward the target, reused and then dropped: aiohttp
        # would send the request again on a new one, unless told not to.
        with pytest.raises(requests.ConnectionError):
            session.get(proxied.url + "/drop?again", timeout=5)
    assert app[SEEN].count("/drop?again") == before + 1


def test_an_unreachable_target_is_a_502() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with proxy_for(f"http://127.0.0.1:{port}") as proxied:
        answer = requests.get(proxied.url + "/api/v1/project", timeout=5)
    assert answer.status_code == 502
    assert "did not answer" in answer.text


def test_hop_by_hop_headers_named_by_connection_are_dropped() -> None:
    headers = CIMultiDict([("Connection", "close, X-A"), ("X-A", "1"), ("X-B", "2"), ("TE", "x")])
    assert list(forwarded_headers(headers).items()) == [("X-B", "2")]  # type: ignore[arg-type]
