"""The rule table: what it says, and that every source of entries obeys the same one.

A generated log, the live activity and events added through the control API's
`EventWriter` are each replayed through the table (`replay.Replay`): who performed
each action, the life of each entity (no change to an entity that is not live) and
the shape of each action's metadata must all be what the table says.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.config import WorldConfig
from mockserver.domain.clock import Clock
from mockserver.domain.events import EventWriter, fork_world
from mockserver.domain.models import SYSTEM_USER, AuditEntry, Member, World
from mockserver.domain.rules import (
    CREATING_ACTIONS,
    RULES,
    EntityChange,
    MemberChange,
    Performer,
    admins,
    apply,
    follow,
    invited_member_id,
    live_after,
    removable,
)
from mockserver.generate.activity import Activity
from mockserver.generate.world import ACTION_WEIGHTS, generate_world
from mockserver.spec.loader import load_spec
from mockserver.store.audit_log import AuditQuery
from tests.conftest import FROZEN_AT
from tests.mockserver.domain.replay import Replay

SPEC = load_spec()


def test_the_table_says_what_the_readme_says() -> None:
    """The README's "Who does what", "Entities" and "Counts", action by action."""
    performers = {action: rule.performer for action, rule in RULES.items()}
    assert performers == {
        "integration.synced": Performer.SYSTEM,
        "export.completed": Performer.SYSTEM,
        "entity.created": Performer.SYSTEM_OR_MEMBERS,
        "entity.updated": Performer.SYSTEM_OR_MEMBERS,
        "entity.deleted": Performer.MEMBERS,
        "member.invited": Performer.ADMINS,
        "member.removed": Performer.ADMINS,
        "api_key.created": Performer.ADMINS,
        "api_key.revoked": Performer.ADMINS,
        "project.updated": Performer.ADMINS,
        "entity_type.created": Performer.ADMINS,
    }
    changes = {action: rule.entity for action, rule in RULES.items()}
    assert {a for a, c in changes.items() if c is not EntityChange.NONE} == {
        "entity.created",
        "entity.updated",
        "entity.deleted",
    }
    assert changes["entity.created"] is EntityChange.CREATE
    assert CREATING_ACTIONS == ("entity.created",)
    assert changes["entity.updated"] is EntityChange.CHANGE
    assert changes["entity.deleted"] is EntityChange.DELETE
    counts = {action: rule.counts for action, rule in RULES.items() if rule.counts}
    assert counts == {
        "entity.created": {"entityCount"},
        "entity.deleted": {"entityCount"},
        "entity_type.created": {"entityTypeCount"},
        "member.invited": {"memberCount"},
        "member.removed": {"memberCount"},
    }
    assert RULES["member.invited"].members is MemberChange.ADD
    assert RULES["member.removed"].members is MemberChange.REMOVE


def test_every_generated_action_has_a_rule() -> None:
    assert set(ACTION_WEIGHTS) | {"entity_type.created"} == set(RULES)
    assert all(action == rule.action for action, rule in RULES.items())


def test_an_action_that_may_find_nothing_to_act_on_has_one_that_always_can() -> None:
    for rule in RULES.values():
        needs_something = rule.entity.needs_live or rule.members is MemberChange.REMOVE
        assert (rule.instead is not None) == needs_something, rule.action
        if rule.instead is not None:
            instead = RULES[rule.instead]
            assert not instead.entity.needs_live and instead.members is not MemberChange.REMOVE
            assert instead.instead is None


ROLES_ALL = ("owner", "admin", "member")
ROLES = st.sampled_from([None, *ROLES_ALL])


@given(st.sampled_from(list(Performer)), st.sampled_from([SYSTEM_USER, "usr_1"]), ROLES)
def test_who_may_perform(performer: Performer, user_id: str, role: str | None) -> None:
    allowed = performer.allows(user_id, role)
    if user_id == SYSTEM_USER:
        assert allowed == (performer in (Performer.SYSTEM, Performer.SYSTEM_OR_MEMBERS))
    elif performer is Performer.SYSTEM:
        assert not allowed
    elif performer is Performer.ADMINS:
        assert allowed == (role in ("owner", "admin"))
    else:
        assert allowed == (role is not None), "any member, and only members"


def test_admins_and_removable_members() -> None:
    members = [Member(f"usr_{role}", role, f"{role}@x.example", role) for role in ROLES_ALL]
    assert [m.role for m in admins(members)] == ["owner", "admin"]
    assert [m.role for m in removable(members)] == ["admin", "member"]
    twin = Member("usr_twin", "owner", "owner@x.example", "member")
    assert twin not in removable([*members, twin]), "removing the twin would remove the owner"


