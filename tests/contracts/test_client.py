"""The suite's HTTP client: requests as values, sent as encoded, and keys shown as variables."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from urllib.parse import parse_qsl

import pytest
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st

from contracts.client import Auth, Client, Request, Response, Unreachable
from contracts.outcome import Inconclusive
from contracts.settings import Connection, Role, Settings
from mockserver import ThreadedServer
from tests.gateway import ForwardProxy, proxied

ADMIN_KEY = "alk_a_0123456789abcdef"
MEMBER_KEY = "alk_m_0123456789abcdef"


async def echo(request: web.Request) -> web.Response:
    """What the server received: the raw target and the headers that matter here."""
    seen = {
        "method": request.method,
        "target": request.raw_path,
        "authorization": request.headers.get("Authorization"),
        "accept": request.headers.get("Accept"),
    }
    return web.json_response(seen)


async def redirect(request: web.Request) -> web.Response:
    raise web.HTTPFound("/elsewhere")


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    app = web.Application()
    app.router.add_route("*", "/echo", echo)
    app.router.add_get("/redirect", redirect)
    with ThreadedServer(app) as server:
        yield server.url


def client_for(url: str) -> Client:
    return Client(Settings(base_url=url, admin_key=ADMIN_KEY, member_key=MEMBER_KEY, seed=1))


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


params = st.lists(st.tuples(st.text(min_size=1), st.text()), max_size=4)


@given(params)
def test_the_target_encodes_every_parameter_so_it_reads_back_the_same(
    pairs: list[tuple[str, str]],
) -> None:
    target = Request("GET", "/api/v1/audit-log", tuple(pairs), Auth.none()).target
    path, _, query = target.partition("?")
    assert path == "/api/v1/audit-log"
    assert parse_qsl(query, keep_blank_values=True) == pairs
    assert (query != "") == bool(pairs)


def test_a_raw_query_is_sent_verbatim_instead_of_the_parameters() -> None:
    request = Request("GET", "/p", (("limit", "1"),), Auth.none(), raw_query="since=%zz&a=%")
    assert request.target == "/p?since=%zz&a=%"
    assert Request("GET", "/p", (), Auth.none()).target == "/p"


def test_headers_are_read_whatever_their_case() -> None:
    response = Response(200, {"content-TYPE": "Application/JSON; charset=utf-8"}, b"{}")
    assert response.header("Content-Type") == "Application/JSON; charset=utf-8"
    assert response.media_type == "application/json"
    assert response.header("Allow") is None
    assert Response(200, {}, b"").media_type == ""


def test_the_body_reads_as_json_or_raises_value_error() -> None:
    assert Response(200, {}, b'{"a": [1]}').json() == {"a": [1]}
    with pytest.raises(ValueError):
        Response(200, {}, b"<html>").json()


@given(st.text(max_size=400), st.integers(1, 350))
def test_an_excerpt_is_the_body_cut_at_its_limit(text: str, limit: int) -> None:
    excerpt = Response(200, {}, text.encode()).excerpt(limit)
    assert excerpt == (text if len(text) <= limit else text[:limit] + "…")


def test_a_bearer_sends_the_key_and_shows_its_variable() -> None:
    auth = client_for("http://127.0.0.1:1").bearer(Role.MEMBER)
    assert auth.value == f"Bearer {MEMBER_KEY}"
    assert auth.shown == "Bearer $CONTRACT_MEMBER_KEY"


def test_a_role_without_a_key_cannot_be_used() -> None:
    with pytest.raises(LookupError, match="OTHER_ADMIN"):
        client_for("http://127.0.0.1:1").bearer(Role.OTHER_ADMIN)


def test_a_literal_credential_holds_no_key_and_is_shown_as_it_is() -> None:
    assert Auth.literal("Basic Zm9vOmJhcg==") == Auth("Basic Zm9vOmJhcg==", "Basic Zm9vOmJhcg==")
    assert Auth.none() == Auth(None, None)


def test_send_records_the_request_and_the_answer(echo_url: str) -> None:
    client = client_for(echo_url)
    exchange = client.get("/echo", [("action", "a b&c")])
    client.close()
    seen = json.loads(exchange.response.body)
    assert exchange.base_url == echo_url
    assert exchange.request.target == seen["target"] == "/echo?action=a%20b%26c"
    assert seen["authorization"] == f"Bearer {ADMIN_KEY}"
    assert seen["accept"] == "application/json"
    assert exchange.request.auth.shown == "Bearer $CONTRACT_ADMIN_KEY"
    assert exchange.response.status == 200
    assert exchange.response.media_type == "application/json"


def test_no_credential_sends_no_authorization_header(echo_url: str) -> None:
    client = client_for(echo_url)
    exchange = client.send("DELETE", "/echo", auth=Auth.none())
    client.close()
    seen = json.loads(exchange.response.body)
    assert (seen["method"], seen["authorization"]) == ("DELETE", None)


@pytest.mark.parametrize("raw", ["action=%FF", "userId=%C0%AF&limit", "limit=1;limit=2", "&&&"])
def test_a_raw_query_reaches_the_server_as_written(echo_url: str, raw: str) -> None:
    client = client_for(echo_url)
    exchange = client.send("GET", "/echo", raw_query=raw)
    client.close()
    assert json.loads(exchange.response.body)["target"] == exchange.request.target == f"/echo?{raw}"


def test_an_invalid_percent_escape_reaches_the_server_as_written(echo_url: str) -> None:
    client = client_for(echo_url)
    exchange = client.send("GET", "/echo", raw_query="since=%zz")
    client.close()
    assert json.loads(exchange.response.body)["target"] == "/echo?since=%zz"


def test_redirects_are_reported_not_followed(echo_url: str) -> None:
    client = client_for(echo_url)
    response = client.get("/redirect").response
    client.close()
    assert response.status == 302
    assert response.header("Location") == "/elsewhere"


def test_a_server_that_does_not_answer_is_unreachable_with_the_reason() -> None:
    client = client_for(f"http://127.0.0.1:{closed_port()}")
    with pytest.raises(Unreachable, match=r"GET http://127\.0\.0\.1:\d+/p: .*[Rr]efused"):
        client.get("/p")
    client.close()


async def headers_seen(request: web.Request) -> web.Response:
    return web.json_response({"target": request.raw_path, "headers": dict(request.headers)})


async def unavailable(request: web.Request) -> web.Response:
    return web.json_response({"error": "later"}, status=503)


@pytest.fixture(scope="module")
def gateway_like_url() -> Iterator[str]:
    """A server that answers only under a path prefix, as a gateway does."""
    app = web.Application()
    app.router.add_get("/gw/echo", headers_seen)
    app.router.add_get("/gw/unavailable", unavailable)
    with ThreadedServer(app) as server:
        yield server.url


def connected(url: str, **connection: object) -> Client:
    return Client(
        Settings(
            base_url=url,
            admin_key=ADMIN_KEY,
            member_key=MEMBER_KEY,
            seed=1,
            connection=Connection(**connection),  # type: ignore[arg-type]
        )
    )


def test_a_base_url_with_a_path_prefix_prefixes_every_target_as_written(
    gateway_like_url: str,
) -> None:
    client = connected(gateway_like_url + "/gw")
    exchange = client.send("GET", "/echo", raw_query="since=%zz&x=%2f")
    client.close()
    assert json.loads(exchange.response.body)["target"] == "/gw/echo?since=%zz&x=%2f"
    assert exchange.base_url == gateway_like_url + "/gw"


def test_the_connections_headers_go_with_every_request_and_are_kept_by_name_only(
    gateway_like_url: str,
) -> None:
    client = connected(
        gateway_like_url + "/gw", headers=(("X-Gateway-Key", "gw-secret"), ("X-Tenant", "t-9"))
    )
    exchanges = [client.get("/echo"), client.get("/echo", auth=Auth.none())]
    client.close()
    for exchange in exchanges:
        seen = json.loads(exchange.response.body)["headers"]
        assert seen["X-Gateway-Key"] == "gw-secret"
        assert seen["X-Tenant"] == "t-9"
        assert "X-Contracts-Verbatim-Target" not in seen
        assert exchange.request.headers == ("X-Gateway-Key", "X-Tenant")
        assert "gw-secret" not in repr(exchange.request)


def test_a_transient_answer_that_persists_is_inconclusive_and_counted(
    gateway_like_url: str,
) -> None:
    client = connected(gateway_like_url + "/gw", retries=2, max_retry_wait=0.01)
    with pytest.raises(
        Inconclusive, match=r"/gw/unavailable: the server answered 503 on each of 3"
    ) as raised:
        client.get("/unavailable")
    client.close()
    assert raised.value.cause == "503"
    traffic = client.transport.traffic
    assert (traffic.requests, traffic.retried, traffic.gave_up) == (3, {"503": 2}, {"503": 1})


@pytest.fixture
def forward_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[ForwardProxy]:
    with proxied(monkeypatch) as proxy:
        yield proxy


def test_http_proxy_from_the_environment_carries_the_requests(
    forward_proxy: ForwardProxy, gateway_like_url: str
) -> None:
    client = connected(gateway_like_url + "/gw")
    exchange = client.send("GET", "/echo", raw_query="since=%zz")
    client.close()
    assert exchange.response.status == 200
    assert forward_proxy.targets == [gateway_like_url + "/gw/echo?since=%zz"]
    assert json.loads(exchange.response.body)["target"] == "/gw/echo?since=%zz"


def test_no_proxy_sends_the_hosts_it_names_directly(
    forward_proxy: ForwardProxy, gateway_like_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    client = connected(gateway_like_url + "/gw")
    assert client.get("/echo").response.status == 200
    client.close()
    assert forward_proxy.targets == []
