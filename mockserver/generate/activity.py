"""Live activity: realistic new audit-log events as the mock's clock moves on.

`--activity RATE` makes events arrive as a Poisson process of RATE events per second
of the clock. Arrival times come from a seeded generator, so the same seed and the
same clock give the same events; they are materialised lazily, before each request
is handled, which nobody can tell from a background task: every read sees every event
up to the clock's now. A frozen clock therefore produces nothing until it is advanced,
and advancing it by a minute produces a minute's worth at once.

The events follow the world's rules, read from `mockserver.domain.rules`: who performs
each action, which entity it acts on (updates and deletions only of live entities), and
how its metadata is built. When the project has nobody the rule allows (a scenario
without admins or members), an admin's action falls back to a member, a member's to
`system`. Events are stored through the `EventWriter`, so `entity.created` raises
`entityCount` once the cache refreshes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import accumulate
from random import Random
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from faker import Faker

from mockserver.domain import rules
from mockserver.domain.clock import Clock
from mockserver.domain.draws import Draws
from mockserver.domain.events import EventWriter
from mockserver.domain.metadata import Context, Vocabulary
from mockserver.domain.models import SYSTEM_USER, Member, Project, World
from mockserver.generate.world import (
    ACTION_WEIGHTS,
    INTEGRATION_SHARE,
    member_weights,
    vocabulary,
    with_members,
)
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
    # The words of its metadata, and the members they were made for.
    words: Vocabulary
    words_members: list[Member]
    entity_type_of: dict[str, str] = field(default_factory=dict)
    # Cumulative weights of the members by rank: a few do most of the work.
    member_weights: list[float] = field(default_factory=list)

    @classmethod
    def of(cls, project: Project, fake: Faker) -> _ProjectActivity:
        members = list(project.members)
        state = cls(project, sorted(project.live_entities), vocabulary(fake, members), members)
        # The action index finds the creations without reading the rest of the log.
        for action in rules.CREATING_ACTIONS:
            created = project.log.query(AuditQuery(action=action, limit=len(project.log)))
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
        self._projects = [_ProjectActivity.of(project, self._fake) for project in world.projects]
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
        rule = rules.RULES[self._rng.choices(_ACTIONS, cum_weights=_ACTION_WEIGHTS)[0]]
        entity_id = None
        if rule.entity.needs_live:
            entity_id = self._pick_live(state)
        while not self._possible(state, rule, entity_id):
            rule = rules.instead_of(rule)
        entity_type = None
        if rule.entity is rules.EntityChange.CREATE:
            entity_id = f"ent_{self._rng.getrandbits(64):016x}"
            entity_type = self._rng.choice(state.project.entity_types or ["entity"])
            state.live.append(entity_id)
            state.entity_type_of[entity_id] = entity_type
        elif entity_id is not None:
            entity_type = state.entity_type_of.get(entity_id, "entity")
            if rule.entity is rules.EntityChange.DELETE:
                state.live.pop()
                state.entity_type_of.pop(entity_id, None)
        user = self._performer(state, rule.performer)
        context = Context(user, entity_type, self._words(state))
        metadata = rule.metadata(Draws(self._rng.getrandbits(64)), context)
        return {"action": rule.action, "userId": user, "entityId": entity_id, "metadata": metadata}

    @staticmethod
    def _possible(state: _ProjectActivity, rule: rules.Rule, entity_id: str | None) -> bool:
        """Whether `rule` has something to act on: a live entity, a member to remove."""
        if rule.entity.needs_live and entity_id is None:
            return False
        if rule.members is rules.MemberChange.REMOVE:
            return bool(rules.removable(state.project.members))
        return True

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
            state.entity_type_of.pop(live.pop(), None)
        return None

    def _words(self, state: _ProjectActivity) -> Vocabulary:
        """The project's words, with its members as they are now."""
        members = state.project.members
        if state.words_members != members:
            state.words = with_members(state.words, members)
            state.words_members = list(members)
        return state.words

    def _performer(self, state: _ProjectActivity, performer: rules.Performer) -> str:
        """Someone the rule allows to perform an action, the busiest members most often."""
        if performer is rules.Performer.SYSTEM:
            return SYSTEM_USER
        if performer is rules.Performer.ADMINS:
            admins = rules.admins(state.project.members)
            if admins:
                return self._rng.choice(admins).id
        elif (
            performer is rules.Performer.SYSTEM_OR_MEMBERS
            and self._rng.random() < INTEGRATION_SHARE
        ):
            return SYSTEM_USER
        return self._member(state)

    def _member(self, state: _ProjectActivity) -> str:
        members = state.project.members
        if not members:
            return SYSTEM_USER
        if len(state.member_weights) != len(members):
            state.member_weights = list(accumulate(member_weights(len(members))))
        return self._rng.choices(members, cum_weights=state.member_weights)[0].id


_ACTIONS = tuple(ACTION_WEIGHTS)
_ACTION_WEIGHTS = tuple(accumulate(ACTION_WEIGHTS.values()))


def setup_activity(app: web.Application, activity: Activity) -> None:
    """Before each request, bring the world up to the clock's now (when activity is on)."""
    if activity.per_second <= 0:
        return

    @web.middleware
    async def bring_world_up_to_now(request: web.Request, handler: Handler) -> web.StreamResponse:
        activity.catch_up()
        return await handler(request)

    app.middlewares.append(bring_world_up_to_now)
