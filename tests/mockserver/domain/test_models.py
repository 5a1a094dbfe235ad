"""The world's data types: entries render once and order totally; keys never show whole."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from mockserver.domain.models import (
    ApiKey,
    AuditEntry,
    Member,
    Project,
    ProjectCounts,
    Role,
    World,
    redact_key,
)
from mockserver.store.audit_log import AuditLog


def entry(entry_id: str = "01A", timestamp: int = 5, **metadata: object) -> AuditEntry:
    return AuditEntry(entry_id, "entity.created", "usr_1", "ent_1", dict(metadata), timestamp)


def test_an_entry_renders_the_apis_json_once() -> None:
    made = entry(title="Café")
    assert json.loads(made.json) == {
        "id": "01A",
        "action": "entity.created",
        "userId": "usr_1",
        "entityId": "ent_1",
        "metadata": {"title": "Café"},
        "timestamp": 5,
    }
    assert json.loads(made.json) == made.to_dict()


@given(st.lists(st.tuples(st.integers(0, 3), st.text("0123AZ", min_size=1, max_size=3))))
def test_entries_order_by_time_then_id(keys: list[tuple[int, str]]) -> None:
    entries = [entry(entry_id, timestamp) for timestamp, entry_id in keys]
    ordered = sorted(entries, key=lambda e: e.sort_key)
    assert [(e.timestamp, e.id) for e in ordered] == sorted(keys)


def test_a_key_shows_only_its_first_eight_characters() -> None:
    key = ApiKey("alk_a_0123456789", Role.ADMIN, "prj_1")
    assert key.redacted == redact_key(key.key) == "alk_a_01…"
    assert redact_key("short") == redact_key("12345678") == "…", "a short key shows nothing"


def project(live: set[str]) -> Project:
    return Project(
        id="prj_1",
        name="Acme",
        slug="acme",
        plan="pro",
        entity_types=["order", "invoice"],
        members=[Member("usr_1", "Ada L", "ada@x.example", "owner")],
        keys=[ApiKey("alk_a_x", Role.ADMIN, "prj_1")],
        log=AuditLog([entry()]),
        live_entities=live,
    )


def test_the_counts_are_derived_from_what_the_project_holds() -> None:
    held = project({"ent_1", "ent_2", "ent_3"})
    assert held.counts() == ProjectCounts(entity_type_count=2, entity_count=3, member_count=1)
    held.live_entities.discard("ent_1")
    assert held.counts().entity_count == 2


def test_a_project_is_served_with_the_counts_it_is_given() -> None:
    served = json.loads(project(set()).json(ProjectCounts(7, 8, 9)))
    assert served == {
        "data": {
            "id": "prj_1",
            "name": "Acme",
            "slug": "acme",
            "plan": "pro",
            "entityTypeCount": 7,
            "entityCount": 8,
            "memberCount": 9,
        }
    }


def test_a_key_leads_to_its_project() -> None:
    one, two = project(set()), project(set())
    two.id = "prj_2"
    world = World([one, two])
    assert world.project_of(ApiKey("k", Role.MEMBER, "prj_2")) is two
    assert world.projects_by_id == {"prj_1": one, "prj_2": two}
