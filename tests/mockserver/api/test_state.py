"""`ServerState`: one object owns what a reset puts back, and `reset()` puts all of it back."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mockserver import Config, ThreadedServer, WorldConfig, create_app
from mockserver.api.errors import ApiError
from mockserver.api.keys import state_key
from mockserver.api.state import ServerState
from mockserver.domain.clock import Clock
from mockserver.domain.events import fork_world
from mockserver.domain.models import Role, World
from mockserver.generate.world import generate_world
from tests.conftest import FROZEN_AT, SMALL, bearer, key_of

TINY = WorldConfig(seed=1, entries=20, projects=2)


@pytest.fixture(scope="module")
def worlds() -> tuple[World, World]:
    return generate_world(TINY), generate_world(WorldConfig(seed=2, entries=20, projects=2))


def admin_header(world: World, project: int = 0) -> str:
    return bearer(key_of(world, project, Role.ADMIN))["Authorization"]


# The state alone


def test_it_serves_the_given_world_or_else_the_factorys(worlds: tuple[World, World]) -> None:
    first, second = worlds
    given_world = ServerState(lambda: second, Clock(), cache_ttl_seconds=60, world=first)
    assert given_world.world is first
    assert ServerState(lambda: second, Clock(), cache_ttl_seconds=60).world is second


async def test_reset_installs_a_fresh_world_its_keys_and_an_empty_cache(
    worlds: tuple[World, World],
) -> None:
    first, second = worlds
    made = iter([first, second])
    state = ServerState(lambda: next(made), Clock(), cache_ttl_seconds=60)
    old_cache = state.counts_cache
    state.counts_cache.get(first.projects[0])
    _, project = state.authenticate(admin_header(first))
    assert project is first.projects[0]

    await state.reset()

    assert state.world is second
    assert state.counts_cache is not old_cache
    _, project = state.authenticate(admin_header(second, 1))
    assert project is second.projects[1]
    with pytest.raises(ApiError) as refused:
        state.authenticate(admin_header(first))
    assert refused.value.status == 401


@pytest.mark.parametrize("frozen_at", [FROZEN_AT, None])
async def test_reset_puts_the_clock_back_at_its_start(
    worlds: tuple[World, World], frozen_at: int | None
) -> None:
    clock = Clock(frozen_at=frozen_at)
    state = ServerState(lambda: worlds[0], clock, cache_ttl_seconds=60)
    for move in (clock.run_real, clock.freeze, partial(clock.set, 5), partial(clock.advance, 9)):
        move()
        await state.reset()
        assert clock.frozen is (frozen_at is not None)
        if frozen_at is None:
            assert abs(clock.now_ms() - time.time() * 1000) < 5_000
        else:
            assert clock.now_ms() == frozen_at


async def test_hooks_run_in_order_once_the_world_and_the_clock_are_back(
    worlds: tuple[World, World],
) -> None:
    first, second = worlds
    made = iter([first, second])
    clock = Clock(frozen_at=FROZEN_AT)
    state = ServerState(lambda: next(made), clock, cache_ttl_seconds=60)
    seen: list[tuple[str, World, int]] = []
    state.on_reset(lambda: seen.append(("one", state.world, clock.now_ms())))
    state.on_reset(lambda: seen.append(("two", state.world, clock.now_ms())))
    assert seen == []
    clock.set(5)

    await state.reset()

    assert seen == [("one", second, FROZEN_AT), ("two", second, FROZEN_AT)]


async def test_the_world_is_built_off_the_event_loop(worlds: tuple[World, World]) -> None:
    builders: list[int] = []

    def build() -> World:
        builders.append(threading.get_ident())
        return worlds[0]

    state = ServerState(build, Clock(), cache_ttl_seconds=60)
    loop_thread: list[int] = []
    state.on_reset(lambda: loop_thread.append(threading.get_ident()))
    await state.reset()
    assert builders[0] == threading.get_ident() == loop_thread[0]
    assert builders[1] != loop_thread[0]


async def test_replace_world_serves_the_new_world_and_leaves_the_rest(
    worlds: tuple[World, World],
) -> None:
    first, second = worlds
    clock = Clock(frozen_at=FROZEN_AT)
    state = ServerState(lambda: first, clock, cache_ttl_seconds=60, world=first)
    replaced: list[World] = []
    reset: list[str] = []
    state.on_replace(lambda: replaced.append(state.world))
    state.on_reset(lambda: reset.append("reset"))
    old_cache = state.counts_cache
    clock.set(FROZEN_AT + 5)
    builders: list[int] = []

    def build() -> World:
        builders.append(threading.get_ident())
        return second

    assert await state.replace_world(build) is second
    assert state.world is second and replaced == [second] and reset == []
    assert builders != [threading.get_ident()], "built off the loop"
    assert state.counts_cache is not old_cache
    assert clock.now_ms() == FROZEN_AT + 5, "the clock is left as it is"
    _, project = state.authenticate(admin_header(second))
    assert project is second.projects[0]
    with pytest.raises(ApiError):
        state.authenticate(admin_header(first, 1))


async def test_a_failed_replace_keeps_the_served_world(worlds: tuple[World, World]) -> None:
    first, _ = worlds
    state = ServerState(lambda: first, Clock(), cache_ttl_seconds=60)
    replaced: list[World] = []
    state.on_replace(lambda: replaced.append(state.world))
    keyring = state.keyring

    def broken() -> World:
        raise ValueError("no world")

    with pytest.raises(ValueError, match="no world"):
        await state.replace_world(broken)
    assert (state.world, state.keyring, replaced) == (first, keyring, [])


# The state of a whole server: random changes through its API and its control API, then
# a reset from another thread (as the pytest plugin does it); what the server answers
# afterwards is what a new server answers.

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
AUDIT_LOG = "/api/v1/audit-log"
PROJECT = "/api/v1/project"
# Live activity on, so that a reset must restart it too, and a clock that starts frozen,
# so that everything the server answers is known.
STATE_CONFIG = Config(world=SMALL, clock_frozen_at_ms=FROZEN_AT, activity_per_second=2.0)
CREATED = {"action": "entity.created", "userId": "usr_1", "entityId": "ent_x"}


class Server:
    """A served app, driven over HTTP."""

    def __init__(self, url: str, world: World) -> None:
        self.url = url
        self.admins = [admin_header(world, index) for index in range(len(world.projects))]
        self.projects = [project.slug for project in world.projects]

    def send(self, method: str, path: str, body: Any = None, key: str | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": key} if key else {}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url + path, data, headers, method=method)
        try:
            with OPENER.open(request, timeout=10) as response:
                content = response.read()
                return response.status, json.loads(content) if content else None
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


def observe(server: Server) -> dict[str, Any]:
    """What the server shows of every part of its state, then of how it goes on."""
    seen: dict[str, Any] = {
        part: server.send("GET", f"/__mock/{part}")
        for part in ("clock", "faults", "requests", "coverage", "keys")
    }
    for step in range(2):
        for index, admin in enumerate(server.admins):
            seen[f"log {index} {step}"] = server.send("GET", AUDIT_LOG + "?limit=200", key=admin)
            seen[f"counts {index} {step}"] = server.send("GET", PROJECT, key=admin)
        seen[f"created {step}"] = server.send("POST", "/__mock/events", {"events": [CREATED]})
        # Past the cache of the counts, with a minute of live activity.
        server.send("POST", "/__mock/clock", {"advance": 61_000})
    status, journal = server.send("GET", "/__mock/requests")
    seen["journal"] = status, [(r["method"], r["path"], r["status"]) for r in journal["data"]]
    return seen


EVENTS = st.lists(
    st.sampled_from(
        [
            CREATED,
            {"action": "entity.deleted", "userId": "usr_1", "entityId": "ent_x"},
            {"action": "member.invited", "userId": "usr_1", "metadata": {"email": "a@b.example"}},
            {"action": "entity_type.created", "userId": "usr_1", "metadata": {"name": "t"}},
        ]
    ),
    min_size=1,
    max_size=3,
)
Change = Callable[[Server], object]


def add_events(events: list[dict[str, Any]], project: int) -> Change:
    return lambda s: s.send(
        "POST", "/__mock/events", {"events": events, "project": s.projects[project]}
    )


def move_clock(body: dict[str, Any]) -> Change:
    return lambda s: s.send("POST", "/__mock/clock", body)


def add_fault(path: str, count: int) -> Change:
    return lambda s: s.send("POST", "/__mock/faults", {"path": path, "status": 500, "count": count})


def read(path: str, project: int) -> Change:
    """A request to the API: journaled, covered, counts cached, live activity brought up."""
    return lambda s: s.send("GET", path, key=s.admins[project])


def clear(part: str) -> Change:
    return lambda s: s.send("DELETE", f"/__mock/{part}")


PROJECTS = st.sampled_from([0, 1])
INSTANTS = st.integers(FROZEN_AT - 600_000, FROZEN_AT + 600_000) | st.just(FROZEN_AT)
CHANGES: st.SearchStrategy[Change] = st.one_of(
    st.builds(add_events, EVENTS, PROJECTS),
    st.sampled_from([{"freeze": True}, {"real": True}]).map(move_clock),
    st.integers(0, 600_000).map(lambda ms: move_clock({"advance": ms})),
    INSTANTS.map(lambda ms: move_clock({"set": ms})),
    st.builds(add_fault, st.sampled_from([AUDIT_LOG, PROJECT]), st.integers(1, 3)),
    st.builds(
        read, st.sampled_from([AUDIT_LOG + "?limit=5", AUDIT_LOG + "?since=5", PROJECT]), PROJECTS
    ),
    st.sampled_from(["requests", "faults"]).map(clear),
)


@pytest.fixture(scope="module")
def fresh(small_world: World) -> dict[str, Any]:
    """What a new server shows."""
    app = create_app(STATE_CONFIG, world_factory=partial(fork_world, small_world))
    with ThreadedServer(app) as threaded:
        return observe(Server(threaded.url, small_world))


@pytest.fixture(scope="module")
def served(small_world: World) -> Iterator[tuple[ThreadedServer, Server]]:
    app = create_app(STATE_CONFIG, world_factory=partial(fork_world, small_world))
    with ThreadedServer(app) as threaded:
        yield threaded, Server(threaded.url, small_world)


def reset_from_this_thread(threaded: ThreadedServer) -> None:
    state = threaded.server.app[state_key]
    asyncio.run_coroutine_threadsafe(state.reset(), threaded.loop).result(30)


def test_a_new_server_is_seen_as_one(
    served: tuple[ThreadedServer, Server], fresh: dict[str, Any]
) -> None:
    # Without this, the property below could compare two servers that both show nothing.
    _, server = served
    assert fresh["clock"] == (200, {"now": FROZEN_AT, "frozen": True})
    assert fresh["created 0"][0] == 201
    assert fresh["log 0 1"][1]["total"] > fresh["log 0 0"][1]["total"] + 1
    entities = [fresh[f"counts 0 {step}"][1]["data"]["entityCount"] for step in range(2)]
    assert entities[1] > entities[0]
    assert len(fresh["journal"][1]) == 2 * 2 * len(server.admins)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(changes=st.lists(CHANGES, max_size=8))
# Counts cached at the instant the clock starts from, for a world that has changed.
@example(changes=[move_clock({"set": FROZEN_AT}), add_events([CREATED], 0), read(PROJECT, 0)])
def test_after_any_changes_a_reset_server_answers_as_a_new_one(
    served: tuple[ThreadedServer, Server], fresh: dict[str, Any], changes: list[Change]
) -> None:
    threaded, server = served
    for change in changes:
        change(server)
    reset_from_this_thread(threaded)
    assert observe(server) == fresh
