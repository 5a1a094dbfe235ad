"""Who may use the control API, and when it must stay off."""

from __future__ import annotations

from unittest.mock import Mock

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from mockserver.api.errors import ApiError
from mockserver.control.security import control_guard, control_refusal, is_loopback


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
