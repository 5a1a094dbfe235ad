"""A project replayed entry by entry through the rule table, checking each entry obeys it.

The tests of the generated world, the live activity and the control API's events use
this one replay: it asks `rules.RULES` what each action is, and says independently
what each kind of change means (a creation adds a live entity, a removal drops the
member with that email, ...), so a generator or writer that strays from the table fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockserver.domain.draws import Draws
from mockserver.domain.metadata import Context, Vocabulary
from mockserver.domain.models import SYSTEM_USER, AuditEntry, Project
from mockserver.domain.rules import RULES, EntityChange, MemberChange, invited_member_id

# Words for a sample of each action's metadata: its keys and the types of its values.
SAMPLE_WORDS = Vocabulary(
    titles=("a title",),
    labels=("a-label",),
    invitees=("new@x.example",),
    member_ids=("usr_1",),
    member_activity=bytes(256),
    removable=("old@x.example",),
)


def shape(metadata: dict[str, Any]) -> dict[str, type]:
    return {key: type(value) for key, value in metadata.items()}


def expected_shape(action: str, user_id: str) -> dict[str, type]:
    """The shape the table's builder gives `action`'s metadata."""
    context = Context(user_id, "customer", SAMPLE_WORDS)
    return shape(RULES[action].metadata(Draws(0), context))


@dataclass
class Replay:
    """What a project holds after the entries replayed so far."""

    live: set[str]
    # Members in order: (id, email, role). Two may share an email (the same name twice).
    members: list[tuple[str, str, str]]
    entity_types: list[str]
    # The members are those of the world's end and do not follow the log (a generated log).
    fixed_members: bool = False
    type_of: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, project: Project, *, fixed_members: bool = False) -> Replay:
        """A replay starting from what `project` holds now."""
        members = [(m.id, m.email, m.role) for m in project.members]
        return cls(set(project.live_entities), members, list(project.entity_types), fixed_members)

    @classmethod
    def generated(cls, project: Project) -> Replay:
        """A replay of a generated project's log from its start: no entity, no type yet."""
        replay = cls.of(project, fixed_members=True)
        replay.live, replay.entity_types = set(), []
        return replay

    def role_of(self, user_id: str) -> str | None:
        return next((role for uid, _, role in self.members if uid == user_id), None)

    def roles_of(self, email: str) -> list[str]:
        return [role for _, address, role in self.members if address == email]

    def check(self, entry: AuditEntry) -> None:
        """Assert that `entry` obeys the rules of its action, given what came before."""
        assert entry.action in RULES, f"{entry.action} has a rule"
        rule = RULES[entry.action]
        role = self.role_of(entry.user_id)
        assert rule.performer.allows(entry.user_id, role), (
            f"{entry.user_id} ({role}) may not perform {entry.action}"
        )
        if rule.entity is EntityChange.NONE:
            assert entry.entity_id is None, f"{entry.action} names no entity"
        elif rule.entity is EntityChange.CREATE:
            assert entry.entity_id is not None and entry.entity_id not in self.live
        else:
            assert entry.entity_id in self.live, "only live entities change"
        metadata = entry.metadata
        assert shape(metadata) == expected_shape(entry.action, entry.user_id)
        if "source" in metadata:
            assert (metadata["source"] == "integration") == (entry.user_id == SYSTEM_USER)
        if rule.entity is EntityChange.CREATE and self.entity_types:
            assert metadata["entityType"] in self.entity_types
        if entry.entity_id in self.type_of:
            assert metadata["entityType"] == self.type_of[entry.entity_id], "a type for life"
        if rule.members is MemberChange.REMOVE:
            roles = self.roles_of(metadata["email"])
            assert roles, "only members are removed"
            assert "owner" not in roles, "never the owner"
        if "requestedBy" in metadata:
            requester = metadata["requestedBy"]
            assert self.role_of(requester) is not None or (
                requester == SYSTEM_USER and not self.members
            )

    def apply(self, entry: AuditEntry) -> None:
        """Change the replayed project as the table says `entry`'s action does."""
        rule = RULES.get(entry.action)
        if rule is None:
            return
        if entry.entity_id is not None:
            if rule.entity is EntityChange.CREATE:
                self.live.add(entry.entity_id)
                entity_type = entry.metadata.get("entityType")
                if isinstance(entity_type, str):
                    self.type_of[entry.entity_id] = entity_type
            elif rule.entity is EntityChange.DELETE:
                self.live.discard(entry.entity_id)
                self.type_of.pop(entry.entity_id, None)
        name = entry.metadata.get("name")
        if rule.adds_entity_type and isinstance(name, str) and name not in self.entity_types:
            self.entity_types.append(name)
        email = entry.metadata.get("email")
        if self.fixed_members or not isinstance(email, str):
            return
        if rule.members is MemberChange.ADD and not self.roles_of(email):
            role = entry.metadata.get("role")
            role = role if role in ("member", "admin") else "member"
            self.members.append((invited_member_id(email), email, role))
        elif rule.members is MemberChange.REMOVE:
            self.members = [member for member in self.members if member[1] != email]

    def step(self, entry: AuditEntry) -> None:
        self.check(entry)
        self.apply(entry)

    def assert_matches(self, project: Project) -> None:
        """Assert that `project` holds what the replay says it should."""
        assert project.live_entities == self.live
        assert project.entity_types == self.entity_types
        assert [(m.id, m.email, m.role) for m in project.members] == self.members
        counts = project.counts()
        assert counts.entity_count == len(self.live)
        assert counts.member_count == len(self.members)
        assert counts.entity_type_count == len(self.entity_types)
