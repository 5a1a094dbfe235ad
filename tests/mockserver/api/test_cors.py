"""CORS on the API: preflights answered before authentication, and every answer readable
from a page of another origin; nothing of it on the control API."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from typing import Any

import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yarl import URL

from mockserver import Config, ThreadedServer, create_app
from mockserver.api.cors import (
    MAX_AGE_SECONDS,
    CorsPolicy,
    add_vary_origin,
    allowed_headers,
    requested_headers,
    setup_cors,
)
from mockserver.api.keys import state_key
from mockserver.domain.models import Role, World
from tests.conftest import TEST_WORLD, AppFactory, Client, ClientFactory, admin_of, bearer, key_of

DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))

AUDIT_LOG = "/api/v1/audit-log"
PROJECT = "/api/v1/project"
APP_ORIGIN = "http://localhost:3000"
_TOKEN_CHARS = "!#$%&'*+.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-"
header_names = st.text(_TOKEN_CHARS, min_size=1, max_size=20)
origins = st.builds(
    "{}://{}{}".format,
    st.sampled_from(["http", "https"]),
    st.from_regex(r"[a-z0-9]([a-z0-9-]{0,15}[a-z0-9])?(\.[a-z]{2,8}){0,2}", fullmatch=True),
    st.one_of(st.just(""), st.integers(1, 65_535).map(":{}".format)),
)


def preflight(origin: str = APP_ORIGIN, method: str = "GET", headers: str = "authorization") -> Any:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers,
    }


def names(value: str) -> list[str]:
    return [name.strip().lower() for name in value.split(",")]


# The rules, without HTTP


def test_the_requested_headers_are_kept_in_order_once_each_and_only_tokens() -> None:
    assert requested_headers("authorization, X-Trace ,authorization") == [
        "authorization",
        "X-Trace",
    ]
    assert requested_headers("") == []
    assert requested_headers("x-ok, bad header, b@d, ") == ["x-ok"]


@given(st.lists(header_names, max_size=8))
def test_a_preflight_is_allowed_every_header_it_asks_for_and_authorization(
    asked: list[str],
) -> None:
    allowed = names(allowed_headers(", ".join(asked)))
    assert {name.lower() for name in asked} <= set(allowed)
    assert "authorization" in allowed
    assert len(allowed) == len(set(allowed)), "each header once"
    assert "*" not in allowed or "*" in asked


@pytest.mark.parametrize(
    ("vary", "expected"),
    [
        (None, "Origin"),
        ("Accept", "Accept, Origin"),
        ("origin", "origin"),
        ("A, Origin", "A, Origin"),
    ],
)
def test_vary_gains_origin_once(vary: str | None, expected: str) -> None:
    assert add_vary_origin({} if vary is None else {"Vary": vary}) == expected


@given(origins)
def test_an_unrestricted_policy_allows_any_origin_and_a_list_only_its_own(origin: str) -> None:
    assert CorsPolicy().allows(origin)
    assert CorsPolicy(frozenset({origin})).allows(origin)
    assert not CorsPolicy(frozenset({origin})).allows(origin + "0")


@pytest.mark.parametrize("origin", ["", "evil\u00e9://x", "http://a b", "http://a,http://b"])
def test_what_is_no_origin_is_never_echoed(origin: str) -> None:
    assert not CorsPolicy().allows(origin)


# Over HTTP


async def test_a_preflight_is_answered_204_without_a_key(client: Client) -> None:
    for path in (AUDIT_LOG, PROJECT, "/api/v1/nowhere"):
        response = await client.options(path, headers=preflight(headers="authorization,x-trace"))
        assert response.status == 204, path
        assert response.headers["Access-Control-Allow-Origin"] == APP_ORIGIN
        assert response.headers["Access-Control-Allow-Methods"] == "GET"
        assert names(response.headers["Access-Control-Allow-Headers"]) == [
            "authorization",
            "x-trace",
        ]
        assert response.headers["Access-Control-Max-Age"] == str(MAX_AGE_SECONDS)
        assert "Origin" in response.headers["Vary"]
        assert await response.read() == b""


async def test_a_preflight_names_authorization_even_unasked(client: Client) -> None:
    response = await client.options(AUDIT_LOG, headers=preflight(method="HEAD", headers=""))
    assert response.status == 204
    assert response.headers["Access-Control-Allow-Methods"] == "HEAD"
    assert names(response.headers["Access-Control-Allow-Headers"]) == ["authorization"]


@pytest.mark.parametrize("method", ["POST", "DELETE", "PUT", "get"])
async def test_a_preflight_for_a_method_the_api_does_not_serve_does_not_allow_it(
    client: Client, method: str
) -> None:
    response = await client.options(AUDIT_LOG, headers=preflight(method=method))
    assert response.status == 204
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD"


async def test_an_options_that_is_no_preflight_is_refused_as_before(client: Client) -> None:
    response = await client.options(AUDIT_LOG, headers={"Origin": APP_ORIGIN})
    assert response.status == 405
    assert response.headers["Allow"] == "GET, HEAD"
    assert (await response.json())["error"]["code"] == "method_not_allowed"
    assert response.headers["Access-Control-Allow-Origin"] == APP_ORIGIN


def _assert_readable(response: Any, origin: str = APP_ORIGIN) -> None:
    headers = response.headers
    assert headers["Access-Control-Allow-Origin"] == origin
    assert headers["Access-Control-Allow-Credentials"] == "true"
    assert "origin" in names(headers["Vary"])
    exposed = names(headers["Access-Control-Expose-Headers"])
    assert {"retry-after", "age", "cache-control", "www-authenticate"} <= set(exposed)


async def test_every_answer_of_the_api_is_readable_from_another_origin(
    ctl: Client,
) -> None:
    admin = admin_of(ctl.app[state_key].world)
    member = bearer(key_of(ctl.app[state_key].world, 0, Role.MEMBER))
    origin = {"Origin": APP_ORIGIN}
    cases = [
        (AUDIT_LOG, admin, 200),
        (PROJECT, member, 200),
        (AUDIT_LOG, {}, 401),
        (AUDIT_LOG, member, 403),
        (AUDIT_LOG + "?limit=0", admin, 400),
        (AUDIT_LOG + "?action=%zz", admin, 400),
        ("/api/v1/nowhere", admin, 404),
    ]
    for path, key, status in cases:
        # Sent as written: `%zz` must reach the server, not `%25zz`.
        response = await ctl.get(URL(path, encoded=True), headers={**origin, **key})
        assert response.status == status, path
        _assert_readable(response)
    refused = await ctl.post(AUDIT_LOG, headers={**origin, **admin})
    assert refused.status == 405
    _assert_readable(refused)
    head = await ctl.head(PROJECT, headers={**origin, **admin})
    assert head.status == 200
    _assert_readable(head)


async def test_injected_faults_are_readable_with_their_retry_after(ctl: Client) -> None:
    for fault in (
        {"path": AUDIT_LOG, "status": 429, "retryAfter": 7},
        {"path": AUDIT_LOG, "status": 503},
    ):
        added = await ctl.post("/__mock/faults", json=fault)
        assert added.status == 201
        response = await ctl.get(AUDIT_LOG, headers={"Origin": APP_ORIGIN})
        assert response.status == fault["status"]
        _assert_readable(response)
        if fault["status"] == 429:
            assert response.headers["Retry-After"] == "7"
        await ctl.delete("/__mock/faults")


async def test_an_answer_streamed_before_any_middleware_sees_it_has_the_headers(
    aiohttp_client: ClientFactory,
) -> None:
    """A slow or cut-off body (a fault) is prepared inside the handlers: the headers
    must be there when its first bytes go."""

    async def streamed(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(status=503, headers={"Retry-After": "3"})
        await response.prepare(request)
        await response.write(b'{"error": ')
        return response

    app = web.Application()
    app.router.add_get("/api/v1/slow", streamed)
    app.router.add_get("/__mock/slow", streamed)
    setup_cors(app, CorsPolicy())
    client = await aiohttp_client(app)
    response = await client.get("/api/v1/slow", headers={"Origin": APP_ORIGIN})
    _assert_readable(response)
    control = await client.get("/__mock/slow", headers={"Origin": APP_ORIGIN})
    assert "Access-Control-Allow-Origin" not in control.headers


async def test_a_preflight_is_not_journaled_nor_faulted(ctl: Client) -> None:
    await ctl.post("/__mock/faults", json={"path": AUDIT_LOG, "status": 500})
    assert (await ctl.options(AUDIT_LOG, headers=preflight())).status == 204
    journal = await (await ctl.get("/__mock/requests")).json()
    assert journal == {"data": []}
    # The fault is still there for the call the preflight announced.
    assert (await ctl.get(AUDIT_LOG, headers={"Origin": APP_ORIGIN})).status == 500


async def test_without_an_origin_an_answer_still_varies_by_origin(client: Client) -> None:
    response = await client.get(PROJECT)
    assert response.headers["Vary"] == "Origin"
    assert "Access-Control-Allow-Origin" not in response.headers


async def test_the_control_api_carries_no_cors_headers(client: Client) -> None:
    response = await client.get("/__mock/health")
    assert response.status == 200
    assert not [name for name in response.headers if name.lower().startswith("access-control")]
    answer = await client.options("/__mock/reset", headers=preflight(method="POST"))
    assert answer.status != 204
    assert not [name for name in answer.headers if name.lower().startswith("access-control")]


async def test_restricted_origins_read_and_others_do_not(make_client: AppFactory) -> None:
    other = "http://evil.example"
    client = await make_client(cors_origins=(APP_ORIGIN, "http://127.0.0.1:5173"))
    key = admin_of(client.app[state_key].world)
    allowed = await client.get(PROJECT, headers={"Origin": APP_ORIGIN, **key})
    _assert_readable(allowed)
    refused = await client.get(PROJECT, headers={"Origin": other, **key})
    assert refused.status == 200, "the answer is the same; only the browser hides it"
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert refused.headers["Vary"] == "Origin"
    denied = await client.options(PROJECT, headers=preflight(origin=other))
    assert denied.status == 204
    assert "Access-Control-Allow-Origin" not in denied.headers


async def test_without_cors_nothing_is_added_and_options_is_405(make_client: AppFactory) -> None:
    client = await make_client(cors=False)
    response = await client.get(PROJECT, headers={"Origin": APP_ORIGIN})
    assert response.status == 401
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Vary" not in response.headers
    assert (await client.options(PROJECT, headers=preflight())).status == 405


@pytest.fixture(scope="module")
def server(shared_world: World) -> Iterator[ThreadedServer]:
    with ThreadedServer(create_app(Config(world=TEST_WORLD), world=shared_world)) as running:
        yield running


def _exchange(url: str, method: str, headers: dict[str, str]) -> tuple[int, Message]:
    request = urllib.request.Request(url, method=method, headers=headers)
    try:
        with DIRECT.open(request, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(origin=origins, asked=st.lists(header_names, max_size=5))
def test_any_origin_is_echoed_and_any_headers_allowed(
    server: ThreadedServer, origin: str, asked: list[str]
) -> None:
    url = server.url + AUDIT_LOG
    status, headers = _exchange(url, "OPTIONS", preflight(origin, "GET", ",".join(asked)))
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == origin
    assert {a.lower() for a in asked} <= set(names(headers["Access-Control-Allow-Headers"]))
    status, headers = _exchange(url, "GET", {"Origin": origin})
    assert status == 401
    _assert_readable(_Answer(headers), origin)
    assert "WWW-Authenticate" in headers["Access-Control-Expose-Headers"]


class _Answer:
    def __init__(self, headers: Message) -> None:
        self.headers = headers
