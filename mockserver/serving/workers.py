"""Serving one world from several processes on one port, for more than one core's worth.

The world is generated once, then the process forks: every worker serves the same
world (shared copy-on-write, so the same bytes for the same request), each from its
own socket bound to the same port with SO_REUSEPORT, and the kernel spreads incoming
connections across them. The parent only starts the workers, waits, and stops them.

Each worker has its own copy of the world: what changes it (new events, the cache of
the counts) changes in that worker alone, which is why the command line turns the
control API off with more than one worker.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from types import FrameType

from aiohttp import web

from mockserver.serving.loops import ASYNCIO, run
from mockserver.serving.server import STOP_SIGNALS, listen_problem, serve_until_signalled

# How long the parent waits for every worker to listen before it gives up.
STARTUP_TIMEOUT_SECONDS = 60.0
# How long a worker has to finish its requests in flight once told to stop.
STOP_TIMEOUT_SECONDS = 10.0
LISTENING = "listening"

AppFactory = Callable[[], web.Application]


class WorkersError(Exception):
    """The workers could not start: the message says why, in one line."""


def unsupported_reason() -> str | None:
    """Why this system cannot run several workers, or None when it can."""
    if not hasattr(socket, "SO_REUSEPORT"):
        return "--workers needs SO_REUSEPORT, which this system lacks"
    if "fork" not in multiprocessing.get_all_start_methods():
        return "--workers needs fork(), which this system lacks"
    return None


@contextmanager
def reserved_port(host: str, port: int) -> Iterator[int]:
    """`port`, or a free port when it is 0, held (bound, not listening) until the block ends.

    Workers bind the port with SO_REUSEPORT one by one; holding it meanwhile keeps any
    other program from taking the port that 0 chose. A socket that does not listen
    gets no connections, so holding it takes none from the workers.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        yield int(sock.getsockname()[1])


def serve_workers(
    make_app: AppFactory,
    host: str,
    port: int,
    count: int,
    on_ready: Callable[[int], None],
    *,
    loop: str = ASYNCIO,
) -> int:
    """Serve `make_app()` from `count` forked workers until SIGINT or SIGTERM, each on a
    new event loop of `loop` (see `serving.loops`).

    `on_ready` gets the port once every worker listens on it. Returns 0 after a
    requested stop, 1 when a worker ended on its own (the others are stopped too).
    Raises `WorkersError` (or `OSError` for the port) when the workers cannot start.
    """
    reason = unsupported_reason()
    if reason is not None:
        raise WorkersError(reason)
    context = multiprocessing.get_context("fork")
    reports: multiprocessing.Queue[str] = context.Queue()
    workers: list[BaseProcess] = []
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for worker in workers:
            if worker.pid is not None and worker.exitcode is None:
                os.kill(worker.pid, signal.SIGTERM)

    # The parent runs no event loop: plain handlers pass the stop on to the workers.
    previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    try:
        with reserved_port(host, port) as bound:
            for number in range(count):
                worker = context.Process(
                    target=_worker,
                    args=(make_app, host, bound, reports, loop),
                    name=f"worker-{number}",
                )
                worker.start()
                workers.append(worker)
            wait_until_listening(
                reports,
                count,
                failed=lambda: any(worker.exitcode is not None for worker in workers),
                stopped=lambda: stopping,
            )
        if stopping:
            return 0
        on_ready(bound)
        wait([worker.sentinel for worker in workers])
        if not stopping:
            print("mockserver: a worker stopped unexpectedly; stopping the others", file=sys.stderr)
        return 0 if stopping else 1
    finally:
        _stop(workers)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def wait_until_listening(
    reports: multiprocessing.Queue[str],
    count: int,
    *,
    failed: Callable[[], bool],
    stopped: Callable[[], bool],
    timeout: float = STARTUP_TIMEOUT_SECONDS,
) -> None:
    """Return once `count` workers report LISTENING, or `stopped()` turns true.

    Raises `WorkersError` with a worker's report of why it cannot listen, when
    `failed()` (a worker ended) or when `timeout` seconds pass first.
    """
    deadline = time.monotonic() + timeout
    listening = 0
    while listening < count and not stopped():
        try:
            report = reports.get(timeout=0.1)
        except queue.Empty:
            if time.monotonic() > deadline:
                raise WorkersError(f"the workers did not listen within {timeout:g} s") from None
            if failed():
                raise WorkersError("a worker stopped while starting") from None
            continue
        if report != LISTENING:
            raise WorkersError(report)
        listening += 1


def _stop(workers: list[BaseProcess]) -> None:
    for worker in workers:
        if worker.exitcode is None:
            worker.terminate()
    for worker in workers:
        worker.join(STOP_TIMEOUT_SECONDS)
        if worker.exitcode is None:
            worker.kill()
            worker.join()


def _worker(
    make_app: AppFactory, host: str, port: int, reports: multiprocessing.Queue[str], loop: str
) -> None:
    """One worker: serve until SIGINT or SIGTERM, telling the parent once it listens."""
    # The parent's handlers came along with the fork; serving installs its own.
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_DFL)
    try:
        run(
            serve_until_signalled(
                make_app(),
                host,
                port,
                reuse_port=True,
                on_ready=lambda _: reports.put(LISTENING),
            ),
            loop,
        )
    except OSError as error:
        reports.put(listen_problem(host, port, error))
        sys.exit(1)
