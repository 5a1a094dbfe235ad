"""Live activity: events come with the clock, at the configured rate, by the world's rules."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.api.keys import state_key
from mockserver.domain.clock import Clock
from mockserver.domain.events import EventWriter, fork_world
from mockserver.domain.models import SYSTEM_USER, AuditEntry, World
from mockserver.domain.rules import invited_member_id
from mockserver.generate import activity as activity_module
from mockserver.generate.activity import Activity
from mockserver.scenario.build import scenario_world
from mockserver.scenario.document import checked
from mockserver.spec.loader import load_spec
from mockserver.store.audit_log import AuditQuery
from tests.conftest import FROZEN_AT, AppFactory, admin_of, call
from tests.mockserver.domain.replay import Replay

SPEC = load_spec()


def running(world: World, per_second: float, seed: int = 5) -> tuple[Activity, Clock, World]:
    world = fork_world(world)
    clock = Clock(frozen_at=FROZEN_AT)
    writer = EventWriter(SPEC, clock, seed)
    activity = Activity(per_second, seed, clock, writer)
    activity.restart(world)
    return activity, clock, world


def added_since(world: World, instant: int) -> list[AuditEntry]:
    """Every entry after `instant` in all projects, oldest first."""
    entries: list[AuditEntry] = []
    for project in world.projects:
        page = project.log.query(AuditQuery(since=instant, limit=len(project.log)))
        entries.extend(reversed(page.entries))
    return entries


def test_a_frozen_clock_brings_nothing(small_world: World) -> None:
    activity, _, world = running(small_world, 50)
    assert [activity.catch_up() for _ in range(3)] == [0, 0, 0]
    assert added_since(world, FROZEN_AT - 1) == []


def test_a_minute_at_two_a_second_brings_about_120_events_once(small_world: World) -> None:
    activity, clock, world = running(small_world, 2)
    clock.advance(60_000)
    stored = activity.catch_up()
    assert 80 <= stored <= 160  # a Poisson count of mean 120: far outside is a broken rate
    assert activity.catch_up() == 0
    entries = added_since(world, FROZEN_AT)
    assert len(entries) == stored
    assert all(FROZEN_AT < e.timestamp <= FROZEN_AT + 60_000 for e in entries)


def test_the_same_seed_and_clock_give_the_same_events(small_world: World) -> None:
    runs = []
    for _ in range(2):
        activity, clock, world = running(small_world, 20)
        for step in (1_000, 30_000, 5):
            clock.advance(step)
            activity.catch_up()
        runs.append([e.json for e in added_since(world, FROZEN_AT)])
    assert runs[0] == runs[1]
    assert runs[0]


def test_a_far_jump_generates_only_the_newest_events(
    small_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(activity_module, "MAX_EVENTS_PER_CATCH_UP", 50)
    activity, clock, world = running(small_world, 1_000)
    clock.advance(10 * 365 * 86_400_000)
    stored = activity.catch_up()
    assert 25 <= stored <= 100
    assert min(e.timestamp for e in added_since(world, FROZEN_AT)) > clock.now_ms() - 1_000


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    steps=st.lists(st.tuples(st.integers(1, 4_000), st.booleans()), min_size=1, max_size=4),
)
def test_generated_events_follow_the_worlds_rules(
    small_world: World, seed: int, steps: list[tuple[int, bool]]
) -> None:
    activity, clock, world = running(small_world, 25, seed)
    writer = EventWriter(SPEC, clock, seed)
    replays = [Replay.of(project) for project in world.projects]
    for advance, delete_one in steps:
        clock.advance(advance)
        activity.catch_up()
        project = world.projects[0]
        if delete_one and project.live_entities:
            # A test deletes an entity behind the activity's back.
            gone = sorted(project.live_entities)[0]
            writer.add(project, [{"action": "entity.deleted", "userId": "u", "entityId": gone}])

    for project, replay in zip(world.projects, replays, strict=True):
        for entry in added_since(World([project]), FROZEN_AT):
            assert FROZEN_AT < entry.timestamp <= clock.now_ms()
            if entry.user_id == "u":  # the deletions by hand
                replay.apply(entry)
                continue
            # Who performs it, live entities only, members only removed, never the owner.
            replay.step(entry)
        replay.assert_matches(project)


def test_a_project_without_admins_or_known_entities_still_gets_activity() -> None:
    """Admins' actions fall back to members; entities of no known type change too."""
    document = {
        "projects": [
            {
                "auditLog": [{"action": "integration.synced"}],
                "entities": 3,
                "members": [{"role": "member"}, {"role": "member"}],
            }
        ]
    }
    world = scenario_world(checked(document, "test"), FROZEN_AT - 1)
    activity, clock, world = running(world, 50)
    clock.advance(20_000)
    assert activity.catch_up() > 0
    members = {"usr_1", "usr_2"}
    for entry in added_since(world, FROZEN_AT):
        assert entry.user_id == SYSTEM_USER or entry.user_id in members, "members perform"
        if entry.action == "member.invited":
            members.add(invited_member_id(entry.metadata["email"]))
        if entry.entity_id in {"ent_1", "ent_2", "ent_3"}:
            assert entry.metadata["entityType"] == "entity", "a type it never had is not made up"


async def test_with_activity_the_api_shows_new_entries_and_later_the_counts(
    make_client: AppFactory,
) -> None:
    client = await make_client(clock_frozen_at_ms=FROZEN_AT, activity_per_second=2)
    world = client.app[state_key].world
    headers = admin_of(world)
    since = {"since": str(FROZEN_AT), "limit": "200"}
    first = (await (await client.get("/api/v1/project", headers=headers)).json())["data"]
    page = await (await client.get("/api/v1/audit-log", params=since, headers=headers)).json()
    assert page["total"] == 0

    await call(client, "POST", "clock", "setClock", {"advance": 61_000})
    page = await (await client.get("/api/v1/audit-log", params=since, headers=headers)).json()
    assert page["total"] == len(added_since(World(world.projects[:1]), FROZEN_AT)) > 0
    counts = world.projects[0].counts()
    refreshed = (await (await client.get("/api/v1/project", headers=headers)).json())["data"]
    assert (refreshed["entityCount"], refreshed["memberCount"]) == (
        counts.entity_count,
        counts.member_count,
    )
    assert page["total"] <= 200, "the whole minute fits in one page"
    actions = [e["action"] for e in page["data"]]
    change = actions.count("entity.created") - actions.count("entity.deleted")
    assert refreshed["entityCount"] == first["entityCount"] + change
