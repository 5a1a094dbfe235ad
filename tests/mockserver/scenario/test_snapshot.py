"""Snapshots of a live mock: replayed, they answer exactly as the original did."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver import Config, ThreadedServer, create_app
from mockserver.config import ScenarioConfig, WorldConfig
from mockserver.domain.models import AuditEntry, Role, World
from mockserver.generate.world import DOCUMENTED_ACTIONS, generate_world
from mockserver.scenario.document import load_scenario, write_scenario
from mockserver.scenario.snapshot import (
    Progress,
    Snapshot,
    SnapshotError,
    SnapshotOptions,
    take_snapshot,
)
from tests.conftest import TEST_WORLD, key_of
from tests.mockserver.scenario.oracle import reachable

# Small enough that every entry is within reach of a client (no action+user pair
# holds more than a page), so the replay can answer everything like the original.
REPLAY_WORLD = WorldConfig(seed=3, entries=800, projects=2)
HINTS = [*((action, None) for action in DOCUMENTED_ACTIONS), (None, "system")]


def snapshot_of(url: str, world: World, **options: Any) -> Snapshot:
    admin = key_of(world, 0, Role.ADMIN)
    return asyncio.run(take_snapshot(SnapshotOptions(base_url=url, admin_key=admin, **options)))


def fetch(url: str, key: str | None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@dataclass
class Replay:
    world: World
    original: ThreadedServer
    copy: ThreadedServer
    snapshot: Snapshot


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replay]:
    world = generate_world(REPLAY_WORLD)
    path = tmp_path_factory.mktemp("replay") / "snapshot.yaml"
    with ThreadedServer(create_app(Config(world=REPLAY_WORLD), world=world)) as original:
        snapshot = snapshot_of(
            original.url,
            world,
            member_key=key_of(world, 0, Role.MEMBER),
            include_keys=True,
        )
        write_scenario(snapshot.document, path)
        served = Config(world=WorldConfig(scenario=ScenarioConfig(path=path)))
        with ThreadedServer(create_app(served)) as copy:
            yield Replay(world, original, copy, snapshot)


def test_a_small_log_is_captured_whole(replay: Replay) -> None:
    assert replay.snapshot.crawl.complete, replay.snapshot.report()
    assert "800 of 800 (100.0%): complete" in replay.snapshot.report()
    served = [e.to_dict() for e in replay.world.projects[0].log]
    assert sorted(replay.snapshot.document["projects"][0]["auditLog"], key=lambda e: e["id"]) == (
        sorted(served, key=lambda e: e["id"])
    )


@st.composite
def requests(draw: st.DrawFn, log: list[AuditEntry]) -> tuple[str, dict[str, Any], str]:
    """A request of any kind: mostly valid audit-log queries, some bad ones, some project."""
    role = draw(st.sampled_from(["admin"] * 8 + ["member", "bogus"]))
    if draw(st.integers(0, 9)) == 0:
        return "/api/v1/project", {}, role
    params: dict[str, Any] = {}
    if draw(st.booleans()):
        actions = [*sorted({e.action for e in log}), "ENTITY.CREATED", "nope"]
        params["action"] = draw(st.sampled_from(actions))
    if draw(st.booleans()):
        params["userId"] = draw(st.sampled_from([*sorted({e.user_id for e in log}), "nobody"]))
    if draw(st.booleans()):
        stamp = draw(st.sampled_from([e.timestamp for e in log]))
        params["since"] = stamp + draw(st.integers(-1, 1))
    if draw(st.booleans()):
        params["limit"] = draw(st.integers(1, 200) | st.sampled_from(["0", "201", "x", "-3"]))
    return "/api/v1/audit-log", params, role


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_the_replay_answers_every_request_exactly_as_the_original(
    replay: Replay, data: st.DataObject
) -> None:
    path, params, role = data.draw(requests(list(replay.world.projects[0].log)))
    key = {
        "admin": key_of(replay.world, 0, Role.ADMIN),
        "member": key_of(replay.world, 0, Role.MEMBER),
        "bogus": "alk_a_not_a_key",
    }[role]
    query = f"{path}?{urlencode(params)}"
    assert fetch(replay.copy.url + query, key) == fetch(replay.original.url + query, key)


def test_a_big_log_is_captured_as_far_as_any_client_can_reach(shared_world: World) -> None:
    with ThreadedServer(create_app(Config(world=TEST_WORLD), world=shared_world)) as original:
        snapshot = snapshot_of(original.url, shared_world)
    log = list(shared_world.projects[0].log)
    result = snapshot.crawl
    captured = {e["id"]: e for e in snapshot.document["projects"][0]["auditLog"]}
    assert set(captured) == reachable(log, 200, HINTS)
    assert all(captured[e.id] == e.to_dict() for e in log if e.id in captured)
    assert result.total == len(log) and not result.complete
    assert result.captured + result.beyond_reach + result.undiscovered == result.total
    assert result.beyond_reach > 0
    report = snapshot.report()
    assert f"{len(captured):,} of {len(log):,}" in report and "PARTIAL" in report
    assert f"{result.beyond_reach:,} are older than the newest 200" in report
    assert snapshot.document["snapshot"] == {
        "source": original.url,
        "takenAt": snapshot.document["snapshot"]["takenAt"],
        "captured": len(captured),
        "total": len(log),
        "complete": False,
    }


def test_since_bounds_the_snapshot(replay: Replay) -> None:
    log = list(replay.world.projects[0].log)
    since = log[len(log) // 2].timestamp
    snapshot = snapshot_of(replay.original.url, replay.world, since=since)
    after = {e.id for e in log if e.timestamp > since}
    assert {e["id"] for e in snapshot.document["projects"][0]["auditLog"]} == after
    assert snapshot.crawl.total == len(after) and snapshot.document["snapshot"]["since"] == since


def test_keys_are_written_only_when_asked_for(replay: Replay, tmp_path: Path) -> None:
    admin = key_of(replay.world, 0, Role.ADMIN)
    snapshot = snapshot_of(replay.original.url, replay.world, max_entries=5)
    path = tmp_path / "no-keys.json"
    write_scenario(snapshot.document, path)
    assert admin not in path.read_text()
    assert "keys" not in load_scenario(path)["projects"][0]
    assert "keys: not written" in snapshot.report()
    assert replay.snapshot.document["projects"][0]["keys"] == [
        {"key": admin, "role": "admin"},
        {"key": key_of(replay.world, 0, Role.MEMBER), "role": "member"},
    ]


def test_a_member_key_of_another_project_is_refused(replay: Replay) -> None:
    with pytest.raises(SnapshotError, match="the member key opens project"):
        snapshot_of(
            replay.original.url, replay.world, member_key=key_of(replay.world, 1, Role.MEMBER)
        )


def test_a_log_that_grows_meanwhile_is_reported() -> None:
    world = generate_world(WorldConfig(seed=5, entries=300, projects=1))
    project = world.projects[0]
    with ThreadedServer(create_app(Config(world=REPLAY_WORLD), world=world)) as original:
        newer = AuditEntry("ZZZZZZZZZZZZZZZZZZZZZZZZZZ", "entity.created", "system", "e", {}, 2**40)
        added: list[int] = []

        def grow(captured: int, total: int | None, requests: int) -> None:
            if not added:
                added.append(requests)
                original.loop.call_soon_threadsafe(project.log.add, newer)

        admin = key_of(world, 0, Role.ADMIN)
        options = SnapshotOptions(base_url=original.url, admin_key=admin, concurrency=1)
        snapshot = asyncio.run(take_snapshot(options, on_progress=grow))
    assert snapshot.grew_by == 1
    assert "the log gained 1 entries while the snapshot ran" in snapshot.report()


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_redraws_one_line_on_a_terminal() -> None:
    moments = iter([0.0, 0.05, 0.5, 1.0, 2.0])
    terminal = FakeTerminal()
    progress = Progress(terminal, now=lambda: next(moments))
    progress(200, 1000, 1)  # at 0.05 s: shown, the first
    progress(400, 1000, 2)  # at 0.5 s: shown
    progress(600, 1000, 3)  # at 1.0 s: shown
    progress.finish()  # at 2.0 s
    frames = terminal.getvalue().split("\r\033[K")[1:]
    assert frames[-1] == "snapshot: 600 of 1,000 entries, 3 requests, 300 entries/s\n"
    assert frames[0].startswith("snapshot: 200 of 1,000 entries, 1 requests")
    assert len(frames) == 4


def test_progress_logs_now_and_then_elsewhere(caplog: pytest.LogCaptureFixture) -> None:
    moments = iter([0.0, 1.0, 2.0, 12.0, 13.0])
    progress = Progress(io.StringIO(), now=lambda: next(moments), log_seconds=10)
    with caplog.at_level(logging.INFO, logger="mockserver.scenario.snapshot"):
        progress(10, None, 1)  # logged: the first
        progress(20, None, 2)  # 1 s later: quiet
        progress(30, 100, 3)  # 11 s after the first: logged, 30 in 12 s
        progress.finish()  # logged
    assert [r.getMessage() for r in caplog.records] == [
        "snapshot: 10 entries, 1 requests, 10 entries/s",
        "snapshot: 30 of 100 entries, 3 requests, 2 entries/s",
        "snapshot: 30 of 100 entries, 3 requests, 2 entries/s",
    ]
