"""Generation of the seeded world: projects, members, keys and audit logs.

One seed decides everything: a `Faker` and a `random.Random` are created per world
and seeded from it, so the same seed gives the same world on any machine and any
day (timestamps come from the configured world end, never the wall clock).

Audit logs are drawn in bulk, a column at a time (see `sampling`), and stored in
columns (see `columns`): a log of a million entries is generated in about a second
and holds a few bytes per entry until its entries are asked for.

Who performs each action, the life of each entity and each entry's metadata follow
the rule table (`mockserver.domain.rules`), read once per action code. A project's
members are those at the world's end: the log's invitations and removals name people
as the rules say, but are not replayed into the members, since their emails are drawn
only when an entry is rendered.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import compress
from random import Random

from faker import Faker

from mockserver.config import DEFAULT_ENTRIES, WorldConfig
from mockserver.domain import rules
from mockserver.domain.ids import api_key
from mockserver.domain.metadata import Vocabulary
from mockserver.domain.models import SYSTEM_USER, ApiKey, Member, Project, Role, World
from mockserver.generate.columns import NO_ENTITY, Columns, GeneratedLog, entity_id
from mockserver.generate.sampling import (
    CELLS,
    apportion,
    draw,
    draw_words,
    select,
    uniform_table,
    weighted_table,
)
from mockserver.generate.timeline import Timeline
from mockserver.store.audit_log import AuditLog

__all__ = [
    "ACTION_WEIGHTS",
    "DOCUMENTED_ACTIONS",
    "ENTITY_TYPES",
    "INTEGRATION_SHARE",
    "LOG_SPAN_MS",
    "entries_for",
    "generate_world",
    "member_weights",
    "slugify",
    "vocabulary",
    "with_members",
]

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
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
# Share of the entity changes that `system` may make (see `rules`) made by an integration.
INTEGRATION_SHARE = 0.1
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
# Relative activity by hour of day (UTC), so the log has a working-day rhythm.
HOURLY_ACTIVITY = (1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 9, 7, 9, 10, 10, 9, 7, 5, 4, 3, 2, 2, 1)
# Each day's activity is scaled by a whole factor from this range, in tenths.
DAY_ACTIVITY_TENTHS = (7, 13)

# Action codes, as stored in a generated log's action column.
ACTIONS = ("entity_type.created", *ACTION_WEIGHTS)
CODE = {action: code for code, action in enumerate(ACTIONS)}
ACTION_TABLE = weighted_table({CODE[action]: w for action, w in ACTION_WEIGHTS.items()})
_RULES = tuple(rules.RULES[action] for action in ACTIONS)


def _by_code(value: list[int]) -> bytes:
    """A 256-cell table of `value[code]` per action code (0 beyond the actions)."""
    return bytes(value + [0] * (CELLS - len(value)))


# What each action code does to entities, read from the rules once, for `lifecycle`.
TOUCHES_ENTITY = _by_code([rule.entity is not rules.EntityChange.NONE for rule in _RULES])
CREATES = _by_code([rule.entity is rules.EntityChange.CREATE for rule in _RULES])
DELETES = _by_code([rule.entity is rules.EntityChange.DELETE for rule in _RULES])
INSTEAD = _by_code(
    [CODE[rule.instead] if rule.instead is not None else code for code, rule in enumerate(_RULES)]
)


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


def member_weights(count: int) -> list[float]:
    """How busy each of `count` members is, by rank: a few do most of the work (Zipf-like)."""
    return [1 / (rank + 1) for rank in range(count)]


def vocabulary(fake: Faker, members: Sequence[Member]) -> Vocabulary:
    """The words of a project's metadata: drawn from `fake`, and its members'."""
    words = Vocabulary(
        titles=tuple(fake.catch_phrase() for _ in range(60)),
        labels=tuple(f"{fake.word()}-{fake.word()}" for _ in range(20)),
        invitees=tuple(fake.email() for _ in range(40)),
        member_ids=(),
        member_activity=b"",
        removable=(),
    )
    return with_members(words, members)


def with_members(words: Vocabulary, members: Sequence[Member]) -> Vocabulary:
    """`words` with the member part taken from `members`.

    Exports are requested by the busiest members (the first 256, as many as a weighted
    table holds), or by `system` in a project without members.
    """
    requesters = tuple(member.id for member in members[:CELLS]) or (SYSTEM_USER,)
    return replace(
        words,
        member_ids=requesters,
        member_activity=weighted_table(dict(enumerate(member_weights(len(requesters))))),
        removable=tuple(member.email for member in rules.removable(members)),
    )


def lifecycle(actions: bytearray, draws: array[int]) -> tuple[array[int], list[int], int]:
    """The entity of each entry, so that entities change only while they live (see `rules`).

    A creation makes a new entity; a change or deletion picks a live one
    (`draws[position]` picks which), and becomes its rule's `instead` (a creation) when
    none lives. Returns the entity of each entry (NO_ENTITY for actions of no entity),
    the entities still live, and how many were created. Entities are numbered in order
    of creation.
    """
    entities = array("i", [NO_ENTITY]) * len(actions)
    live: list[int] = []
    made = 0
    for position in compress(range(len(actions)), actions.translate(TOUCHES_ENTITY)):
        code = actions[position]
        if not live:
            code = actions[position] = INSTEAD[code]
        if CREATES[code]:
            entities[position] = made
            live.append(made)
            made += 1
            continue
        slot = draws[position] % len(live)
        entities[position] = live[slot]
        if DELETES[code]:
            last = live.pop()
            if slot < len(live):
                live[slot] = last
    return entities, live, made


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
        self.activity = member_weights(len(self.members))
        keys = [
            ApiKey(api_key(self.config.seed, self.index, role.value), role, project_id)
            for role in (Role.ADMIN, Role.MEMBER)
        ]
        log, live = self._log(entries_for(self.config, self.index))
        return Project(
            id=project_id,
            name=name,
            slug=slug,
            plan=rng.choice(PLANS),
            entity_types=list(self.entity_types),
            members=self.members,
            keys=keys,
            log=AuditLog(base=log),
            live_entities=live,
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

    def _log(self, count: int) -> tuple[GeneratedLog, set[str]]:
        """`count` entries: entity types first, then each documented action once, then any."""
        rng, fake = self.rng, self.fake
        opening = [CODE["entity_type.created"]] * len(self.entity_types)
        opening += [CODE[action] for action in DOCUMENTED_ACTIONS]
        opening = opening[:count]
        actions = bytearray(opening) + draw(rng, ACTION_TABLE, count - len(opening))
        entities, live, made = lifecycle(actions, draw_words(rng, count, "I"))
        users = select(bytes(actions), self._user_tables(), rng.randbytes(count))
        entity_bits = draw_words(rng, made, "Q")
        columns = Columns(
            timeline=self._timeline(count),
            actions=bytes(actions),
            action_names=ACTIONS,
            users=users,
            # User code 0 is `system`, code 1 + i the i-th member.
            user_names=(SYSTEM_USER, *(member.id for member in self.members)),
            entities=entities,
            entity_bits=entity_bits,
            entity_types=draw(rng, uniform_table(len(self.entity_types)), made),
            entity_type_names=tuple(self.entity_types),
            words=vocabulary(fake, self.members),
        )
        return GeneratedLog(columns), {entity_id(entity_bits[entity]) for entity in live}

    def _user_tables(self) -> dict[int, bytes]:
        """Who performs each action: a table of user codes (0 is `system`) per action code.

        The rules say who may; the busiest members are picked most, admins evenly.
        """
        busiest = {1 + rank: weight for rank, weight in enumerate(self.activity)}
        by_integration = sum(busiest.values()) * INTEGRATION_SHARE / (1 - INTEGRATION_SHARE)
        admin_ids = {member.id for member in rules.admins(self.members)}
        performers = {
            rules.Performer.SYSTEM: weighted_table({0: 1.0}),
            rules.Performer.ADMINS: weighted_table(
                {1 + rank: 1.0 for rank, m in enumerate(self.members) if m.id in admin_ids}
            ),
            rules.Performer.MEMBERS: weighted_table(busiest),
            rules.Performer.SYSTEM_OR_MEMBERS: weighted_table({0: by_integration, **busiest}),
        }
        return {code: performers[rule.performer] for code, rule in enumerate(_RULES)}

    def _timeline(self, count: int) -> Timeline:
        """`count` entries over the log's span, busier in working hours and on some days."""
        start = self.config.world_end_ms - LOG_SPAN_MS
        low, high = DAY_ACTIVITY_TENTHS
        days = [self.rng.randint(low, high) for _ in range(LOG_SPAN_MS // DAY_MS)]
        weights = [
            HOURLY_ACTIVITY[(start // HOUR_MS + slot) % 24] * days[slot * HOUR_MS // DAY_MS]
            for slot in range(LOG_SPAN_MS // HOUR_MS)
        ]
        counts = apportion(count, weights, self.rng)
        return Timeline(start, HOUR_MS, counts, draw_words(self.rng, len(counts), "Q"))
