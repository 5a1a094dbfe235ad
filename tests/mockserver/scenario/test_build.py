"""From a scenario to the world served: computed defaults, uniqueness, generated additions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.config import DEFAULT_WORLD_END_MS, ScenarioConfig, WorldConfig
from mockserver.domain.ids import derived_key
from mockserver.domain.models import AuditEntry, Role, World
from mockserver.generate.world import generate_world
from mockserver.scenario.build import build_world, scenario_world
from mockserver.scenario.document import ScenarioError, checked, load_schema
from mockserver.spec.loader import load_spec, operations, query_parameters
from mockserver.store.audit_log import AuditQuery
from tests.mockserver.scenario.oracle import newest

MINUTE = 60_000


def scenario_key(project_id: str, role: Role, position: int) -> str:
    """The key a scenario's project gets for a key it lists without one."""
    return derived_key(role, "scenario", project_id, position)


def world_of(document: dict[str, Any]) -> World:
    return scenario_world(checked(document, "test"), DEFAULT_WORLD_END_MS)


def load(tmp_path: Path, text: str, **config: Any) -> World:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return build_world(WorldConfig(scenario=ScenarioConfig(path=path, **config)))


def test_a_minimal_project_gets_every_default(tmp_path: Path) -> None:
    world = load(tmp_path, "projects:\n  - auditLog: [{action: a}, {action: b}]\n")
    (project,) = world.projects
    assert (project.id, project.name, project.slug, project.plan) == (
        "prj_1",
        "Project 1",
        "project-1",
        "free",
    )
    assert [(k.role, k.key) for k in project.keys] == [
        (Role.ADMIN, scenario_key("prj_1", Role.ADMIN, 0)),
        (Role.MEMBER, scenario_key("prj_1", Role.MEMBER, 1)),
    ]
    assert scenario_key("prj_1", Role.ADMIN, 0).startswith("alk_a_")
    newest_first = project.log.query(AuditQuery(limit=10)).entries
    assert [(e.action, e.user_id, e.entity_id, e.metadata) for e in newest_first] == [
        ("a", "system", None, {}),
        ("b", "system", None, {}),
    ]
    # Listed newest first, a minute apart, from the world end.
    assert [e.timestamp for e in newest_first] == [
        DEFAULT_WORLD_END_MS,
        DEFAULT_WORLD_END_MS - MINUTE,
    ]
    assert all(len(e.id) == 26 for e in newest_first)
    assert (
        load(tmp_path, "projects:\n  - auditLog: [{action: a}, {action: b}]\n")
        .projects[0]
        .log.query(AuditQuery())
        .entries
        == newest_first
    ), "the same file gives the same ids"
    assert (project.entity_types, project.members, project.live_entities) == ([], [], set())


def test_a_default_timestamp_follows_the_entry_above() -> None:
    world = world_of(
        {
            "projects": [
                {
                    "auditLog": [
                        {"action": "a", "timestamp": 10 * MINUTE},
                        {"action": "b"},
                        {"action": "c"},
                    ]
                }
            ]
        }
    )
    stamps = {e.action: e.timestamp for e in world.projects[0].log}
    assert stamps == {"a": 10 * MINUTE, "b": 9 * MINUTE, "c": 8 * MINUTE}


LOG: list[dict[str, Any]] = [
    {
        "action": "entity.created",
        "userId": "usr_b",
        "entityId": "ent_1",
        "metadata": {"entityType": "order"},
        "timestamp": 1,
    },
    {
        "action": "entity.created",
        "userId": "usr_a",
        "entityId": "ent_2",
        "metadata": {"entityType": "invoice"},
        "timestamp": 2,
    },
    {
        "action": "entity.deleted",
        "userId": "usr_b",
        "entityId": "ent_1",
        "metadata": {"entityType": "order"},
        "timestamp": 3,
    },
    {"action": "integration.synced", "userId": "system", "timestamp": 4},
]


def test_counts_default_to_what_the_log_shows() -> None:
    (project,) = world_of({"projects": [{"auditLog": LOG}]}).projects
    assert project.entity_types == ["order", "invoice"]
    assert project.live_entities == {"ent_2"}
    assert [(m.id, m.role) for m in project.members] == [("usr_b", "owner"), ("usr_a", "member")]


def test_a_count_takes_the_logs_names_first_then_fills_up() -> None:
    (project,) = world_of(
        {"projects": [{"auditLog": LOG, "entityTypes": 4, "entities": 3, "members": 3}]}
    ).projects
    assert project.entity_types[:2] == ["order", "invoice"]
    assert len(set(project.entity_types)) == 4
    assert "ent_2" in project.live_entities and len(project.live_entities) == 3
    assert [m.id for m in project.members][:2] == ["usr_b", "usr_a"]
    assert len({m.id for m in project.members}) == 3
    (fewer,) = world_of({"projects": [{"auditLog": LOG, "members": 1, "entities": 0}]}).projects
    assert [m.id for m in fewer.members] == ["usr_b"]
    assert fewer.counts().entity_count == 0


