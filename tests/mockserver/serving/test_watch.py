"""`--watch`: a changed scenario file is reloaded; a bad or unchanged one is not."""

from __future__ import annotations

import asyncio
import logging
import os
from functools import partial
from pathlib import Path

import pytest

from mockserver import Config, create_app
from mockserver.api.keys import state_key
from mockserver.api.state import ServerState
from mockserver.config import DEFAULT_WORLD_END_MS, ScenarioConfig, WorldConfig
from mockserver.domain.clock import Clock
from mockserver.scenario.build import build_world
from mockserver.serving.watch import ScenarioWatcher
from tests.conftest import ClientFactory
from tests.watched import ONE_ENTRY, TWO_ENTRIES

BAD = """\
projects:
  - plan: gold
    auditLog: [{timestamp: 2024-01-01}]
"""


def write(path: Path, text: str) -> None:
    """Write `text` with a modification time surely different from the last one."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text)
    os.utime(path, ns=(before + 10**9, before + 10**9))


def watched(path: Path) -> tuple[ServerState, ScenarioWatcher]:
    world = WorldConfig(scenario=ScenarioConfig(path=path), world_end_ms=DEFAULT_WORLD_END_MS)
    factory = partial(build_world, world)
    state = ServerState(factory, Clock(), cache_ttl_seconds=60)
    return state, ScenarioWatcher(state, path, factory)


def entries(state: ServerState) -> int:
    return len(state.world.projects[0].log)


async def test_a_good_change_is_served_and_an_unchanged_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "world.yaml"
    write(path, ONE_ENTRY)
    state, watcher = watched(path)
    assert await watcher.check() is None
    write(path, TWO_ENTRIES)
    assert await watcher.check() is True
    assert entries(state) == 2
    first = state.world
    # Saved again with the same content: a new mtime, the same hash, no reload.
    write(path, TWO_ENTRIES)
    assert await watcher.check() is None
    assert state.world is first


async def test_a_bad_change_keeps_the_world_and_logs_every_problem_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "world.yaml"
    write(path, ONE_ENTRY)
    state, watcher = watched(path)
    served = state.world
    write(path, BAD)
    with caplog.at_level(logging.ERROR, "mockserver.serving.watch"):
        assert await watcher.check() is False
        assert await watcher.check() is None, "the same bad file is not read again"
    assert state.world is served
    assert caplog.messages == [
        f"invalid scenario {path}: 3 problems\n"
        "  projects[0].auditLog[0].action: missing; expected a string of 1 to 100 characters\n"
        '  projects[0].auditLog[0].timestamp: expected an integer in Unix ms, got "2024-01-01"\n'
        '  projects[0].plan: expected one of free, pro, team, enterprise, got "gold"\n'
        "still serving the previous world"
    ]
    write(path, TWO_ENTRIES)
    assert await watcher.check() is True
    assert entries(state) == 2


async def test_a_removed_file_keeps_the_world(tmp_path: Path) -> None:
    path = tmp_path / "world.yaml"
    write(path, ONE_ENTRY)
    state, watcher = watched(path)
    served = state.world
    path.unlink()
    assert await watcher.check() is False
    assert await watcher.check() is None
    assert state.world is served
    write(path, TWO_ENTRIES)
    assert await watcher.check() is True


async def test_the_app_watches_while_it_runs_and_keeps_the_clock_and_journal(
    tmp_path: Path, aiohttp_client: ClientFactory
) -> None:
    path = tmp_path / "world.yaml"
    write(path, ONE_ENTRY)
    world = WorldConfig(scenario=ScenarioConfig(path=path))
    app = create_app(Config(world=world, watch=True, clock_frozen_at_ms=1_800_000_000_000))
    assert len(app.cleanup_ctx) == 1 + len(create_app(Config(world=world)).cleanup_ctx)
    client = await aiohttp_client(app)
    headers = {"Authorization": "Bearer demo-admin"}
    await client.post("/__mock/clock", json={"advance": 5_000})
    assert (await (await client.get("/api/v1/audit-log", headers=headers)).json())["total"] == 1
    write(path, TWO_ENTRIES)
    for _ in range(40):
        await asyncio.sleep(0.1)
        if len(app[state_key].world.projects[0].log) == 2:
            break
    assert (await (await client.get("/api/v1/audit-log", headers=headers)).json())["total"] == 2
    assert (await (await client.get("/__mock/clock")).json())["now"] == 1_800_000_005_000
    assert len((await (await client.get("/__mock/requests")).json())["data"]) == 2
