"""Live activity: realistic new audit-log events as the mock's clock moves on.

`--activity RATE` makes events arrive as a Poisson process of RATE events per second
of the clock. Arrival times come from a seeded generator, so the same seed and the
same clock give the same events; they are materialised lazily, before each request
is handled, which nobody can tell from a background task: every read sees every event
up to the clock's now. A frozen clock therefore produces nothing until it is advanced,
and advancing it by a minute produces a minute's worth at once.

The events follow the world's rules: system actions by `system`, member, key and
project changes by owners and admins, entity changes by members (or an integration),
updates and deletions only of live entities. They are stored through the
`EventWriter`, so `entity.created` raises `entityCount` once the cache refreshes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from random import Random
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from faker import Faker

from mockserver.domain.clock import Clock
from mockserver.domain.events import EventWriter
from mockserver.domain.models import SYSTEM_USER, Project, World
from mockserver.generate.world import ACTION_WEIGHTS, ENTITY_FIELDS, INTEGRATIONS
from mockserver.store.audit_log import AuditQuery

MAX_EVENTS_PER_SECOND = 1_000.0
# A clock moved far ahead would otherwise ask for millions of events at once: only
# the newest this many are generated, as if the activity had started just before.
MAX_EVENTS_PER_CATCH_UP = 10_000

Event = dict[str, Any]


@dataclass
class _ProjectActivity:
    """What the generator knows of one project beyond the project itself."""

    project: Project
    # Live entities in a deterministic order (a set's order varies between runs).
    live: list[str]
    entity_type_of: dict[str, str] = field(default_factory=dict)
    # Cumulative weights of the members by rank: a few do most of the work.
    member_weights: list[float] = field(default_factory=list)

    @classmethod
    def of(cls, project: Project) -> _ProjectActivity:
        state = cls(project, sorted(project.live_entities))
        # The action index finds the creations without reading the rest of the log.
        created = project.log.query(AuditQuery(action="entity.created", limit=len(project.log)))
        for entry in created.entries:
            entity_type = entry.metadata.get("entityType")
            if entry.entity_id in project.live_entities and isinstance(entity_type, str):
                state.entity_type_of[entry.entity_id] = entity_type
        return state


class Activity:
    """Generates `per_second` events per second of `clock` into the served world."""

    def __init__(self, per_second: float, seed: int, clock: Clock, writer: EventWriter) -> None:
        if not 0 <= per_second <= MAX_EVENTS_PER_SECOND:
            raise ValueError(f"activity must be 0 to {MAX_EVENTS_PER_SECOND:g} events a second")
        self.per_second = per_second
        self._seed = seed
        self._clock = clock
        self._writer = writer
        self._projects: list[_ProjectActivity] = []

    def restart(self, world: World) -> None:
        """Start generating into `world` from the clock's now, as on a fresh start."""
        if self.per_second <= 0:
            return
        self._rng = Random(f"activity/{self._seed}")
        self._fake = Faker("en_US")
        self._fake.seed_instance(f"activity/{self._seed}")
        self._projects = [_ProjectActivity.of(project) for project in world.projects]
        # Busier projects get more of the activity, in proportion to their logs.
        self._project_weights = list(accumulate(len(p.log) + 1 for p in world.projects))
        self._next_ms = self._clock.now_ms() + self._gap_ms()

    def catch_up(self) -> int:
        """Store every event due up to the clock's now; how many were stored."""
        if self.per_second <= 0 or not self._projects:
            return 0
        now = self._clock.now_ms()
        if self._next_ms > now:
            return 0
        horizon = MAX_EVENTS_PER_CATCH_UP * 1000 / self.per_second
        self._next_ms = max(self._next_ms, now - horizon)
        stored = 0
        while self._next_ms <= now:
            state = self._rng.choices(self._projects, cum_weights=self._project_weights)[0]
            event = self._event(state)
            # Rounded up: after the instant the activity started, never after now.
            event["timestamp"] = math.ceil(self._next_ms)
            self._writer.add(state.project, [event])
            self._next_ms += self._gap_ms()
            stored += 1
        return stored

    def _gap_ms(self) -> float:
        return self._rng.expovariate(self.per_second / 1000)

    def _event(self, state: _ProjectActivity) -> Event:
        action = self._rng.choices(_ACTIONS, cum_weights=_ACTION_WEIGHTS)[0]
        action, user, entity_id, metadata = _BUILDERS[action](self, state)
        return {"action": action, "userId": user, "entityId": entity_id, "metadata": metadata}

    def _pick_live(self, state: _ProjectActivity) -> str | None:
        """A random live entity, moved to the end of the list; None when there is none.

        Entities deleted through the control API are forgotten on the way.
        """
        live = state.live
        while live:
            slot = self._rng.randrange(len(live))
            live[slot], live[-1] = live[-1], live[slot]
            if live[-1] in state.project.live_entities:
                return live[-1]
            live.pop()
        return None

    def _member(self, state: _ProjectActivity) -> str:
        members = state.project.members
        if not members:
            return SYSTEM_USER
        if len(state.member_weights) != len(members):
            ranks = range(len(members))
            state.member_weights = list(accumulate(1 / (rank + 1) for rank in ranks))
        return self._rng.choices(members, cum_weights=state.member_weights)[0].id

    def _admin(self, state: _ProjectActivity) -> str:
        admins = [m for m in state.project.members if m.role in ("owner", "admin")]
        return self._rng.choice(admins).id if admins else self._member(state)

    def _source_user(self, state: _ProjectActivity) -> tuple[str, str]:
        if self._rng.random() < 0.1:
            return SYSTEM_USER, "integration"
        return self._member(state), self._rng.choice(("web", "web", "web", "api"))

    def _entity_created(self, state: _ProjectActivity) -> Built:
        entity_id = f"ent_{self._rng.getrandbits(64):016x}"
        entity_type = self._rng.choice(state.project.entity_types or ["entity"])
        state.live.append(entity_id)
        state.entity_type_of[entity_id] = entity_type
        user, source = self._source_user(state)
        metadata = {"entityType": entity_type, "title": self._fake.catch_phrase(), "source": source}
        return "entity.created", user, entity_id, metadata

    def _entity_updated(self, state: _ProjectActivity) -> Built:
        entity_id = self._pick_live(state)
        if entity_id is None:
            return self._entity_created(state)
        fields = sorted(self._rng.sample(ENTITY_FIELDS, self._rng.randint(1, 3)))
        user, source = self._source_user(state)
        entity_type = state.entity_type_of.get(entity_id, "entity")
        metadata = {"entityType": entity_type, "changedFields": fields, "source": source}
        return "entity.updated", user, entity_id, metadata

    def _entity_deleted(self, state: _ProjectActivity) -> Built:
        entity_id = self._pick_live(state)
        if entity_id is None:
            return self._entity_created(state)
        state.live.pop()
        reason = self._rng.choice(("manual", "duplicate", "retention"))
        entity_type = state.entity_type_of.pop(entity_id, "entity")
        metadata = {"entityType": entity_type, "reason": reason}
        return "entity.deleted", self._member(state), entity_id, metadata

    def _integration_synced(self, state: _ProjectActivity) -> Built:
        status = self._rng.choices(("success", "partial", "failed"), (90, 7, 3))[0]
        return (
            "integration.synced",
            SYSTEM_USER,
            None,
            {
                "integration": self._rng.choice(INTEGRATIONS),
                "direction": self._rng.choice(("inbound", "outbound")),
                "recordsSynced": 0 if status == "failed" else self._rng.randint(1, 2_000),
                "durationMs": self._rng.randint(120, 90_000),
                "status": status,
            },
        )

    def _export_completed(self, state: _ProjectActivity) -> Built:
        return (
            "export.completed",
            SYSTEM_USER,
            None,
            {
                "format": self._rng.choice(("csv", "json", "xlsx")),
                "rows": self._rng.randint(10, 50_000),
                "requestedBy": self._member(state),
            },
        )

    def _member_invited(self, state: _ProjectActivity) -> Built:
        role = self._rng.choice(("member", "member", "admin"))
        return (
            "member.invited",
            self._admin(state),
            None,
            {"email": self._fake.email(), "role": role},
        )

    def _member_removed(self, state: _ProjectActivity) -> Built:
        removable = [m for m in state.project.members if m.role != "owner"]
        if not removable:
            return self._member_invited(state)
        member = self._rng.choice(removable)
        reason = self._rng.choice(("left_company", "offboarded", "duplicate"))
        return "member.removed", self._admin(state), None, {"email": member.email, "reason": reason}

    def _api_key_created(self, state: _ProjectActivity) -> Built:
        return (
            "api_key.created",
            self._admin(state),
            None,
            {
                "keyPrefix": f"alk_{self._rng.getrandbits(16):04x}",
                "role": self._rng.choice(("admin", "member")),
                "label": f"{self._fake.word()}-{self._fake.word()}",
            },
        )

    def _api_key_revoked(self, state: _ProjectActivity) -> Built:
        return (
            "api_key.revoked",
            self._admin(state),
            None,
            {"keyPrefix": f"alk_{self._rng.getrandbits(16):04x}"},
        )

    def _project_updated(self, state: _ProjectActivity) -> Built:
        fields = [self._rng.choice(("name", "timezone", "retentionDays", "defaultRole"))]
        return "project.updated", self._admin(state), None, {"changedFields": fields}