def test_lists_are_taken_as_written() -> None:
    (project,) = world_of(
        {
            "projects": [
                {
                    "entityTypes": ["a", "b"],
                    "entities": ["x"],
                    "members": [{"id": "usr_2", "name": "Ada", "role": "admin"}, {}],
                    "keys": [{"key": "k1"}, {"key": "k2", "role": "member"}, {"role": "member"}],
                }
            ]
        }
    ).projects
    assert (project.entity_types, project.live_entities) == (["a", "b"], {"x"})
    assert [(m.id, m.name, m.email, m.role) for m in project.members] == [
        ("usr_2", "Ada", "usr_2@example.com", "admin"),
        ("usr_1", "Member 2", "usr_1@example.com", "member"),
    ]
    assert [(k.key, k.role) for k in project.keys] == [
        ("k1", Role.ADMIN),
        ("k2", Role.MEMBER),
        (scenario_key("prj_1", Role.MEMBER, 2), Role.MEMBER),
    ]


def test_ids_and_keys_that_must_be_unique_are_reported_together() -> None:
    document: dict[str, Any] = {
        "projects": [
            {
                "keys": [{"key": "same"}],
                "auditLog": [{"id": "e1", "action": "a"}, {"id": "e1", "action": "b"}],
            },
            {"id": "prj_1", "keys": [{"key": "same"}], "members": [{"id": "u"}, {"id": "u"}]},
        ]
    }
    with pytest.raises(ScenarioError) as raised:
        world_of(document)
    assert [str(p) for p in raised.value.problems] == [
        'projects[0].auditLog[1].id: expected an id no other entry has, got "e1" '
        "(also projects[0].auditLog[0].id)",
        'projects[1].members[1].id: expected an id no other member has, got "u" '
        "(also projects[1].members[0].id)",
        'projects[1].id: expected an id no other project has, got "prj_1" (also projects[0].id)',
        "projects[1].keys[0].key: expected a key no other key has, "
        "got the same as projects[0].keys[0].key",
    ]


def test_generated_entries_join_the_files(tmp_path: Path) -> None:
    text = (
        "projects:\n"
        "  - keys: [{key: mine}]\n"
        "    members: [{id: usr_me, role: owner}]\n"
        "    auditLog: [{action: my.action, userId: usr_me, timestamp: 5}]\n"
        "  - auditLog: []\n"
    )
    combined = load(tmp_path, text, generated_entries=40)
    generated = generate_world(WorldConfig(projects=2, entries=40))
    first, second = combined.projects
    assert len(first.log) == 41 and len(second.log) == len(generated.projects[1].log)
    assert [k.key for k in first.keys] == ["mine"]
    assert first.log.query(AuditQuery(action="my.action")).entries[0].timestamp == 5
    assert [m.id for m in first.members] == [
        "usr_me",
        *(m.id for m in generated.projects[0].members),
    ]
    assert first.entity_types == generated.projects[0].entity_types
    assert first.live_entities == generated.projects[0].live_entities
    ids = {e.id for e in first.log}
    assert ids >= {e.id for e in generated.projects[0].log}
    without = load(tmp_path, text)
    assert len(without.projects[0].log) == 1, "no generated entries unless asked for"


def test_a_bad_file_stops_build_world_with_its_problems(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"projects\[0\]\.plan"):
        load(tmp_path, "projects: [{plan: gold}]\n")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["entity.created", "entity.updated", "member.invited"]),
            st.sampled_from(["system", "usr_a", "usr_b"]),
            st.integers(0, 20),
        ),
        max_size=30,
    ),
    st.sampled_from(["entity.created", "member.invited", "other", None]),
    st.sampled_from(["system", "usr_a", "nobody", None]),
    st.none() | st.integers(0, 21),
    st.integers(1, 10),
)
def test_a_scenarios_log_answers_every_query_like_its_file(
    rows: list[tuple[str, str, int]],
    action: str | None,
    user: str | None,
    since: int | None,
    limit: int,
) -> None:
    written = [
        {"id": f"id{i:02d}", "action": a, "userId": u, "timestamp": t}
        for i, (a, u, t) in enumerate(rows)
    ]
    log = world_of({"projects": [{"auditLog": written}]}).projects[0].log
    page = log.query(AuditQuery(action=action, user_id=user, since=since, limit=limit))
    model = [
        AuditEntry(f"id{i:02d}", a, u, None, {}, t)
        for i, (a, u, t) in enumerate(rows)
        if since is None or t > since
    ]
    expected = newest(model, limit, action, user)
    assert [e.id for e in page.entries] == [e.id for e in expected]
    assert page.total == len(newest(model, len(model) + 1, action, user))


def test_the_schema_agrees_with_the_spec() -> None:
    """Where the scenario format restates a rule of openapi.yaml, the two are the same."""
    spec = load_spec()
    schemas = spec["components"]["schemas"]
    parameters = {
        p["name"]: p["schema"] for p in query_parameters(operations(spec)["listAuditLogEntries"][1])
    }
    scenario = load_schema()["$defs"]
    entry, project = scenario["entry"]["properties"], scenario["project"]["properties"]
    for field, parameter in (("action", "action"), ("userId", "userId")):
        bounds = {k: parameters[parameter][k] for k in ("minLength", "maxLength")}
        assert {k: entry[field][k] for k in bounds} == bounds, "every entry can be filtered for"
    assert entry["timestamp"]["minimum"] == parameters["since"]["minimum"]
    assert entry["timestamp"]["maximum"] == parameters["since"]["maximum"]
    assert project["plan"]["enum"] == schemas["Project"]["properties"]["plan"]["enum"]
    assert project["slug"]["pattern"] == schemas["Project"]["properties"]["slug"]["pattern"]
    assert set(entry) == set(schemas["AuditLogEntry"]["properties"])
