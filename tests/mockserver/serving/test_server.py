"""Running an app: `serve`, `ThreadedServer`, and serving until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import errno
import logging
import signal
import socket
import urllib.request
from types import FrameType

import aiohttp
import pytest
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st

from mockserver.serving.server import (
    STOP_SIGNALS,
    RunningServer,
    ThreadedServer,
    listen_problem,
    serve,
    serve_until_signalled,
    server_url,
    stop_signals,
)

SLOW_SECONDS = 0.5


def small_app() -> web.Application:
    async def hello(request: web.Request) -> web.Response:
        return web.json_response({"hello": "world"})

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(SLOW_SECONDS)
        return web.json_response({"slow": True})

    app = web.Application()
    app.router.add_get("/hello", hello)
    app.router.add_get("/slow", slow)
    return app


async def get(url: str) -> tuple[int, object]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.json()


@given(st.from_regex(r"[a-z0-9.]{1,20}", fullmatch=True), st.integers(0, 65_535))
def test_a_url_is_the_host_and_port(host: str, port: int) -> None:
    assert server_url(host, port) == f"http://{host}:{port}"


@pytest.mark.parametrize("host", ["::1", "::", "fe80::1"])
def test_an_ipv6_host_is_bracketed(host: str) -> None:
    assert server_url(host, 80) == f"http://[{host}]:80"
    assert RunningServer(web.Application(), host, 80).url == f"http://[{host}]:80"


def test_a_problem_to_listen_is_one_line() -> None:
    in_use = OSError(errno.EADDRINUSE, "Address already in use")
    assert listen_problem("h", 1, in_use) == "cannot listen on h:1: address already in use"
    assert listen_problem("h", 1, OSError("no such host")) == "cannot listen on h:1: no such host"


async def test_serve_on_port_0_listens_on_a_free_port_until_the_block_ends() -> None:
    async with serve(small_app(), "127.0.0.1", 0) as server:
        assert server.port != 0
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert await get(server.url + "/hello") == (200, {"hello": "world"})
    with pytest.raises(aiohttp.ClientConnectionError):
        await get(server.url + "/hello")


async def test_serve_logs_each_request_unless_told_not_to(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mockserver.access")
    for access_log in (True, False):
        caplog.clear()
        async with serve(small_app(), access_log=access_log) as server:
            await get(server.url + "/hello")
        lines = [r.getMessage() for r in caplog.records if r.name == "mockserver.access"]
        assert len(lines) == access_log
        assert all('"GET /hello" 200' in line for line in lines)


async def test_reuse_port_lets_servers_share_a_port() -> None:
    async with serve(small_app(), reuse_port=True) as first:
        async with serve(small_app(), port=first.port, reuse_port=True) as second:
            assert second.port == first.port
            assert (await get(second.url + "/hello"))[0] == 200
        with pytest.raises(OSError) as in_use:
            async with serve(small_app(), port=first.port):
                pass
        assert in_use.value.errno == errno.EADDRINUSE


async def test_stop_signals_set_the_event_and_give_the_handlers_back() -> None:
    seen: list[int] = []

    def before(signum: int, frame: FrameType | None) -> None:
        seen.append(signum)

    previous = {signum: signal.signal(signum, before) for signum in STOP_SIGNALS}
    try:
        for signum in STOP_SIGNALS:
            async with stop_signals() as stop:
                assert not stop.is_set()
                signal.raise_signal(signum)
                await asyncio.wait_for(stop.wait(), 5)
            assert signal.getsignal(signum) is before
        signal.raise_signal(signal.SIGTERM)
        assert seen == [signal.SIGTERM], "only the handler from before saw a signal"
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@pytest.mark.parametrize("signum", STOP_SIGNALS)
async def test_a_signal_stops_the_server_after_the_requests_in_flight(
    signum: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="mockserver")
    before = signal.getsignal(signum)
    ready: list[RunningServer] = []
    answers: list[tuple[int, object]] = []

    async def slow_request_then_signal() -> None:
        while not ready:
            await asyncio.sleep(0.01)
        slow = asyncio.ensure_future(get(ready[0].url + "/slow"))
        await asyncio.sleep(SLOW_SECONDS / 3)  # the request is now inside the server
        signal.raise_signal(signum)
        await asyncio.sleep(SLOW_SECONDS / 5)  # the server is now finishing the request
        signal.raise_signal(signum)  # and a second signal does not cut that short
        answers.append(await slow)

    client = asyncio.ensure_future(slow_request_then_signal())
    await asyncio.wait_for(
        serve_until_signalled(small_app(), "127.0.0.1", 0, on_ready=ready.append), 10
    )
    await client
    assert answers == [(200, {"slow": True})]
    assert "stopping: finishing requests in flight" in caplog.messages
    assert signal.getsignal(signum) == before


async def test_serving_until_signalled_on_a_port_in_use_raises_before_ready() -> None:
    ready: list[RunningServer] = []
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(OSError) as in_use:
            await serve_until_signalled(small_app(), "127.0.0.1", port, on_ready=ready.append)
    assert in_use.value.errno == errno.EADDRINUSE
    assert ready == []


def fetch(url: str) -> int:
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with direct.open(url, timeout=10) as response:
        return int(response.status)


def test_a_threaded_server_serves_synchronous_callers() -> None:
    server = ThreadedServer(small_app())
    with pytest.raises(AssertionError, match="not running"):
        server.url  # noqa: B018
    with server:
        assert server.url == f"http://127.0.0.1:{server.server.port}"
        assert server.loop.is_running()
        assert fetch(server.url + "/hello") == 200
    with pytest.raises(OSError):
        fetch(server.url + "/hello")


def test_a_threaded_server_that_cannot_listen_raises_from_start() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        server = ThreadedServer(small_app(), port=busy.getsockname()[1])
        with pytest.raises(OSError) as in_use:
            server.start()
    assert in_use.value.errno == errno.EADDRINUSE
