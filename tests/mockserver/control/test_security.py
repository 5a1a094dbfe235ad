"""Who may use the control API, and when it must stay off."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address
from unittest.mock import Mock

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import make_mocked_request
from hypothesis import given
from hypothesis import strategies as st

from mockserver.api.errors import ApiError
from mockserver.control.security import (
    control_guard,
    control_refusal,
    cross_site_reason,
    host_allowed,
    is_loopback,
    json_body_problem,
)
from tests.conftest import FROZEN_AT, AppFactory, Client


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("", False),
        ("192.168.1.5", False),
        ("example.com", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["0.0.0.0", "", "::", "192.168.1.5"])
def test_off_the_loopback_the_control_api_needs_a_token_and_says_how(host: str) -> None:
    for loopback in ("127.0.0.1", "::1", "localhost"):
        assert control_refusal(loopback, None) is None
    refusal = control_refusal(host, None)
    assert refusal is not None
    assert refusal.startswith(f"{host or 'all interfaces'} is not a loopback address")
    assert "MOCKSERVER_CONTROL_TOKEN" in refusal and "--control-token" in refusal
    assert control_refusal(host, "x" * 16) is None


async def _ok(request: web.Request) -> web.StreamResponse:
    return web.Response(text="ok")


def _request_on(local_address: str, headers: dict[str, str] | None = None) -> web.Request:
    transport = Mock()
    transport.get_extra_info.side_effect = lambda name, default=None: (
        (local_address, 8080) if name == "sockname" else default
    )
    return make_mocked_request("GET", "/__mock/health", headers=headers, transport=transport)


async def test_without_a_token_only_requests_reaching_the_loopback_pass() -> None:
    guard = control_guard(None)
    assert (await guard(_request_on("127.0.0.1"), _ok)).status == 200
    with pytest.raises(ApiError) as refused:
        await guard(_request_on("10.0.0.7"), _ok)
    assert (refused.value.status, refused.value.code) == (403, "forbidden")


async def test_with_a_token_the_address_does_not_matter_but_the_token_does() -> None:
    guard = control_guard("t" * 16)
    headers = {"X-Mock-Control-Token": "t" * 16}
    assert (await guard(_request_on("10.0.0.7", headers), _ok)).status == 200
    with pytest.raises(ApiError):
        await guard(_request_on("127.0.0.1"), _ok)


# No web page of another site


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:8080",
        "127.0.0.1",
        "localhost:8080",
        "LOCALHOST",
        "app.localhost:8080",
        "[::1]:8080",
        "[::1]",
        "10.0.0.7:80",
        "mock.lan:8080",
        "mock.lan.",
    ],
)
def test_the_host_names_the_server(host: str) -> None:
    assert host_allowed(host, "mock.lan")


@pytest.mark.parametrize(
    "host",
    ["evil.example:8080", "evil.example", "localhost.evil.example", "", ":8080", "[::1", "a:b:c"],
)
def test_any_other_host_is_refused(host: str) -> None:
    assert not host_allowed(host, "127.0.0.1")


@given(
    st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,20}){0,3}", fullmatch=True),
    st.one_of(st.just(""), st.integers(0, 65_535).map(":{}".format)),
)
def test_a_name_is_refused_unless_it_is_localhost_or_the_listening_host(
    name: str, port: str
) -> None:
    expected = name == "localhost" or name.endswith(".localhost")
    assert host_allowed(name + port, "127.0.0.1") is expected
    assert host_allowed(name + port, name)


@given(st.ip_addresses(), st.one_of(st.just(""), st.integers(0, 65_535).map(":{}".format)))
def test_any_address_is_a_name_of_the_server(address: IPv4Address | IPv6Address, port: str) -> None:
    host = f"[{address}]" if address.version == 6 else str(address)
    assert host_allowed(host + port, "127.0.0.1")


def _request(
    method: str = "GET", path: str = "/__mock/health", headers: dict[str, str] | None = None
) -> web.Request:
    return make_mocked_request(method, path, headers={"Host": "127.0.0.1:8080", **(headers or {})})


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Sec-Fetch-Site": "cross-site"}, "Sec-Fetch-Site: cross-site"),
        ({"Sec-Fetch-Site": "same-site"}, "Sec-Fetch-Site: same-site"),
        ({"Origin": "http://localhost:3000"}, "Origin: http://localhost:3000"),
        ({"Origin": "http://127.0.0.1:8081"}, "Origin: http://127.0.0.1:8081"),
        ({"Origin": "null"}, "Origin: null"),
        (
            {"Sec-Fetch-Site": "same-origin", "Origin": "http://evil.example"},
            "Origin: http://evil.example",
        ),
    ],
)
def test_a_request_of_another_site_is_told_apart(headers: dict[str, str], reason: str) -> None:
    assert cross_site_reason(_request(headers=headers)) == reason


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Sec-Fetch-Site": "none"},
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://127.0.0.1:8080"},
        {"Sec-Fetch-Site": "Same-Origin", "Origin": "HTTP://127.0.0.1:8080"},
    ],
)
def test_a_request_of_the_mock_itself_or_of_no_page_passes(headers: dict[str, str]) -> None:
    assert cross_site_reason(_request(headers=headers)) is None


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
        "text/plain;charset=UTF-8",
    ],
)
def test_a_form_or_text_is_refused_even_empty(content_type: str) -> None:
    problem = json_body_problem(_request("POST", "/__mock/reset", {"Content-Type": content_type}))
    assert problem is not None
    assert (problem.status, problem.code) == (415, "unsupported_media_type")


@pytest.mark.parametrize(
    "headers",
    [{}, {"Content-Type": "application/json"}, {"Content-Type": "application/json; charset=utf-8"}],
)
def test_json_or_no_body_passes(headers: dict[str, str]) -> None:
    assert json_body_problem(_request("POST", "/__mock/reset", headers)) is None


# The same rules over HTTP


async def _error(response: ClientResponse) -> tuple[int, str]:
    body = await response.json()
    assert set(body["error"]) == {"code", "message"}
    return response.status, body["error"]["code"]


async def test_pages_of_other_sites_can_neither_read_nor_change_it(ctl: Client) -> None:
    own = f"http://{ctl.host}:{ctl.port}"
    for headers in (
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:3000"},
        {"Origin": "http://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
    ):
        assert await _error(await ctl.get("/__mock/requests", headers=headers)) == (
            403,
            "forbidden",
        )
        reset = await ctl.post("/__mock/clock", json={"advance": 5}, headers=headers)
        assert await _error(reset) == (403, "forbidden")
        assert not [h for h in reset.headers if h.lower().startswith("access-control")]
    clock = await (await ctl.get("/__mock/clock")).json()
    assert clock["now"] == FROZEN_AT, "no refused request changed the clock"
    same = {"Sec-Fetch-Site": "same-origin", "Origin": own}
    assert (await ctl.get("/__mock/requests", headers=same)).status == 200
    moved = await ctl.post("/__mock/clock", json={"advance": 5}, headers=same)
    assert (await moved.json())["now"] == FROZEN_AT + 5


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "text/plain;charset=UTF-8"]
)
async def test_a_form_or_text_body_cannot_reset_or_feed_it(ctl: Client, content_type: str) -> None:
    await ctl.post("/__mock/clock", json={"advance": 1})
    headers = {"Content-Type": content_type}
    for path, data in (
        ("/__mock/reset", b""),
        ("/__mock/events", b'{"events": [{"action": "a.b", "userId": "u"}]}'),
        ("/__mock/clock", b'{"advance": 1}'),
    ):
        response = await ctl.post(path, data=data, headers=headers)
        assert await _error(response) == (415, "unsupported_media_type"), path
    assert (await (await ctl.get("/__mock/clock")).json())["now"] == FROZEN_AT + 1
    assert (await ctl.post("/__mock/reset")).status == 200, "no body, no type: curl -X POST"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "rebind.evil.example."])
async def test_a_dns_rebinding_host_gets_403(ctl: Client, host: str) -> None:
    headers = {"Host": host.format(port=ctl.port)}
    assert await _error(await ctl.get("/__mock/keys", headers=headers)) == (403, "forbidden")
    reset = await ctl.post("/__mock/reset", headers=headers)
    assert await _error(reset) == (403, "forbidden")


@pytest.mark.parametrize(
    "host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}", "localhost"]
)
async def test_the_loopback_names_pass(ctl: Client, host: str) -> None:
    # The clock, not the health answer: health is served outside the guard.
    response = await ctl.get("/__mock/clock", headers={"Host": host.format(port=ctl.port)})
    assert response.status == 200


async def test_the_configured_host_name_passes(make_client: AppFactory) -> None:
    client = await make_client(host="mock.lan", control_token="t" * 16)
    headers = {"X-Mock-Control-Token": "t" * 16}
    ok = await client.get("/__mock/clock", headers={"Host": "mock.lan:8080", **headers})
    assert ok.status == 200
    other = await client.get("/__mock/clock", headers={"Host": "other.lan:8080", **headers})
    assert other.status == 403


async def test_with_a_token_the_dashboard_page_opens_and_every_call_still_needs_it(
    make_client: AppFactory,
) -> None:
    client = await make_client(control_token="t" * 16)
    for page in ("/__mock/", "/__mock/dashboard/dashboard.js", "/__mock/dashboard/dashboard.css"):
        assert (await client.get(page)).status == 200, page
    for endpoint in ("clock", "keys", "requests", "requests/stream", "coverage"):
        response = await client.get(f"/__mock/{endpoint}")
        assert await _error(response) == (403, "forbidden"), endpoint
    assert await _error(await client.post("/__mock/reset")) == (403, "forbidden")
    token = {"X-Mock-Control-Token": "t" * 16}
    assert (await client.get("/__mock/clock", headers=token)).status == 200


async def test_the_dashboard_page_is_refused_to_other_sites_and_other_hosts(
    make_client: AppFactory,
) -> None:
    client = await make_client(control_token="t" * 16)
    other_site = {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
    assert await _error(await client.get("/__mock/", headers=other_site)) == (403, "forbidden")
    rebound = {"Host": "evil.example"}
    assert await _error(await client.get("/__mock/", headers=rebound)) == (403, "forbidden")
