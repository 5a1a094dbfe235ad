"""A local API gateway in front of a server, for tests and benchmarks: what staging looks like.

`gateway(target_url)` serves on 127.0.0.1 only, by default over TLS with a CA generated
for the run (`trustme`), under a path prefix. It strips the prefix and forwards each
request to the target, and on the way does what gateways do to a client: it answers
429 with `Retry-After` beyond its rate limit, adds latency, answers a share of requests
503, and (`drop_next`) closes a connection without answering. Everything it draws comes
from `random.Random(seed)`, so a run through it can be repeated.

    with gateway(mock_url, rate_limit=40.0) as gw:
        settings = Settings(base_url=gw.url, ..., connection=Connection(ca_bundle=gw.ca_bundle))
        run_suite(settings)
        gw.answered  # Counter({200: ..., 400: ..., 503: ..., 429: ...})
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import ssl
import tempfile
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
import trustme
from aiohttp import web
from yarl import URL

HOST = "127.0.0.1"
# Headers about one hop, never forwarded (RFC 9110 7.6.1), and those aiohttp recomputes.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)
STARTUP_SECONDS = 10.0
# Floating-point slack when a bucket's refill is compared with a whole token.
TOKEN_ROUNDING = 1e-9


@dataclass
class Bucket:
    """A token bucket: `rate` requests a second, bursts of up to `burst`."""

    rate: float
    burst: float
    _tokens: float = field(init=False)
    _at: float = field(init=False, default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self._tokens = self.burst

    def take(self, now: float) -> float:
        """0 when a request may pass now, else the seconds until one may."""
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        # A slot's worth of time refills a token to within rounding, not always to 1.0.
        if self._tokens >= 1 - TOKEN_ROUNDING:
            self._tokens -= 1
            return 0.0
        return (1 - self._tokens) / self.rate


@dataclass
class Gateway:
    """A running gateway: where it listens, what to trust, and what it answered."""

    url: str
    ca_bundle: Path | None
    client_cert: Path | None = None
    client_key: Path | None = None
    answered: Counter[int] = field(default_factory=Counter)
    # Targets asked for outside the prefix (answered 404): a client that ignores the prefix.
    outside_prefix: list[str] = field(default_factory=list)
    dropped: int = 0
    _drops: int = 0

    def drop_next(self, count: int = 1) -> None:
        """Close the connection of the next `count` requests without answering."""
        self._drops += count


@contextmanager
def gateway(
    target_url: str,
    *,
    prefix: str = "/gateway",
    rate_limit: float = 40.0,
    latency: tuple[float, float] = (0.002, 0.015),
    fail_share: float = 0.01,
    seed: int = 0,
    tls: bool = True,
    require_client_cert: bool = False,
) -> Iterator[Gateway]:
    """A gateway to `target_url` on a free port of 127.0.0.1, stopped when the block ends."""
    prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
    with tempfile.TemporaryDirectory(prefix="gateway-") as folder:
        directory = Path(folder)
        server_context: ssl.SSLContext | None = None
        state = Gateway(url="", ca_bundle=None)
        if tls:
            ca = trustme.CA()
            state.ca_bundle = directory / "ca.pem"
            ca.cert_pem.write_to_path(str(state.ca_bundle))
            server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ca.issue_cert(HOST).configure_cert(server_context)
            if require_client_cert:
                ca.configure_trust(server_context)
                server_context.verify_mode = ssl.CERT_REQUIRED
                client = ca.issue_cert("contracts-client")
                state.client_cert = directory / "client.pem"
                state.client_key = directory / "client.key"
                client.cert_chain_pems[0].write_to_path(str(state.client_cert))
                client.private_key_pem.write_to_path(str(state.client_key))
        rng = random.Random(seed)
        bucket = Bucket(rate_limit, max(1.0, rate_limit / 4))
        app = _app(state, target_url.rstrip("/"), prefix, bucket, latency, fail_share, rng)
        with serving(app, server_context) as port:
            scheme = "https" if tls else "http"
            state.url = f"{scheme}://{HOST}:{port}{prefix}"
            yield state


def _app(
    state: Gateway,
    target: str,
    prefix: str,
    bucket: Bucket,
    latency: tuple[float, float],
    fail_share: float,
    rng: random.Random,
) -> web.Application:
    session_key = web.AppKey("session", aiohttp.ClientSession)

    async def forward(request: web.Request) -> web.StreamResponse:
        if state._drops:
            state._drops -= 1
            state.dropped += 1
            if request.transport is not None:
                request.transport.close()
            return web.Response()  # written to a closed connection: nothing arrives
        raw = request.raw_path
        if prefix and not (raw == prefix or raw.startswith((prefix + "/", prefix + "?"))):
            state.outside_prefix.append(raw)
            return _answer(state, web.json_response({"gateway": "no route"}, status=404))
        wait = bucket.take(time.monotonic())
        if wait:
            seconds = max(1, math.ceil(wait))
            return _answer(state, web.Response(status=429, headers={"Retry-After": str(seconds)}))
        await asyncio.sleep(rng.uniform(*latency))
        if rng.random() < fail_share:
            return _answer(state, web.json_response({"gateway": "unavailable"}, status=503))
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        try:
            async with request.app[session_key].request(
                request.method,
                URL(target + (raw[len(prefix) :] or "/"), encoded=True),
                headers=headers,
                data=await request.read(),
                allow_redirects=False,
            ) as upstream:
                body = await upstream.read()
                kept = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP}
                response = web.Response(status=upstream.status, headers=kept, body=body)
        except aiohttp.ClientError:
            response = web.json_response({"gateway": "no answer from upstream"}, status=502)
        return _answer(state, response)

    async def session(app: web.Application) -> AsyncIterator[None]:
        app[session_key] = aiohttp.ClientSession(auto_decompress=False)
        yield
        await app[session_key].close()

    app = web.Application()
    app.cleanup_ctx.append(session)
    app.router.add_route("*", "/{tail:.*}", forward)
    return app


def _answer(state: Gateway, response: web.Response) -> web.Response:
    state.answered[response.status] += 1
    return response


class ForwardProxy:
    """A forward proxy for plain HTTP: forwards each absolute-form request, and keeps its URL."""

    def __init__(self) -> None:
        self.targets: list[str] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.targets.append(str(request.url))
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        async with (
            aiohttp.ClientSession() as session,
            session.request(
                request.method, URL(str(request.url), encoded=True), headers=headers
            ) as upstream,
        ):
            kept = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP}
            return web.Response(status=upstream.status, headers=kept, body=await upstream.read())


@contextmanager
def proxied(monkeypatch: pytest.MonkeyPatch) -> Iterator[ForwardProxy]:
    """A `ForwardProxy` on 127.0.0.1, named by `HTTP_PROXY` (and no `NO_PROXY`) meanwhile."""
    proxy = ForwardProxy()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", proxy.handle)
    with serving(app) as port, monkeypatch.context() as patch:
        for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
            patch.delenv(name, raising=False)
        patch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
        yield proxy


@contextmanager
def serving(app: web.Application, context: ssl.SSLContext | None = None) -> Iterator[int]:
    """`app` on a free port of 127.0.0.1 (over TLS with `context`), in a thread of its own,
    until the block ends; yields the port."""
    loop = asyncio.new_event_loop()
    # Requests aiohttp cannot parse (schemathesis probes with a NUL in a header) get its
    # 400; a logger of our own, not registered anywhere, keeps their tracebacks quiet.
    quiet = logging.Logger("gateway", logging.CRITICAL)
    runner = web.AppRunner(app, handle_signals=False, access_log=None, logger=quiet)
    ready = threading.Event()
    stop = asyncio.Event()
    port: list[int] = []

    async def main() -> None:
        await runner.setup()
        site = web.TCPSite(runner, HOST, 0, ssl_context=context)
        await site.start()
        port.append(int(runner.addresses[0][1]))
        ready.set()
        await stop.wait()
        await runner.cleanup()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    if not ready.wait(STARTUP_SECONDS):
        raise RuntimeError("the gateway did not start")
    try:
        yield port[0]
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(STARTUP_SECONDS)
        loop.close()
