"""Running the proxy: listening, the session toward the target, and a clean stop.

`running` is the one way the proxy is served: the command runs it until a signal or
`--duration`, the tests and the benchmark from a thread of their own (`ThreadedProxy`).
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import urllib.request
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from .capture import Captured, Headers
from .forward import Annotate, Forwarder

# Request lines and header fields up to this size reach the target, which decides
# about them: four times the mock's own limits, so the proxy is never the stricter one.
MAX_LINE_BYTES = 65_536
MAX_FIELD_BYTES = 65_536
MAX_HEADERS = 512
# Seconds to open a connection to the target; the answer itself may take any time
# (the client decides how long it waits, as without the proxy).
CONNECT_TIMEOUT_SECONDS = 30.0
# Requests in flight get this long to finish when the proxy stops.
SHUTDOWN_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Listen:
    """Where the proxy listens and where it forwards to."""

    target: str
    host: str = "127.0.0.1"
    port: int = 0
    headers: Headers = ()
    ssl_context: ssl.SSLContext | None = None
    # Honour HTTP(S)_PROXY and NO_PROXY toward the target, as every HTTP tool does.
    trust_env: bool = True


def proxy_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def environment_proxy(target: str) -> str | None:
    """The proxy `HTTP(S)_PROXY` names for `target`, unless `NO_PROXY` spares its host.

    Read once: the target never changes, and reading the environment on every request
    (as aiohttp's `trust_env` does) costs a tenth of a millisecond each time.
    """
    parts = urlsplit(target)
    if parts.hostname is None or urllib.request.proxy_bypass(parts.hostname):
        return None
    return urllib.request.getproxies().get(parts.scheme)


def target_session(listen: Listen) -> aiohttp.ClientSession:
    """The client side: pooled keep-alive connections, nothing added, nothing decoded."""
    connector = aiohttp.TCPConnector(
        limit=0, ssl=listen.ssl_context if listen.ssl_context is not None else True
    )
    session = aiohttp.ClientSession(
        connector=connector,
        timeout=aiohttp.ClientTimeout(total=None, sock_connect=CONNECT_TIMEOUT_SECONDS),
        auto_decompress=False,
        cookie_jar=aiohttp.DummyCookieJar(),
        # aiohttp adds these unless told not to; the client's own, if any, pass as sent.
        skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
        proxy=environment_proxy(listen.target) if listen.trust_env else None,
        max_line_size=MAX_LINE_BYTES,
        max_field_size=MAX_FIELD_BYTES,
    )
    # aiohttp sends a request again, once, when a reused connection fails before the
    # answer. A proxy must not: the target would see a request the client sent once
    # twice, and a drop the client should see would be hidden. (aiohttp's own test
    # client turns this off the same way.)
    session._retry_connection = False
    return session


@asynccontextmanager
async def running(
    listen: Listen,
    on_exchange: Callable[[Captured], None],
    annotate: Annotate | None = None,
    on_problem: Callable[[str], None] | None = None,
) -> AsyncIterator[str]:
    """Serve the proxy until the block exits; yields its URL (port 0 picks a free one)."""
    async with target_session(listen) as session:
        forwarder = Forwarder(
            listen.target.rstrip("/"), session, on_exchange, listen.headers, annotate, on_problem
        )
        server = web.Server(
            forwarder,
            handler_cancellation=True,
            max_line_size=MAX_LINE_BYTES,
            max_field_size=MAX_FIELD_BYTES,
            max_headers=MAX_HEADERS,
            auto_decompress=False,
            access_log=None,
        )
        runner = web.ServerRunner(
            server, handle_signals=False, shutdown_timeout=SHUTDOWN_TIMEOUT_SECONDS
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, listen.host, listen.port, reuse_address=True)
            await site.start()
            port = next((address[1] for address in runner.addresses), listen.port)
            yield proxy_url(listen.host, port)
        finally:
            await runner.cleanup()


class ThreadedProxy:
    """The proxy served from its own thread and event loop, for synchronous callers.

    >>> with ThreadedProxy(Listen(target=url), exchanges.append) as proxy:
    ...     requests.get(proxy.url + "/api/v1/project", headers=...)
    """

    def __init__(
        self,
        listen: Listen,
        on_exchange: Callable[[Captured], None],
        annotate: Annotate | None = None,
    ) -> None:
        self._listen, self._on_exchange, self._annotate = listen, on_exchange, annotate
        self._ready = threading.Event()
        self._url: str | None = None
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="contracts-proxy", daemon=True)

    @property
    def url(self) -> str:
        assert self._url is not None, "the proxy is not running"
        return self._url

    def __enter__(self) -> ThreadedProxy:
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join()

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            async with running(self._listen, self._on_exchange, self._annotate) as url:
                self._url = url
                self._ready.set()
                await self._stop.wait()
        except BaseException as error:  # reported to the thread that started the proxy
            self._error = error
            self._ready.set()
