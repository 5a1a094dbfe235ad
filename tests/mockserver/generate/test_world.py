"""The generated world follows its documented rules and is fully determined by its seed."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.config import DEFAULT_WORLD_END_MS, WorldConfig
from mockserver.domain.models import SYSTEM_USER, Role, World
from mockserver.generate.world import DOCUMENTED_ACTIONS, LOG_SPAN_MS, entries_for, generate_world
from tests import REPO_ROOT
from tests.mockserver.domain.replay import Replay

ENTITY_ACTIONS = {"entity.created", "entity.updated", "entity.deleted"}
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def test_sizes_follow_the_config() -> None:
    world = generate_world(WorldConfig(seed=3, entries=2_000, projects=4))
    assert [len(p.log) for p in world.projects] == [2_000, 500, 125, 31]
    assert [entries_for(WorldConfig(entries=2_000), i) for i in range(4)] == [2_000, 500, 125, 31]


def test_each_project_has_one_admin_and_one_member_key(shared_world: World) -> None:
    for project in shared_world.projects:
        assert sorted(k.role for k in project.keys) == [Role.ADMIN, Role.MEMBER]
    keys = [k.key for p in shared_world.projects for k in p.keys]
    assert len(set(keys)) == len(keys)


def test_projects_are_well_formed(shared_world: World) -> None:
    import re

    slugs = [p.slug for p in shared_world.projects]
    assert len(set(slugs)) == len(slugs)
    for project in shared_world.projects:
        assert re.fullmatch(SLUG, project.slug)
        assert project.plan in {"free", "pro", "team", "enterprise"}
        assert project.name
        assert all("@" in m.email and " " in m.name for m in project.members)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32), entries=st.integers(0, 400))
def test_the_counts_are_derived_from_the_log(seed: int, entries: int) -> None:
    """entityCount: created and not deleted; memberCount: the members; types: the types."""
    for project in generate_world(WorldConfig(seed=seed, entries=entries, projects=2)).projects:
        replay = Replay.generated(project)
        for entry in project.log:
            replay.step(entry)  # creations are new, only live entities change, ...
        counts = project.counts()
        assert counts.entity_count == len(replay.live) == len(project.live_entities)
        assert project.live_entities == replay.live
        assert counts.member_count == len(project.members)
        assert counts.entity_type_count == len(project.entity_types)
        created_types = [
            e.metadata["name"] for e in project.log if e.action == "entity_type.created"
        ]
        assert created_types == project.entity_types[: len(created_types)]
        assert replay.entity_types == created_types


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32), entries=st.integers(30, 400))
def test_log_entries_follow_the_world_rules(seed: int, entries: int) -> None:
    end = DEFAULT_WORLD_END_MS
    project = generate_world(WorldConfig(seed=seed, entries=entries, projects=1)).projects[0]
    members = {m.id for m in project.members}
    for entry in project.log:
        assert end - LOG_SPAN_MS <= entry.timestamp <= end
        assert entry.user_id == SYSTEM_USER or entry.user_id in members
        assert (entry.entity_id is not None) == (entry.action in ENTITY_ACTIONS)
        if entry.action == "integration.synced":
            assert entry.user_id == SYSTEM_USER
    assert {e.action for e in project.log} >= set(DOCUMENTED_ACTIONS)
    assert len({e.id for e in project.log}) == len(project.log)


def test_the_default_sized_log_looks_real(shared_world: World) -> None:
    log = list(shared_world.projects[0].log)
    actions = Counter(e.action for e in log)
    assert len(actions) >= 8, "more actions than the documented five"
    assert {"entity_type.created", "member.removed", "api_key.created"} <= set(actions)
    stamps = Counter(e.timestamp for e in log)
    assert any(count > 1 for count in stamps.values()), "some entries share a timestamp"
    metadata_shapes = {(e.action, tuple(e.metadata)) for e in log}
    assert len({action for action, _ in metadata_shapes}) == len(actions)
    assert all(e.metadata for e in log)


def test_another_seed_gives_another_world() -> None:
    one, two = (generate_world(WorldConfig(seed=s, entries=50)) for s in (1, 2))
    assert [p.name for p in one.projects] != [p.name for p in two.projects]
    assert [e.id for e in one.projects[0].log] != [e.id for e in two.projects[0].log]


def test_world_end_moves_every_timestamp() -> None:
    one = generate_world(WorldConfig(seed=1, entries=50, world_end_ms=DEFAULT_WORLD_END_MS))
    later = generate_world(
        WorldConfig(seed=1, entries=50, world_end_ms=DEFAULT_WORLD_END_MS + 1000)
    )
    assert [e.timestamp + 1000 for e in one.projects[0].log] == [
        e.timestamp for e in later.projects[0].log
    ]


ROOT = REPO_ROOT


def fingerprint(world: World) -> str:
    """A digest of everything the API can serve of `world`."""
    digest = hashlib.sha256()
    for project in world.projects:
        facts = (project.id, project.name, project.slug, project.plan, project.counts())
        digest.update(repr((facts, [k.key for k in project.keys])).encode())
        for entry in project.log:
            digest.update(entry.json)
    return digest.hexdigest()


IN_ANOTHER_PROCESS = """
from mockserver.config import WorldConfig
from mockserver.generate.world import generate_world
from tests.mockserver.generate.test_world import fingerprint
print(fingerprint(generate_world(WorldConfig(seed=11, entries=800))))
"""


@pytest.mark.parametrize("hash_seed", ["1", "2"])
def test_same_seed_same_bytes_in_another_process(hash_seed: str) -> None:
    """Byte-identical across processes, whatever Python's hash randomization does."""
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    run = subprocess.run(
        [sys.executable, "-c", IN_ANOTHER_PROCESS],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.strip() == fingerprint(generate_world(WorldConfig(seed=11, entries=800)))
