"""The CPU time the server spends on one request, in-process: from the bytes that arrive
to the bytes it writes back.

    python -m benchmarks.request_path

It builds the mock with the control API on (the default) and off, the floor (the bare
aiohttp handler of `benchmarks.ceiling`) and the floor with one middleware that only
hands the request on (what aiohttp itself adds once an app has any), and serves each on
32 connections whose far ends are in memory, each sending its next request once
answered, as wrk's do: aiohttp's own protocol parses the requests, the app answers them
and the response is serialized as for a socket; only the system calls are left out.
The mock is served by the runner every server of the mock uses
(`serving.server.app_runner`, with its access log, which the default log level keeps
quiet), the floor as `web.run_app` serves it. What is left out (the socket, the loop's
waiting for it) is the same for all of them, so the differences are what the mock's own
request path costs: with the control API on rather than off, the journal, the faults
and the coverage. Measured this way the figure moves far less with other work on the
machine than a load test's. Each figure is the fastest of several rounds, the rounds
taking the apps in turn.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from benchmarks.ceiling import ceiling_app
from mockserver.api.keys import state_key
from mockserver.app import create_app
from mockserver.config import Config, WorldConfig
from mockserver.control.journal import MAX_RECORDED
from mockserver.serving.server import app_runner

CONTROL_ON = "control API on"
CONTROL_OFF = "--no-control"
FLOOR = "floor"
# The floor with one middleware that only hands the request on: what aiohttp itself
# adds to every request of an app that has any middleware at all.
FLOOR_WITH_MIDDLEWARE = "floor + middleware"
PATH = "/api/v1/audit-log?limit=50"
# Connections served at once, each sending its next request once answered, as wrk's do:
# the loop wakes for each request, and the requests of the connections interleave.
CONNECTIONS = 32


def raw_request(key: str, path: str = PATH) -> bytes:
    """The request wrk sends (`benchmarks.wrk`) for `path`, with the key."""
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: Bearer {key}\r\n\r\n"
    ).encode()


class _Sink(asyncio.Transport):
    """The far end of a connection, in memory: it counts the answers the server writes.

    Every answer starts a write of its own (aiohttp writes the headers with the body
    that follows them), so an answer is a write that starts with the status line.
    """

    def __init__(self) -> None:
        super().__init__()
        self.statuses: list[bytes] = []
        self._expected = 0
        self._done: asyncio.Future[None] | None = None

    def expect(self, answers: int) -> asyncio.Future[None]:
        self._expected = len(self.statuses) + answers
        self._done = asyncio.get_running_loop().create_future()
        return self._done

    def write(self, data: Any) -> None:
        chunk = bytes(data[:12])
        if chunk.startswith(b"HTTP/1.1 "):
            self.statuses.append(chunk[9:12])
            if len(self.statuses) == self._expected and self._done is not None:
                self._done.set_result(None)

    def writelines(self, list_of_data: Iterable[Any]) -> None:
        for data in list_of_data:
            self.write(data)
            break

    def is_closing(self) -> bool:
        return False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 50_000) if name in ("peername", "sockname") else default

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass(frozen=True, slots=True)
class RequestPath:
    """CPU microseconds a request of each app, and what the control API adds."""

    cpu_us: Mapping[str, float]

    @property
    def control_us(self) -> float:
        return self.cpu_us[CONTROL_ON] - self.cpu_us[CONTROL_OFF]


async def cpu_us(runner: web.BaseRunner, request: bytes, requests: int) -> float:
    """CPU microseconds a request, over about `requests` requests on new connections."""
    server = runner.server
    assert server is not None
    connections = [(server(), _Sink()) for _ in range(CONNECTIONS)]
    for protocol, sink in connections:
        protocol.connection_made(sink)
    rounds = max(1, requests // CONNECTIONS)
    started = time.process_time()
    for _ in range(rounds):
        answered = []
        for protocol, sink in connections:
            answered.append(sink.expect(1))
            protocol.data_received(request)
        await asyncio.gather(*answered)
    spent = time.process_time() - started
    wrong: set[bytes] = set()
    for protocol, sink in connections:
        protocol.connection_lost(None)
        wrong.update(status for status in sink.statuses if status != b"200")
    if wrong:
        line = request.partition(b"\r\n")[0].decode()
        raise SystemExit(f"{line} answered {sorted(wrong)} in-process")
    return spent / (rounds * CONNECTIONS) * 1e6


@web.middleware
async def _hand_on(request: web.Request, handler: Handler) -> web.StreamResponse:
    return await handler(request)


def _floor(*middlewares: Middleware) -> web.AppRunner:
    """The floor, served as `web.run_app` serves it (`benchmarks.ceiling`)."""
    app = ceiling_app(b"{}", PATH.partition("?")[0])
    app.middlewares.extend(middlewares)
    return web.AppRunner(app, access_log=None, handle_signals=False)


# Every app measured, in the order the rounds take them.
APPS = (FLOOR, FLOOR_WITH_MIDDLEWARE, CONTROL_OFF, CONTROL_ON)


def runner(name: str, entries: int) -> tuple[web.BaseRunner, str]:
    """The app called `name`, with its runner (not set up yet), and a key it accepts:
    the mock's over a world of `entries` entries are the same world, with the same keys."""
    if name in (FLOOR, FLOOR_WITH_MIDDLEWARE):
        # The floor reads no key.
        return (_floor() if name == FLOOR else _floor(_hand_on)), "-"
    mock = create_app(Config(world=WorldConfig(entries=entries), control=name == CONTROL_ON))
    return app_runner(mock), mock[state_key].world.projects[0].keys[0].key