# action, userId, entityId, metadata: a builder may fall back to another action when
# its own is not possible (no live entity to update, no member to remove).
Built = tuple[str, str, str | None, dict[str, Any]]

_ACTIONS = tuple(ACTION_WEIGHTS)
_ACTION_WEIGHTS = tuple(accumulate(ACTION_WEIGHTS.values()))
_BUILDERS: dict[str, Callable[[Activity, _ProjectActivity], Built]] = {
    "entity.created": Activity._entity_created,
    "entity.updated": Activity._entity_updated,
    "entity.deleted": Activity._entity_deleted,
    "integration.synced": Activity._integration_synced,
    "export.completed": Activity._export_completed,
    "member.invited": Activity._member_invited,
    "member.removed": Activity._member_removed,
    "api_key.created": Activity._api_key_created,
    "api_key.revoked": Activity._api_key_revoked,
    "project.updated": Activity._project_updated,
}


def setup_activity(app: web.Application, activity: Activity) -> None:
    """Before each request, bring the world up to the clock's now (when activity is on)."""
    if activity.per_second <= 0:
        return

    @web.middleware
    async def bring_world_up_to_now(request: web.Request, handler: Handler) -> web.StreamResponse:
        activity.catch_up()
        return await handler(request)

    app.middlewares.append(bring_world_up_to_now)
