"""pytest fixtures that run the mock for a client's tests (registered as the `mockserver` plugin).

- `mock_api`: a fresh world for each test. One server per world serves them all: it
  starts at the first test that needs it and is put back after each (as
  `MockApi.reset()` does), which costs far less than a server per test.
- `mock_api_session`: one server for the whole session; call `reset()` when a test needs
  a clean one.

Both serve in-process, on a free port of 127.0.0.1, from their own thread and event
loop, and yield a `MockApi` (see `mockserver.control.client`). Options
`--mock-api-seed` and `--mock-api-entries` choose the world, the marker
`@pytest.mark.mock_api(seed=..., entries=...)` one test's world, and
`--mock-api-coverage` prints at the end what the tests exercised of the API.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import pytest

from mockserver.api.keys import state_key
from mockserver.app import create_app
from mockserver.config import DEFAULT_ENTRIES, DEFAULT_SEED, Config, WorldConfig
from mockserver.control.client import MockApi
from mockserver.control.coverage import Coverage, render
from mockserver.domain.events import fork_world
from mockserver.domain.models import World
from mockserver.scenario.build import build_world
from mockserver.serving.server import ThreadedServer
from mockserver.spec.loader import load_spec

MARKER = "mock_api"
MARKER_OPTIONS = ("seed", "entries")
# A reset forks a world generated once, in well under a millisecond; one that takes
# this long means the server's loop is stuck.
RESET_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class _Shared:
    """The server `mock_api` lends for one world, its `MockApi` and the world's keys."""

    server: ThreadedServer
    mock_api: MockApi
    keys: list[dict[str, str]]


class MockApiServers:
    """The servers of one pytest session, and what they share.

    `mock_api` has one server per world a test asks for, started at the first such test
    and stopped by `close()`; `mock_api_session` has its own, which only its `reset()`
    puts back. Each world is generated once per session and forked for every server
    and reset. Coverage, when asked for, is summed over every server before it resets
    or stops.
    """

    def __init__(self, world: WorldConfig, *, coverage: bool) -> None:
        self.world = world
        self.collect_coverage = coverage
        self._pristine: dict[WorldConfig, World] = {}
        self._coverage: Coverage | None = None
        self._shared: dict[WorldConfig, _Shared] = {}
        self._running = ExitStack()

    @contextmanager
    def serve(self, world: WorldConfig) -> Iterator[MockApi]:
        """A server of its own for the block, as `mock_api_session` has."""
        with self._server(world) as server:
            mock_api = MockApi(server.url, before_reset=self._harvest)
            try:
                yield mock_api
            finally:
                self._harvest(mock_api)

    @contextmanager
    def lend(self, world: WorldConfig) -> Iterator[MockApi]:
        """The shared server of `world` for the block, put back when the block ends.

        Its `MockApi` is lent too, the way the server is: asking the server for its keys
        again would cost a control call per test, and the keys are the world's, which a
        reset gives back unchanged. Only its list of keys can be changed in place, so a
        copy of that list is given back too.
        """
        shared = self._shared.get(world)
        if shared is None:
            server = self._running.enter_context(self._server(world))
            mock_api = MockApi(server.url, before_reset=self._harvest)
            keys = [dict(key) for key in mock_api.keys]
            shared = self._shared[world] = _Shared(server, mock_api, keys)
        try:
            yield shared.mock_api
        finally:
            self._harvest(shared.mock_api)
            _reset(shared.server)
            shared.mock_api.keys = [dict(key) for key in shared.keys]

    def close(self) -> None:
        """Stop the shared servers."""
        self._shared.clear()
        self._running.close()

    def _server(self, world: WorldConfig) -> ThreadedServer:
        pristine = self._pristine.get(world)
        if pristine is None:
            pristine = self._pristine[world] = build_world(world)
        app = create_app(Config(world=world, port=0), world_factory=partial(fork_world, pristine))
        return ThreadedServer(app)

    def _harvest(self, mock_api: MockApi) -> None:
        if not self.collect_coverage:
            return
        if self._coverage is None:
            self._coverage = Coverage(load_spec())
        self._coverage.absorb(mock_api.coverage())

    def coverage_text(self) -> str | None:
        if self._coverage is None:
            return None
        return render(self._coverage.report())


def _reset(server: ThreadedServer) -> None:
    """Put the server's state back, on the server's own loop, and wait until it is."""
    state = server.server.app[state_key]
    asyncio.run_coroutine_threadsafe(state.reset(), server.loop).result(RESET_TIMEOUT_SECONDS)


_servers_key = pytest.StashKey[MockApiServers]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mock-api", "the Audit Log & Project API mock (mockserver)")
    group.addoption(
        "--mock-api-seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"seed of the mock_api worlds (default {DEFAULT_SEED})",
    )
    group.addoption(
        "--mock-api-entries",
        type=int,
        default=DEFAULT_ENTRIES,
        help=f"audit-log entries of the first project of the mock_api worlds "
        f"(default {DEFAULT_ENTRIES})",
    )
    group.addoption(
        "--mock-api-coverage",
        action="store_true",
        help="print at the end which operations, parameters, status codes and error codes "
        "of the API the tests exercised, and which they never did",
    )


def _world(base: WorldConfig, options: dict[str, Any], origin: str) -> WorldConfig:
    for name, value in options.items():
        if name not in MARKER_OPTIONS:
            raise pytest.UsageError(f"{origin}: unknown option {name!r}; use seed or entries")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise pytest.UsageError(f"{origin}: {name} must be an integer >= 0, got {value!r}")
    return replace(base, **options)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(seed=None, entries=None): the world of this test's mock_api fixture",
    )
    world = _world(
        WorldConfig(),
        {
            "seed": config.getoption("--mock-api-seed"),
            "entries": config.getoption("--mock-api-entries"),
        },
        "--mock-api-seed/--mock-api-entries",
    )
    coverage = bool(config.getoption("--mock-api-coverage"))
    config.stash[_servers_key] = MockApiServers(world, coverage=coverage)


@pytest.fixture(scope="session")
def _mock_api_servers(pytestconfig: pytest.Config) -> Iterator[MockApiServers]:
    """The session's servers, stopped when it ends."""
    servers = pytestconfig.stash[_servers_key]
    try:
        yield servers
    finally:
        servers.close()


@pytest.fixture(scope="session")
def mock_api_session(pytestconfig: pytest.Config) -> Iterator[MockApi]:
    """One mock server for the whole session; `reset()` it when a test needs a clean one."""
    servers = pytestconfig.stash[_servers_key]
    with servers.serve(servers.world) as mock_api:
        yield mock_api


@pytest.fixture
def mock_api(
    request: pytest.FixtureRequest, _mock_api_servers: MockApiServers
) -> Iterator[MockApi]:
    """A mock server with a fresh world, for this test only; put back when it ends."""
    servers = _mock_api_servers
    world = servers.world
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        if marker.args:
            raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keywords: seed=..., entries=...")
        world = _world(world, dict(marker.kwargs), f"@pytest.mark.{MARKER}")
    with servers.lend(world) as mock_api:
        yield mock_api


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    servers = config.stash.get(_servers_key, None)
    if servers is None or not servers.collect_coverage:
        return
    terminalreporter.write_sep("=", "mock API coverage")
    text = servers.coverage_text()
    terminalreporter.write_line(text if text is not None else "no mock_api server was started")
