"""The rules of the world, once: for each action, who may perform it, what it changes,
and how its `metadata` is built.

Everything that makes or accepts entries asks this table instead of knowing the
rules: the generated world (who performs each action, the life of each entity, the
metadata of each entry), the live activity, the events added through the control
API (what each one changes in its project, hence in the counts), and scenario
building (which entities a scenario's log leaves live).

- An entity lives from the entry that creates it to the one that deletes it; only a
  live entity is changed or deleted, and actions of no entity have `entityId` null.
- Generators that find nothing for an action to act on (no live entity to update, no
  member to remove) make its `instead` action.
- Events added through the control API may break who performs what and when (tests
  need such entries); what each one changes is still this table's.
- An action without a rule (events may carry any action) changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Protocol

from mockserver.domain import metadata
from mockserver.domain.metadata import Builder
from mockserver.domain.models import SYSTEM_USER, AuditEntry, Member, Project

# The member roles that may perform the actions of admins.
ADMIN_ROLES = frozenset({"owner", "admin"})
# The roles an invitation may give; any other becomes `member`.
INVITED_ROLES = ("member", "admin")
# The role no removal may name.
OWNER = "owner"


class Performer(StrEnum):
    """Who may perform an action."""

    SYSTEM = "system"  # automated jobs, always as the user `system`
    ADMINS = "admins"  # members with the role owner or admin
    MEMBERS = "members"  # any member
    # Any member, or an integration working as `system`.
    SYSTEM_OR_MEMBERS = "system or members"

    def allows(self, user_id: str, role: str | None) -> bool:
        """Whether `user_id`, a member with `role` (None: no member), may perform it."""
        if user_id == SYSTEM_USER:
            return self in (Performer.SYSTEM, Performer.SYSTEM_OR_MEMBERS)
        if self is Performer.ADMINS:
            return role in ADMIN_ROLES
        return role is not None and self is not Performer.SYSTEM


class EntityChange(StrEnum):
    """What an action does to the entity its `entityId` names."""

    NONE = "none"  # names no entity: `entityId` is null
    CREATE = "create"  # a new entity, live from now on
    CHANGE = "change"  # a live entity, which stays live
    DELETE = "delete"  # a live entity, which is then no longer live

    @property
    def needs_live(self) -> bool:
        """Whether the action acts on an entity that must be live."""
        return self in (EntityChange.CHANGE, EntityChange.DELETE)


class MemberChange(StrEnum):
    """What an action does to the project's members (named by `metadata.email`)."""

    NONE = "none"
    ADD = "add"  # an invitation: a member with that email and `metadata.role`
    REMOVE = "remove"  # the member with that email leaves


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """What one action is: who performs it, what it changes, how its metadata is built."""

    action: str
    performer: Performer
    metadata: Builder
    entity: EntityChange = EntityChange.NONE
    members: MemberChange = MemberChange.NONE
    # Whether it adds the entity type `metadata.name`.
    adds_entity_type: bool = False
    # The action a generator makes when this one has nothing to act on.
    instead: str | None = None

    @property
    def counts(self) -> frozenset[str]:
        """The project counts (as the API names them) that this action changes."""
        changed = set()
        if self.entity in (EntityChange.CREATE, EntityChange.DELETE):
            changed.add("entityCount")
        if self.members is not MemberChange.NONE:
            changed.add("memberCount")
        if self.adds_entity_type:
            changed.add("entityTypeCount")
        return frozenset(changed)


def _table(*rules: Rule) -> Mapping[str, Rule]:
    return MappingProxyType({rule.action: rule for rule in rules})


RULES: Mapping[str, Rule] = _table(
    Rule(
        action="entity_type.created",
        performer=Performer.ADMINS,
        metadata=metadata.entity_type_created,
        adds_entity_type=True,
    ),
    Rule(
        action="entity.created",
        performer=Performer.SYSTEM_OR_MEMBERS,
        metadata=metadata.entity_created,
        entity=EntityChange.CREATE,
    ),
    Rule(
        action="entity.updated",
        performer=Performer.SYSTEM_OR_MEMBERS,
        metadata=metadata.entity_updated,
        entity=EntityChange.CHANGE,
        instead="entity.created",
    ),
    Rule(
        action="entity.deleted",
        performer=Performer.MEMBERS,
        metadata=metadata.entity_deleted,
        entity=EntityChange.DELETE,
        instead="entity.created",
    ),
    Rule(
        action="integration.synced",
        performer=Performer.SYSTEM,
        metadata=metadata.integration_synced,
    ),
    Rule(
        action="export.completed",
        performer=Performer.SYSTEM,
        metadata=metadata.export_completed,
    ),
    Rule(
        action="member.invited",
        performer=Performer.ADMINS,
        metadata=metadata.member_invited,
        members=MemberChange.ADD,
    ),
    Rule(
        action="member.removed",
        performer=Performer.ADMINS,
        metadata=metadata.member_removed,
        members=MemberChange.REMOVE,
        instead="member.invited",
    ),
    Rule(
        action="api_key.created",
        performer=Performer.ADMINS,
        metadata=metadata.api_key_created,
    ),
    Rule(
        action="api_key.revoked",
        performer=Performer.ADMINS,
        metadata=metadata.api_key_revoked,
    ),
    Rule(
        action="project.updated",
        performer=Performer.ADMINS,
        metadata=metadata.project_updated,
    ),
)


