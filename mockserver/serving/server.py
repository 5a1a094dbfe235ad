"""Running the mock: an async context manager, a thread for synchronous code, and a
server that runs until SIGINT or SIGTERM.

The CLI, its worker processes, the pytest plugin and the tests all serve the app
through `serve`, so the server they run is the same one; the CLI and every worker stop
through `serve_until_signalled`, so they stop alike.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from types import TracebackType

from aiohttp import web

from mockserver.serving.access_log import AccessLogger
from mockserver.serving.logs import quiet_malformed_requests
from mockserver.serving.protocol import EnvelopeAppRunner

# How long a stopping server lets in-flight requests finish.
SHUTDOWN_TIMEOUT_SECONDS = 5.0
# Request-line and header limits: room for long but sane URLs (a 10,000-digit number
# still reaches the app and gets its JSON 400); beyond them aiohttp answers 4xx itself.
MAX_REQUEST_LINE_BYTES = 16_384
MAX_HEADER_BYTES = 16_384
# The signals that stop a server, letting the requests in flight finish.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

logger = logging.getLogger("mockserver")


def server_url(host: str, port: int) -> str:
    """The base URL of a server on host:port; an IPv6 address goes in brackets."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def listen_problem(host: str, port: int, error: OSError) -> str:
    """One line for a server that cannot listen: `cannot listen on h:p: address already in use`."""
    reason = os.strerror(error.errno).lower() if error.errno else str(error)
    return f"cannot listen on {host}:{port}: {reason}"


@dataclass(frozen=True, slots=True)
class RunningServer:
    app: web.Application
    host: str
    port: int

    @property
    def url(self) -> str:
        return server_url(self.host, self.port)


def app_runner(app: web.Application, *, access_log: bool = True) -> web.AppRunner:
    """The runner every server of the mock serves `app` with (not set up yet)."""
    quiet_malformed_requests()
    return EnvelopeAppRunner(
        app,
        access_log_class=AccessLogger,
        access_log=logging.getLogger("mockserver.access") if access_log else None,
        shutdown_timeout=SHUTDOWN_TIMEOUT_SECONDS,
        handle_signals=False,
        max_line_size=MAX_REQUEST_LINE_BYTES,
        max_field_size=MAX_HEADER_BYTES,
    )


@asynccontextmanager
async def serve(
    app: web.Application,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    access_log: bool = True,
    reuse_port: bool = False,
) -> AsyncIterator[RunningServer]:
    """Serve `app` on host:port (port 0 picks a free one) until the block exits.

    `reuse_port` lets several processes listen on the same port (SO_REUSEPORT).
    """
    runner = app_runner(app, access_log=access_log)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port, reuse_address=True, reuse_port=reuse_port)
        await site.start()
        bound_port = port
        for address in runner.addresses:
            bound_port = address[1]
            break
        yield RunningServer(app, host, bound_port)
    finally:
        await runner.cleanup()


@asynccontextmanager
async def stop_signals() -> AsyncIterator[asyncio.Event]:
    """An event that SIGINT or SIGTERM sets while the block runs.

    The event loop takes the signals (so a signal never interrupts a request half
    way); the handlers that were there before come back when the block ends. Only the
    main thread may do this.
    """
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            loop.remove_signal_handler(signum)
            signal.signal(signum, handler)


async def serve_until_signalled(
    app: web.Application,
    host: str,
    port: int,
    *,
    on_ready: Callable[[RunningServer], None],
    reuse_port: bool = False,
) -> None:
    """Serve `app` until SIGINT or SIGTERM, then let the requests in flight finish.

    `on_ready` runs once the server listens. The signals are taken from before it
    listens until it has finished, so a signal sent by whoever saw `on_ready`'s effect
    (a banner, a report to a parent) stops it cleanly, and a second one does not cut
    the requests in flight short. Raises `OSError` when the server cannot listen (see
    `listen_problem`).
    """
    async with stop_signals() as stop, serve(app, host, port, reuse_port=reuse_port) as server:
        on_ready(server)
        await stop.wait()
        logger.info("stopping: finishing requests in flight")


class ThreadedServer:
    """Serves an app from its own thread and event loop, for synchronous callers.

    >>> with ThreadedServer(create_app()) as server:
    ...     requests.get(server.url + "/api/v1/project", headers=...)
    """

    def __init__(self, app: web.Application, host: str = "127.0.0.1", port: int = 0) -> None:
        self._app, self._host, self._port = app, host, port
        self._ready = threading.Event()
        self._server: RunningServer | None = None
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="mockserver", daemon=True)

    @property
    def server(self) -> RunningServer:
        assert self._server is not None, "the server is not running"
        return self._server

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        assert self._loop is not None, "the server is not running"
        return self._loop

    def start(self) -> ThreadedServer:
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join()

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            async with serve(self._app, self._host, self._port, access_log=False) as server:
                self._server = server
                self._ready.set()
                await self._stop.wait()
        except BaseException as error:  # handed to the caller of start()
            self._error = error
            self._ready.set()
