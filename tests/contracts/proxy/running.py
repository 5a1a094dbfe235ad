"""The proxy in front of the mock (or a variant of it), judging what passes, for the tests."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import requests
from aiohttp.typedefs import Middleware

from contracts.proxy.monitor import BY_CLIENT, Monitor
from contracts.proxy.serving import Listen, ThreadedProxy
from mockserver.domain.models import World
from tests.contracts.harness import serving
from tests.contracts.variants import Keys

AUDIT_LOG = "/api/v1/audit-log"
PROJECT = "/api/v1/project"


@dataclass
class Proxied:
    """A proxy in front of a target: its URL, the target's, and what the monitor found."""

    url: str
    target: str
    monitor: Monitor
    lines: list[str] = field(default_factory=list)

    def found(self) -> set[str]:
        """The checks the target broke (the client's own mistakes left out)."""
        return {
            name
            for name, tally in self.monitor.tallies.items()
            if tally.violations and name not in BY_CLIENT
        }

    def found_of_client(self) -> set[str]:
        return {
            name
            for name, tally in self.monitor.tallies.items()
            if tally.violations and name in BY_CLIENT
        }


@contextmanager
def proxy_for(target: str, *, annotate: bool = False) -> Iterator[Proxied]:
    """A proxy in front of `target`; the monitor has judged everything when the block ends."""
    lines: list[str] = []
    monitor = Monitor(target, lines.append)
    proxied = Proxied("", target, monitor, lines)
    with (
        monitor,
        ThreadedProxy(
            Listen(target=target, trust_env=False),
            monitor.submit,
            monitor.annotate if annotate else None,
        ) as proxy,
    ):
        proxied.url = proxy.url
        yield proxied


@contextmanager
def mock_behind_proxy(
    world: World, middlewares: Sequence[Middleware] = (), *, annotate: bool = False
) -> Iterator[Proxied]:
    with serving(world, middlewares) as target, proxy_for(target, annotate=annotate) as proxied:
        yield proxied


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def exercise(url: str, keys: Keys) -> None:
    """Traffic an application and its tests might send: every operation, parameter and
    refusal a single exchange can be judged on, mistakes of the client's included."""
    admin, member = bearer(keys.admin[0]), bearer(keys.member[0])
    with requests.Session() as session:

        def get(target: str, headers: dict[str, str] | None = None) -> requests.Response:
            return session.get(url + target, headers=admin if headers is None else headers)

        newest = get(AUDIT_LOG + "?limit=200").json()["data"]
        pairs = itertools.pairwise(newest)
        tied = next(b["timestamp"] for a, b in pairs if a["timestamp"] == b["timestamp"])
        # A page exactly as long as the listing: hasMore is false however full it looks.
        edge = newest[9]["timestamp"]
        newer = sum(entry["timestamp"] > edge for entry in newest)
        for target in (
            AUDIT_LOG,
            AUDIT_LOG + "?limit=5",
            AUDIT_LOG + "?limit=5",
            AUDIT_LOG + "?limit=1",
            AUDIT_LOG + "?action=entity.created&limit=200",
            AUDIT_LOG + "?action=Entity.Created",
            AUDIT_LOG + "?action=entity.c",
            AUDIT_LOG + "?action=nothing.happened",
            AUDIT_LOG + "?userId=system&limit=100",
            AUDIT_LOG + f"?action=entity.created&userId=system&since={newest[-1]['timestamp']}",
            AUDIT_LOG + f"?since={newest[20]['timestamp']}",
            AUDIT_LOG + f"?since={tied - 1}&limit=200",
            AUDIT_LOG + "?limit=5&limit%5B%5D=1",
            AUDIT_LOG + "?limit=500",
            AUDIT_LOG + "?limit=0",
            AUDIT_LOG + "?limit=1.5",
            AUDIT_LOG + "?limit=+5",
            AUDIT_LOG + f"?since={edge}&limit={newer}",
            AUDIT_LOG + "?limit=2&limit=3",
            AUDIT_LOG + "?since=-1",
            AUDIT_LOG + "?action=",
            AUDIT_LOG + "?offset=3",
            AUDIT_LOG + "?limit=" + "9" * 30,
        ):
            get(target)
        for _ in range(10):
            get(PROJECT)
        get(PROJECT, member)
        get(AUDIT_LOG, member)
        get(AUDIT_LOG, {})
        get(PROJECT, {})
        get(PROJECT, {"Authorization": "Bearer contracts-not-a-key-000"})
        get(AUDIT_LOG, {"Authorization": f"Token {keys.admin[0]}"})
        session.head(url + AUDIT_LOG, headers=admin)
        session.head(url + PROJECT, headers=admin)
        for method in ("POST", "DELETE"):
            session.request(method, url + AUDIT_LOG, headers=admin)
        get("/api/v1/audit-logs")
