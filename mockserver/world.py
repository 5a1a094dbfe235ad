"""Generation of the seeded world: projects, members, keys and audit logs.

One seed decides everything: a `Faker` and a `random.Random` are created per world
and seeded from it, so the same seed gives the same world on any machine and any
day (timestamps come from the configured world end, never the wall clock).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from random import Random
from typing import Any

from faker import Faker

from .config import DEFAULT_ENTRIES, WorldConfig
from .ids import api_key, ulid
from .models import SYSTEM_USER, ApiKey, AuditEntry, Member, Project, Role, World
from .store import AuditLog

DAY_MS = 86_400_000
LOG_SPAN_MS = 90 * DAY_MS
PLANS = ("free", "pro", "team", "enterprise")
DOCUMENTED_ACTIONS = (
    "entity.created",
    "entity.updated",
    "entity.deleted",
    "integration.synced",
    "member.invited",
)
# Relative frequencies of the actions after a project's entity types exist.
ACTION_WEIGHTS: dict[str, float] = {
    "entity.updated": 34,
    "entity.created": 24,
    "integration.synced": 16,
    "entity.deleted": 9,
    "export.completed": 3,
    "member.invited": 3,
    "api_key.created": 1.5,
    "project.updated": 1.5,
    "member.removed": 1,
    "api_key.revoked": 1,
}
# Actions that automated jobs perform, always as the user `system`.
SYSTEM_ACTIONS = frozenset({"integration.synced", "export.completed"})
# Actions only members with an admin role perform.
ADMIN_ACTIONS = frozenset(
    {
        "member.invited",
        "member.removed",
        "api_key.created",
        "api_key.revoked",
        "project.updated",
        "entity_type.created",
    }
)
ENTITY_TYPES = (
    "customer",
    "invoice",
    "order",
    "product",
    "ticket",
    "contract",
    "supplier",
    "shipment",
    "campaign",
    "asset",
    "employee",
    "subscription",
)
ENTITY_FIELDS = ("name", "status", "owner", "dueDate", "amount", "tags", "description", "priority")
INTEGRATIONS = ("salesforce", "hubspot", "zendesk", "github", "slack", "stripe", "jira")
# Share of entries recorded in the same millisecond as the previous one (bulk work).
SAME_TIMESTAMP_SHARE = 0.04
# Relative activity by hour of day (UTC), so the log has a working-day rhythm.
HOURLY_ACTIVITY = (1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 9, 7, 9, 10, 10, 9, 7, 5, 4, 3, 2, 2, 1)


def entries_for(config: WorldConfig, project_index: int) -> int:
    """The first project gets `config.entries`; each further one a quarter of the one before."""
    if project_index == 0:
        return config.entries
    return min(config.entries, DEFAULT_ENTRIES) // int(4**project_index)


def generate_world(config: WorldConfig) -> World:
    fake = Faker("en_US")
    fake.seed_instance(config.seed)
    rng = Random(config.seed)
    used_slugs: set[str] = set()
    projects = [
        _ProjectGenerator(config, index, fake, rng, used_slugs).generate()
        for index in range(config.projects)
    ]
    return World(projects)


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "project"


@dataclass
class _ProjectGenerator:
    config: WorldConfig
    index: int
    fake: Faker
    rng: Random
    used_slugs: set[str]

    def generate(self) -> Project:
        rng, fake = self.rng, self.fake
        project_id = f"prj_{rng.getrandbits(48):012x}"
        name = fake.company()
        slug = base_slug = slugify(name)
        suffix = 1
        while slug in self.used_slugs:
            suffix += 1
            slug = f"{base_slug}-{suffix}"
        self.used_slugs.add(slug)
        domain = f"{slug.split('-')[0]}.example.com"
        self.entity_types = rng.sample(ENTITY_TYPES, rng.randint(3, 9))
        self.members = self._members(domain)
        self.admins = [m for m in self.members if m.role in ("owner", "admin")]
        # A few members do most of the work, as in real projects (Zipf-like).
        self.activity = list(accumulate(1 / (rank + 1) for rank in range(len(self.members))))
        self.live: list[str] = []
        self.entity_type_of: dict[str, str] = {}
        self.titles = [fake.catch_phrase() for _ in range(60)]
        self.labels = [f"{fake.word()}-{fake.word()}" for _ in range(20)]
        self.invitees = [fake.email() for _ in range(40)]
        keys = [
            ApiKey(api_key(self.config.seed, self.index, role.value), role, project_id)
            for role in (Role.ADMIN, Role.MEMBER)
        ]
        entries = self._entries(entries_for(self.config, self.index))
        return Project(
            id=project_id,
            name=name,
            slug=slug,
            plan=rng.choice(PLANS),
            entity_types=list(self.entity_types),
            members=self.members,
            keys=keys,
            log=AuditLog(entries),
            live_entities=set(self.live),
        )

    def _members(self, domain: str) -> list[Member]:
        members = []
        for rank in range(self.rng.randint(4, 24)):
            first, last = self.fake.first_name(), self.fake.last_name()
            role = "owner" if rank == 0 else ("admin" if rank < 3 else "member")
            email = f"{first}.{last}@{domain}".lower()
            members.append(
                Member(f"usr_{self.rng.getrandbits(32):08x}", f"{first} {last}", email, role)
            )
        return members

    def _timeline(self, count: int) -> list[tuple[int, str]]:
        """`count` (timestamp, id) pairs in chronological order, inside the log's span."""
        end = self.config.world_end_ms
        start = end - LOG_SPAN_MS
        stamps: list[int] = []
        peak = max(HOURLY_ACTIVITY)
        while len(stamps) < count:
            if stamps and self.rng.random() < SAME_TIMESTAMP_SHARE:
                stamps.append(stamps[-1])
                continue
            stamp = start + int(self.rng.random() * LOG_SPAN_MS)
            if self.rng.random() * peak < HOURLY_ACTIVITY[(stamp // 3_600_000) % 24]:
                stamps.append(stamp)
        # Sort the timestamps first, then draw the ids: duplicates stay adjacent.
        stamps.sort()
        pairs = [(stamp, ulid(stamp, self.rng.getrandbits(80))) for stamp in stamps]
        pairs.sort()
        return pairs

    def _actions(self, count: int) -> list[str]:
        """The action of each entry: entity types first, then each documented action once."""
        opening = ["entity_type.created"] * len(self.entity_types) + list(DOCUMENTED_ACTIONS)
        opening = opening[:count]
        names, weights = zip(*ACTION_WEIGHTS.items(), strict=True)
        rest = self.rng.choices(names, weights, k=count - len(opening))
        return opening + rest

    def _entries(self, count: int) -> list[AuditEntry]:
        types_to_create = list(self.entity_types)
        entries = []
        for (timestamp, entry_id), action in zip(
            self._timeline(count), self._actions(count), strict=True
        ):
            if action == "entity_type.created":
                entity_type = types_to_create.pop(0)
                user, entity, metadata = (
                    self._admin(),
                    None,
                    {"name": entity_type, "fieldCount": self.rng.randint(3, 24)},
                )
            else:
                action = self._feasible(action)
                user, entity, metadata = _BUILDERS[action](self)
            entries.append(AuditEntry(entry_id, action, user, entity, metadata, timestamp))
        return entries

    def _feasible(self, action: str) -> str:
        # An entity can only be updated or deleted once one exists.
        if action in ("entity.updated", "entity.deleted") and not self.live:
            return "entity.created"
        return action

    def _member(self) -> str:
        return self.rng.choices(self.members, cum_weights=self.activity)[0].id

    def _admin(self) -> str:
        return self.rng.choice(self.admins).id

    def _source_user(self) -> tuple[str, str]:
        """Who changed an entity: mostly a member in the web app, sometimes an integration."""
        if self.rng.random() < 0.1:
            return SYSTEM_USER, "integration"
        return self._member(), self.rng.choice(("web", "web", "web", "api"))

    def _entity_created(self) -> Built:
        entity_id = f"ent_{self.rng.getrandbits(64):016x}"
        entity_type = self.rng.choice(self.entity_types)
        self.live.append(entity_id)
        self.entity_type_of[entity_id] = entity_type
        user, source = self._source_user()
        return (
            user,
            entity_id,
            {"entityType": entity_type, "title": self.rng.choice(self.titles), "source": source},
        )

    def _entity_updated(self) -> Built:
        entity_id = self.rng.choice(self.live)
        fields = sorted(self.rng.sample(ENTITY_FIELDS, self.rng.randint(1, 3)))
        user, source = self._source_user()
        return (
            user,
            entity_id,
            {
                "entityType": self.entity_type_of[entity_id],
                "changedFields": fields,
                "source": source,
            },
        )

    def _entity_deleted(self) -> Built:
        slot = self.rng.randrange(len(self.live))
        self.live[slot], self.live[-1] = self.live[-1], self.live[slot]
        entity_id = self.live.pop()
        return (
            self._member(),
            entity_id,
            {
                "entityType": self.entity_type_of[entity_id],
                "reason": self.rng.choice(("manual", "duplicate", "retention")),
            },
        )

    def _integration_synced(self) -> Built:
        status = self.rng.choices(("success", "partial", "failed"), (90, 7, 3))[0]
        return (
            SYSTEM_USER,
            None,
            {
                "integration": self.rng.choice(INTEGRATIONS),
                "direction": self.rng.choice(("inbound", "outbound")),
                "recordsSynced": 0 if status == "failed" else self.rng.randint(1, 2_000),
                "durationMs": self.rng.randint(120, 90_000),
                "status": status,
            },
        )

    def _export_completed(self) -> Built:
        return (
            SYSTEM_USER,
            None,
            {
                "format": self.rng.choice(("csv", "json", "xlsx")),
                "rows": self.rng.randint(10, 50_000),
                "requestedBy": self._member(),
            },
        )

    def _invitee(self) -> str:
        return self.rng.choice(self.invitees)

    def _member_invited(self) -> Built:
        return (
            self._admin(),
            None,
            {"email": self._invitee(), "role": self.rng.choice(("member", "member", "admin"))},
        )

    def _member_removed(self) -> Built:
        return (
            self._admin(),
            None,
            {
                "email": self._invitee(),
                "reason": self.rng.choice(("left_company", "offboarded", "duplicate")),
            },
        )

    def _api_key_created(self) -> Built:
        return (
            self._admin(),
            None,
            {
                "keyPrefix": f"alk_{self.rng.getrandbits(16):04x}",
                "role": self.rng.choice(("admin", "member")),
                "label": self.rng.choice(self.labels),
            },
        )

    def _api_key_revoked(self) -> Built:
        return self._admin(), None, {"keyPrefix": f"alk_{self.rng.getrandbits(16):04x}"}

    def _project_updated(self) -> Built:
        fields = sorted(self.rng.sample(("name", "timezone", "retentionDays", "defaultRole"), 1))
        return self._admin(), None, {"changedFields": fields}


Built = tuple[str, str | None, dict[str, Any]]

_BUILDERS: dict[str, Callable[[_ProjectGenerator], Built]] = {
    "entity.created": _ProjectGenerator._entity_created,
    "entity.updated": _ProjectGenerator._entity_updated,
    "entity.deleted": _ProjectGenerator._entity_deleted,
    "integration.synced": _ProjectGenerator._integration_synced,
    "export.completed": _ProjectGenerator._export_completed,
    "member.invited": _ProjectGenerator._member_invited,
    "member.removed": _ProjectGenerator._member_removed,
    "api_key.created": _ProjectGenerator._api_key_created,
    "api_key.revoked": _ProjectGenerator._api_key_revoked,
    "project.updated": _ProjectGenerator._project_updated,
}