# The actions that create entities (`entity.created`), for reading them from a log.
CREATING_ACTIONS = tuple(a for a, rule in RULES.items() if rule.entity is EntityChange.CREATE)


def instead_of(rule: Rule) -> Rule:
    """The rule of the action a generator makes when `rule`'s has nothing to act on."""
    if rule.instead is None:
        raise ValueError(f"{rule.action} always has something to act on")
    return RULES[rule.instead]


def entity_change(entry: AuditEntry) -> EntityChange:
    """What `entry` does to an entity; NONE when its action has no rule or it names none."""
    rule = RULES.get(entry.action)
    if rule is None or entry.entity_id is None:
        return EntityChange.NONE
    return rule.entity


class Live(Protocol):
    """The live entities of a project, as a set is: what `follow` changes."""

    def add(self, entity_id: str, /) -> None: ...

    def discard(self, entity_id: str, /) -> None: ...


def follow(live: Live, entry: AuditEntry) -> None:
    """Bring the live entities after `entry`: a creation adds one, a deletion removes it."""
    change = entity_change(entry)
    if change is EntityChange.CREATE:
        live.add(str(entry.entity_id))
    elif change is EntityChange.DELETE:
        live.discard(str(entry.entity_id))


class _InOrder(dict[str, None]):
    """Live entities in order of creation."""

    def add(self, entity_id: str, /) -> None:
        self[entity_id] = None

    def discard(self, entity_id: str, /) -> None:
        self.pop(entity_id, None)


def live_after(entries: Iterable[AuditEntry]) -> list[str]:
    """The entities live after `entries` (oldest first), in order of creation."""
    live = _InOrder()
    for entry in entries:
        follow(live, entry)
    return list(live)


def invited_member_id(email: str) -> str:
    """The user id a member invited by an event gets: derived from the email, so stable."""
    return "usr_" + hashlib.sha256(email.encode()).hexdigest()[:8]


def _add_member(project: Project, entry: AuditEntry) -> None:
    email = entry.metadata.get("email")
    if not isinstance(email, str) or any(m.email == email for m in project.members):
        return
    role = entry.metadata.get("role")
    project.members.append(
        Member(
            id=invited_member_id(email),
            name=email.partition("@")[0].replace(".", " ").title(),
            email=email,
            role=role if role in INVITED_ROLES else "member",
        )
    )


def _remove_member(project: Project, entry: AuditEntry) -> None:
    email = entry.metadata.get("email")
    project.members[:] = [m for m in project.members if m.email != email]


def _add_entity_type(project: Project, entry: AuditEntry) -> None:
    name = entry.metadata.get("name")
    if isinstance(name, str) and name not in project.entity_types:
        project.entity_types.append(name)


def apply(project: Project, entry: AuditEntry) -> None:
    """Change `project` as `entry` does; the project's counts are derived from what changes."""
    rule = RULES.get(entry.action)
    if rule is None:
        return
    follow(project.live_entities, entry)
    if rule.members is MemberChange.ADD:
        _add_member(project, entry)
    elif rule.members is MemberChange.REMOVE:
        _remove_member(project, entry)
    if rule.adds_entity_type:
        _add_entity_type(project, entry)


def removable(members: Sequence[Member]) -> list[Member]:
    """The members a removal may name: all but the owner.

    A removal names an email and removes every member with it, so a member who shares
    the owner's email (the same name twice) is not removable either.
    """
    owners = {member.email for member in members if member.role == OWNER}
    return [member for member in members if member.email not in owners]


def admins(members: Iterable[Member]) -> list[Member]:
    """The members who may perform the actions of admins."""
    return [member for member in members if member.role in ADMIN_ROLES]
