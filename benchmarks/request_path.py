"""The CPU time the app spends on one request, in-process: routing, middlewares, handler.

    python -m benchmarks.request_path

It builds the mock with the control API on (the default) and off, and the floor (the
bare aiohttp handler of `benchmarks.ceiling`), and has each handle the same prepared
requests one after another, with no socket and no event-loop wake-up between them. What
is left out (parsing, writing, the loop) is the same for all three, so the differences
are what the mock's own request path costs: with the control API on rather than off,
the journal, the faults and the coverage. Measured this way the figure hardly moves
with other work on the machine, unlike a load test's. Each figure is the fastest of
several rounds, the rounds taking the apps in turn.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from benchmarks.ceiling import ceiling_app
from mockserver.api.keys import state_key
from mockserver.app import create_app
from mockserver.config import Config, WorldConfig

CONTROL_ON = "control API on"
CONTROL_OFF = "--no-control"
FLOOR = "floor"
PATH = "/api/v1/audit-log?limit=50"
# What wrk sends besides the key.
HEADERS = {"Host": "127.0.0.1:8080"}


@dataclass(frozen=True, slots=True)
class RequestPath:
    """CPU microseconds a request of each app, and what the control API adds."""

    cpu_us: Mapping[str, float]

    @property
    def control_us(self) -> float:
        return self.cpu_us[CONTROL_ON] - self.cpu_us[CONTROL_OFF]


async def _cpu_us(app: web.Application, headers: Mapping[str, str], requests: int) -> float:
    prepared = [make_mocked_request("GET", PATH, headers=headers, app=app) for _ in range(requests)]
    started = time.process_time()
    for request in prepared:
        # The app's own entry point, as aiohttp's protocol calls it for each request.
        response = await app._handle(request)
    spent = time.process_time() - started
    if response.status != 200:
        raise SystemExit(f"{PATH} answered {response.status} in-process")
    return spent / requests * 1e6


async def _measure(entries: int, requests: int, rounds: int) -> RequestPath:
    mock = create_app(Config(world=WorldConfig(entries=entries)))
    key = mock[state_key].world.projects[0].keys[0].key
    apps = {
        CONTROL_ON: mock,
        CONTROL_OFF: create_app(Config(world=WorldConfig(entries=entries), control=False)),
        FLOOR: ceiling_app(b"{}", PATH.partition("?")[0]),
    }
    headers = {**HEADERS, "Authorization": f"Bearer {key}"}
    for app in apps.values():
        app.freeze()
        await _cpu_us(app, headers, 100)  # what a first request builds is not measured
    fastest = {name: float("inf") for name in apps}
    for _ in range(rounds):
        for name, app in apps.items():
            fastest[name] = min(fastest[name], await _cpu_us(app, headers, requests))
    return RequestPath({name: round(us, 2) for name, us in fastest.items()})


def measure(entries: int = 10_000, *, requests: int = 5_000, rounds: int = 7) -> RequestPath:
    """The fastest of `rounds` rounds of `requests` requests, each app in turn."""
    return asyncio.run(_measure(entries, requests, rounds))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    found = measure(args.entries, rounds=args.rounds)
    for name, us in found.cpu_us.items():
        print(f"{name:<16} {us:6.2f} us CPU a request, in-process")
    print(f"the control API adds {found.control_us:.2f} us a request")


if __name__ == "__main__":
    main()