async def warmed_up(runner: web.BaseRunner, request: bytes) -> None:
    """Set `runner` up and serve it as many requests as the journal holds: what a first
    request builds is not measured, and the journal is full, as on any server under
    load (each request then pushes the oldest out instead of holding on to more memory,
    which costs more)."""
    await runner.setup()
    await cpu_us(runner, request, MAX_RECORDED)


async def _measure(entries: int, requests: int, rounds: int) -> RequestPath:
    apps = {name: runner(name, entries) for name in APPS}
    fastest = dict.fromkeys(apps, float("inf"))
    try:
        for served, key in apps.values():
            await warmed_up(served, raw_request(key))
        for _ in range(rounds):
            for name, (served, key) in apps.items():
                us = await cpu_us(served, raw_request(key), requests)
                fastest[name] = min(fastest[name], us)
    finally:
        for served, _ in apps.values():
            await served.cleanup()
    return RequestPath({name: round(us, 2) for name, us in fastest.items()})


def measure(entries: int = 10_000, *, requests: int = 5_000, rounds: int = 7) -> RequestPath:
    """The fastest of `rounds` rounds of `requests` requests, each app in turn."""
    return asyncio.run(_measure(entries, requests, rounds))


async def _measure_shapes(
    paths: Mapping[int, Mapping[str, str]], requests: int, rounds: int
) -> dict[int, dict[str, float]]:
    by_size = {entries: runner(CONTROL_ON, entries) for entries in paths}
    fastest = {entries: dict.fromkeys(shapes, float("inf")) for entries, shapes in paths.items()}
    try:
        for entries, shapes in paths.items():
            served, key = by_size[entries]
            await warmed_up(served, raw_request(key))
            for path in shapes.values():
                await cpu_us(served, raw_request(key, path), 4 * CONNECTIONS)
        names = list(dict.fromkeys(name for shapes in paths.values() for name in shapes))
        for _ in range(rounds):
            for name in names:
                # A shape's sizes one right after the other: what they are compared on
                # is measured as close in time as it can be.
                for entries, shapes in paths.items():
                    if name in shapes:
                        served, key = by_size[entries]
                        us = await cpu_us(served, raw_request(key, shapes[name]), requests)
                        fastest[entries][name] = min(fastest[entries][name], us)
    finally:
        for served, _ in by_size.values():
            await served.cleanup()
    return {
        entries: {name: round(us, 2) for name, us in shapes.items()}
        for entries, shapes in fastest.items()
    }


def measure_shapes(
    paths: Mapping[int, Mapping[str, str]], *, requests: int = 3_200, rounds: int = 5
) -> dict[int, dict[str, float]]:
    """CPU microseconds a request of the default mock, for each world size of `paths`
    and each of its paths by name: the fastest of `rounds` rounds, which take every
    size and path in turn, so that a slower spell of the machine spoils no comparison."""
    return asyncio.run(_measure_shapes(paths, requests, rounds))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    found = measure(args.entries, rounds=args.rounds)
    for name, us in found.cpu_us.items():
        print(f"{name:<20} {us:6.2f} us CPU a request, in-process")
    print(f"the control API adds {found.control_us:.2f} us a request")


if __name__ == "__main__":
    main()