def made(action: str, entity_id: str | None = None, **metadata: Any) -> AuditEntry:
    return AuditEntry("01", action, "usr_1", entity_id, metadata, 0)


ENTITY_ENTRIES = st.lists(
    st.builds(
        made,
        st.sampled_from(["entity.created", "entity.updated", "entity.deleted", "other"]),
        st.sampled_from(["ent_1", "ent_2", "ent_3", None]),
    ),
    max_size=30,
)


@given(ENTITY_ENTRIES)
def test_the_entities_live_after_a_log_are_those_created_and_not_deleted_since(
    entries: list[AuditEntry],
) -> None:
    live: set[str] = set()
    for entry in entries:
        follow(live, entry)
    assert set(live_after(entries)) == live
    born: dict[str, int] = {}  # entity -> position of the creation that began its current life
    for position, entry in enumerate(entries):
        if entry.entity_id is None:
            continue
        if entry.action == "entity.deleted":
            born.pop(entry.entity_id, None)
        elif entry.action == "entity.created":
            born.setdefault(entry.entity_id, position)
    assert set(born) == live, "created and not deleted since"
    assert live_after(entries) == sorted(live, key=born.__getitem__), "in order of creation"


def test_an_action_without_a_rule_changes_nothing(small_world: World) -> None:
    project = fork_world(small_world).projects[0]
    before = (set(project.live_entities), list(project.members), list(project.entity_types))
    some_member = project.members[1]
    for action in ("entity.archived", "member.left", "", "ENTITY.CREATED"):
        apply(project, made(action, sorted(before[0])[0], email=some_member.email, name="x"))
    assert (set(project.live_entities), list(project.members), list(project.entity_types)) == (
        before
    )


def test_an_invitation_adds_a_member_once_with_a_role_it_may_give(small_world: World) -> None:
    project = fork_world(small_world).projects[0]
    count = len(project.members)
    apply(project, made("member.invited", email="new.one@x.example", role="owner"))
    apply(project, made("member.invited", email="new.one@x.example", role="admin"))
    apply(project, made("member.invited", role="admin"))  # no email: nobody to add
    assert len(project.members) == count + 1
    added = project.members[-1]
    assert (added.id, added.name, added.role) == (
        invited_member_id("new.one@x.example"),
        "New One",
        "member",
    )
    apply(project, made("member.removed", email="new.one@x.example"))
    assert len(project.members) == count


def added_since(project_log: Any) -> list[AuditEntry]:
    page = project_log.query(AuditQuery(since=FROZEN_AT, limit=len(project_log)))
    return list(reversed(page.entries))


ANY_ACTION = st.sampled_from([*sorted(RULES), "other.action"])
EVENTS = st.lists(
    st.fixed_dictionaries(
        {"action": ANY_ACTION, "userId": st.sampled_from([SYSTEM_USER, "usr_x"])},
        optional={
            "entityId": st.sampled_from(["ent_a", "ent_b"]),
            "metadata": st.fixed_dictionaries(
                {},
                optional={
                    "email": st.sampled_from(["a@x.example", "b@x.example"]),
                    "role": st.sampled_from(["admin", "member", "owner"]),
                    "name": st.sampled_from(["order", "brand_new"]),
                },
            ),
        },
    ),
    max_size=12,
)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    entries=st.integers(0, 300),
    advances=st.lists(st.integers(1, 3_000), min_size=1, max_size=3),
    events=EVENTS,
)
def test_a_generated_log_the_activity_and_the_control_api_obey_one_table(
    seed: int, entries: int, advances: list[int], events: list[dict[str, Any]]
) -> None:
    world = generate_world(WorldConfig(seed=seed, entries=entries, projects=1))
    (project,) = world.projects

    generated = Replay.generated(project)
    for entry in project.log:
        generated.step(entry)
    assert generated.live == project.live_entities
    assert generated.entity_types == project.entity_types[: len(generated.entity_types)]

    clock = Clock(frozen_at=FROZEN_AT)
    writer = EventWriter(SPEC, clock, seed)
    activity = Activity(40, seed, clock, writer)
    activity.restart(world)
    live = Replay.of(project)
    for advance in advances:
        clock.advance(advance)
        activity.catch_up()
    streamed = added_since(project.log)
    for entry in streamed:
        live.step(entry)
    live.assert_matches(project)

    # Events through the control API may break the rules of who and when (tests need
    # that), but what each one changes is the table's.
    for entry in writer.add(project, events):
        live.apply(entry)
    live.assert_matches(project)
