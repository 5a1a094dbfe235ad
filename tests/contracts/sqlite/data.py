"""A seeded data set of its own: projects, members, entity types, entities, keys and a log.

Nothing is shared with the mock's world: other ids (`ev_…`, `u-…`, `ent-…`), other
actions, another world end, another way of spreading timestamps. The same seed gives the
same data on every run and machine (`random.Random(int)`, no hash of `str`).
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from typing import Any

# 2025-12-01T00:00:00Z: the newest generated entry is at most a few seconds before it.
WORLD_END_MS = 1_764_547_200_000
# Mean gap between two entries, and the share of entries that reuse the timestamp of the
# one before (a batch written in one millisecond): enough ties for the order to show.
MEAN_GAP_MS = 150_000
TIE_SHARE = 0.08
PLANS = ("free", "pro", "team", "enterprise")
KEY_ALPHABET = string.ascii_letters + string.digits
SYSTEM = "system"

NAMES = (
    ("Harbor", "Freight"),
    ("Lumen", "Clinics"),
    ("Quarry", "Works"),
    ("Saltmarsh", "Studio"),
    ("Tern", "Insurance"),
    ("Vela", "Robotics"),
)
ENTITY_TYPES = ("shipment", "invoice", "patient", "policy", "ticket", "asset", "contract")
PROVIDERS = ("hubspot", "zendesk", "netsuite", "stripe")

# action, weight, performed by `system`, involves an entity
ACTIONS: tuple[tuple[str, int, bool, bool], ...] = (
    ("entity.created", 30, False, True),
    ("entity.updated", 34, False, True),
    ("entity.deleted", 6, False, True),
    ("integration.synced", 14, True, False),
    ("member.invited", 4, False, False),
    ("member.role_changed", 2, False, False),
    ("webhook.delivery_failed", 5, True, False),
    ("report.exported", 5, False, False),
)


@dataclass(frozen=True, slots=True)
class Key:
    secret: str
    role: str  # "admin" or "member"


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    action: str
    user_id: str
    entity_id: str | None
    metadata: dict[str, Any]
    timestamp: int


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    entity_type: str
    deleted: bool


@dataclass(frozen=True, slots=True)
class Project:
    id: str
    name: str
    slug: str
    plan: str
    members: tuple[str, ...]
    entity_types: tuple[str, ...]
    keys: tuple[Key, ...]
    entities: tuple[Entity, ...]
    entries: tuple[Entry, ...]

    def key(self, role: str) -> str:
        return next(key.secret for key in self.keys if key.role == role)


@dataclass(frozen=True, slots=True)
class DataSet:
    projects: tuple[Project, ...]


def generate(seed: int, entries: tuple[int, ...]) -> DataSet:
    """One project per number in `entries`, each with that many log entries."""
    return DataSet(
        tuple(_project(random.Random(seed * 1_000 + i), i, n) for i, n in enumerate(entries))
    )


def _hex(rng: random.Random, digits: int) -> str:
    return f"{rng.getrandbits(4 * digits):0{digits}x}"


def _project(rng: random.Random, index: int, size: int) -> Project:
    first, second = NAMES[(index + rng.randrange(len(NAMES))) % len(NAMES)]
    members = tuple(f"u-{_hex(rng, 6)}" for _ in range(rng.randint(4, 11)))
    types = tuple(rng.sample(ENTITY_TYPES, rng.randint(2, 5)))
    keys = tuple(
        Key(f"sqk_{role[0]}_{''.join(rng.choices(KEY_ALPHABET, k=32))}", role)
        for role in ("admin", "member")
    )
    entities: dict[str, Entity] = {}
    log = [
        _entry(rng, action, stamp, members, types, entities)
        for action, stamp in zip(
            rng.choices([a[0] for a in ACTIONS], [a[1] for a in ACTIONS], k=size),
            _timestamps(rng, size),
            strict=True,
        )
    ]
    return Project(
        id=f"pr_{_hex(rng, 10)}",
        name=f"{first} {second}",
        slug=f"{first}-{second}".lower(),
        plan=rng.choice(PLANS),
        members=members,
        entity_types=types,
        keys=keys,
        entities=tuple(entities.values()),
        entries=tuple(log),
    )


def _timestamps(rng: random.Random, size: int) -> list[int]:
    """`size` timestamps, oldest first, ending just before the world end."""
    stamps: list[int] = []
    now = WORLD_END_MS - rng.randrange(5_000)
    for _ in range(size):
        stamps.append(now)
        if rng.random() >= TIE_SHARE:
            now -= 1 + int(rng.expovariate(1 / MEAN_GAP_MS))
    return stamps[::-1]


def _entry(
    rng: random.Random,
    action: str,
    timestamp: int,
    members: tuple[str, ...],
    types: tuple[str, ...],
    entities: dict[str, Entity],
) -> Entry:
    """One entry, chronologically after every entry already in `entities`' history."""
    live = [entity for entity in entities.values() if not entity.deleted]
    if action in ("entity.updated", "entity.deleted") and not live:
        action = "entity.created"
    _, _, automated, involves_entity = next(a for a in ACTIONS if a[0] == action)
    user = SYSTEM if automated or (involves_entity and rng.random() < 0.1) else rng.choice(members)
    metadata: dict[str, Any]
    entity_id: str | None = None
    if action == "entity.created":
        entity = Entity(f"ent-{_hex(rng, 8)}", rng.choice(types), deleted=False)
        entities[entity.id] = entity
        entity_id, metadata = entity.id, {"type": entity.entity_type}
    elif involves_entity:
        entity = rng.choice(live)
        entity_id = entity.id
        metadata = {"type": entity.entity_type}
        if action == "entity.deleted":
            entities[entity.id] = Entity(entity.id, entity.entity_type, deleted=True)
        else:
            metadata["fields"] = sorted(rng.sample(["status", "owner", "due", "notes"], 2))
    elif action in ("integration.synced", "webhook.delivery_failed"):
        metadata = {"provider": rng.choice(PROVIDERS), "records": rng.randrange(1, 500)}
    elif action.startswith("member."):
        metadata = {"member": rng.choice(members), "role": rng.choice(["admin", "member"])}
    else:
        metadata = {}
    return Entry(f"ev_{_hex(rng, 16)}", action, user, entity_id, metadata, timestamp)


def new_entity(rng: random.Random, project: Project, timestamp: int) -> tuple[Entry, Entity]:
    """An entity created now, and the entry that records it: the live activity of a project."""
    entity = Entity(f"ent-{_hex(rng, 8)}", rng.choice(project.entity_types), deleted=False)
    entry = Entry(
        f"ev_{_hex(rng, 16)}",
        "entity.created",
        rng.choice(project.members),
        entity.id,
        {"type": entity.entity_type},
        timestamp,
    )
    return entry, entity
