"""Events added to a running world: validation, completion, order, and their effect on counts."""

from __future__ import annotations

from random import Random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.domain.clock import Clock
from mockserver.domain.events import (
    MAX_TIMESTAMP_MS,
    EventWriter,
    IdMinter,
    InvalidEvent,
    event_schema,
    fork_world,
)
from mockserver.domain.models import Project, World
from mockserver.spec.loader import load_spec, schema_validator
from mockserver.store.audit_log import AuditQuery
from tests.mockserver.domain.replay import Replay

SPEC = load_spec()
NOW = 1_800_000_000_000
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def writer_at(now: int = NOW) -> EventWriter:
    return EventWriter(SPEC, Clock(frozen_at=now), seed=1)


def everything(project: Project) -> list[Any]:
    return project.log.query(AuditQuery(limit=len(project.log) + 1)).entries


def ulid_time(ulid: str) -> int:
    value = 0
    for char in ulid[:10]:
        value = value * 32 + CROCKFORD.index(char)
    return value


def test_the_event_schema_is_the_entry_schema_with_some_fields_left_to_fill(
    small_world: World,
) -> None:
    schema = event_schema(SPEC)
    assert schema["required"] == ["action", "userId"]
    assert schema["additionalProperties"] is False
    validator = schema_validator(SPEC, schema)
    for entry in list(small_world.projects[0].log)[:200]:
        validator.validate(entry.to_dict())  # any entry the API serves can be added back


@given(st.lists(st.integers(0, 5), min_size=1, max_size=40))
def test_minted_ids_carry_their_time_and_grow_within_a_millisecond(steps: list[int]) -> None:
    minter = IdMinter(Random(4))
    timestamps = [NOW + sum(steps[: i + 1]) for i in range(len(steps))]
    ids = [minter.mint(t) for t in timestamps]
    assert len(set(ids)) == len(ids)
    assert [ulid_time(i) for i in ids] == timestamps
    assert sorted(zip(timestamps, ids, strict=True)) == list(zip(timestamps, ids, strict=True))


ENTITY_IDS = st.sampled_from([f"ent_{i}" for i in range(6)])
EVENTS = st.lists(
    st.one_of(
        st.builds(
            lambda action, entity: {"action": action, "userId": "usr_1", "entityId": entity},
            st.sampled_from(["entity.created", "entity.deleted", "entity.updated"]),
            ENTITY_IDS,
        ),
        st.builds(
            lambda action, email: {"action": action, "userId": "u", "metadata": {"email": email}},
            st.sampled_from(["member.invited", "member.removed"]),
            st.sampled_from(["a@x.example", "b@x.example"]),
        ),
        st.builds(
            lambda t: {"action": "export.completed", "userId": "system", "timestamp": t},
            st.integers(0, NOW),
        ),
    ),
    min_size=1,
    max_size=25,
)


@given(EVENTS)
def test_stored_events_keep_the_log_ordered_and_the_counts_true(
    small_world: World, events: list[dict[str, Any]]
) -> None:
    project = fork_world(small_world).projects[0]
    before = len(project.log)
    replay = Replay.of(project)

    stored = writer_at().add(project, events)

    for entry in stored:  # the effects, replayed through the rule table in the order given
        replay.apply(entry)
    replay.assert_matches(project)  # live entities, members, entity types and the counts
    assert len(project.log) == before + len(events)
    order = [entry.sort_key for entry in everything(project)]
    assert order == sorted(order, reverse=True)
    assert {e.id for e in stored} <= {e.id for e in everything(project)}
    undated = [e for e, event in zip(stored, events, strict=True) if "timestamp" not in event]
    assert all(e.timestamp == NOW for e in undated)
    assert [e.id for e in undated] == sorted(e.id for e in undated), "given order kept"


def test_a_bad_event_stores_nothing(small_world: World) -> None:
    project = fork_world(small_world).projects[0]
    before = (len(project.log), set(project.live_entities))
    good = {"action": "entity.created", "userId": "u", "entityId": "ent_ok"}
    with pytest.raises(InvalidEvent, match=r"events\[1\]\.entityId"):
        writer_at().add(project, [good, {**good, "entityId": 5}])
    assert (len(project.log), set(project.live_entities)) == before


def test_a_clock_beyond_what_an_id_holds_needs_explicit_timestamps(small_world: World) -> None:
    project = fork_world(small_world).projects[0]
    writer = writer_at(MAX_TIMESTAMP_MS + 1)
    with pytest.raises(InvalidEvent, match="timestamp"):
        writer.add(project, [{"action": "a", "userId": "u"}])
    [entry] = writer.add(project, [{"action": "a", "userId": "u", "timestamp": 7}])
    assert entry.timestamp == 7


def test_a_whole_number_given_as_a_float_is_stored_as_an_integer(small_world: World) -> None:
    project = fork_world(small_world).projects[0]
    [entry] = writer_at().add(project, [{"action": "a", "userId": "u", "timestamp": 5.0}])
    assert entry.timestamp == 5
    assert b'"timestamp":5}' in entry.json


def test_a_fork_changes_without_touching_the_original(small_world: World) -> None:
    original = small_world.projects[0]
    before = (len(original.log), set(original.live_entities), list(original.members))
    fork = fork_world(small_world).projects[0]
    assert everything(fork) == everything(original)
    writer_at().add(
        fork,
        [
            {"action": "entity.created", "userId": "u", "entityId": "ent_fork"},
            {"action": "member.invited", "userId": "u", "metadata": {"email": "f@x.example"}},
            {"action": "entity_type.created", "userId": "u", "metadata": {"name": "forked"}},
        ],
    )
    assert (len(original.log), set(original.live_entities), list(original.members)) == before
    assert "forked" not in original.entity_types
