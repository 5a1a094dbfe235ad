"""Events added to a running world: validated, completed, stored, and applied to the counts.

Both the control API (`POST /__mock/events`) and the live activity add events through
an `EventWriter`, so both obey the same rules:

- an event is an audit-log entry in the API's own JSON shape, validated against the
  `AuditLogEntry` schema of `openapi.yaml`; `id`, `timestamp`, `entityId` and `metadata`
  may be left out and are filled in (a ULID, the clock's now, `null`, `{}`);
- a batch is validated as a whole before anything is stored;
- a stored event changes its project as the rule of its action says (`rules.apply`),
  and so what the project counts derive from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from random import Random
from typing import Any

import jsonschema_rs

from mockserver.domain import rules
from mockserver.domain.clock import Clock
from mockserver.domain.ids import ulid
from mockserver.domain.models import AuditEntry, Project, World
from mockserver.spec.loader import Spec, schema_validator
from mockserver.spec.problems import first_problem
from mockserver.store.audit_log import AuditLog

ENTRY_SCHEMA = "AuditLogEntry"
# Fields an event may leave out, with where their value then comes from.
FILLED_IN = ("id", "timestamp", "entityId", "metadata")
# A ULID holds 48 bits of milliseconds; later instants could not be ordered by id.
MAX_TIMESTAMP_MS = 2**48 - 1


class InvalidEvent(ValueError):
    """An event that cannot be stored; the message says which one and why."""


def event_schema(spec: Spec) -> Spec:
    """The spec's entry schema, with the filled-in fields optional and no unknown fields.

    Unknown fields are refused because they are almost always typos (`user_id`) that
    would otherwise vanish silently.
    """
    entry = spec["components"]["schemas"][ENTRY_SCHEMA]
    properties = dict(entry["properties"])
    properties["timestamp"] = {**properties["timestamp"], "maximum": MAX_TIMESTAMP_MS}
    return {
        **entry,
        "properties": properties,
        "required": [name for name in entry["required"] if name not in FILLED_IN],
        "additionalProperties": False,
    }


class IdMinter:
    """ULIDs for new entries; within one millisecond they increase, as the ULID spec says.

    So events stored in the same millisecond (a batch on a frozen clock) keep the order
    in which they were given, even when events of other instants come in between.
    """

    # Milliseconds remembered: more than a batch can hold.
    REMEMBERED = 4096

    def __init__(self, rng: Random) -> None:
        self._rng = rng
        self._last: dict[int, int] = {}  # timestamp -> randomness of its last id

    def mint(self, timestamp: int) -> str:
        last = self._last.pop(timestamp, None)
        if last is not None and last + 1 < 2**80:
            randomness = last + 1
        else:
            randomness = self._rng.getrandbits(80)
        self._last[timestamp] = randomness
        if len(self._last) > self.REMEMBERED:
            del self._last[next(iter(self._last))]  # the least recently used
        return ulid(timestamp, randomness)


class EventWriter:
    """Adds events to the projects of the served world."""

    def __init__(self, spec: Spec, clock: Clock, seed: int) -> None:
        schema = event_schema(spec)
        # The live activity stores every event through here: jsonschema-rs checks an
        # event in microseconds, and jsonschema only explains the ones it refuses.
        self._check = jsonschema_rs.Draft202012Validator(schema)
        self._explain = schema_validator(spec, schema)
        self._clock = clock
        self._seed = seed
        self.reset()

    def reset(self) -> None:
        """Start the id sequence again (a reset installs a new world)."""
        self._ids = IdMinter(Random(f"events/{self._seed}"))

    def add(self, project: Project, events: Sequence[Any]) -> list[AuditEntry]:
        """Store `events` (entries in the API's JSON shape) in `project`; all or nothing."""
        entries = [self._complete(event, f"events[{index}]") for index, event in enumerate(events)]
        self._check_unique(project, events, entries)
        store(project, entries)
        for entry in entries:
            rules.apply(project, entry)
        return entries

    def _complete(self, event: Any, where: str) -> AuditEntry:
        if not self._check.is_valid(event):
            problem = first_problem(self._explain, event, where)
            if problem is not None:
                raise InvalidEvent(problem)
        timestamp = event.get("timestamp")
        if timestamp is not None:
            # JSON Schema counts 5.0 as an integer; the API's entries never show one.
            timestamp = int(timestamp)
        else:
            timestamp = self._clock.now_ms()
            if not 0 <= timestamp <= MAX_TIMESTAMP_MS:
                raise InvalidEvent(f"{where}.timestamp: give one; the clock is out of range")
        entry_id = event.get("id") or self._ids.mint(timestamp)
        try:
            return AuditEntry(
                entry_id,
                event["action"],
                event["userId"],
                event.get("entityId"),
                event.get("metadata", {}),
                timestamp,
            )
        except UnicodeEncodeError:  # an entry is rendered to UTF-8 when it is made
            raise InvalidEvent(f"{where}: its text must be Unicode, not lone surrogates") from None

    def _check_unique(
        self, project: Project, events: Sequence[Any], entries: list[AuditEntry]
    ) -> None:
        given = [
            (i, e.id)
            for i, (event, e) in enumerate(zip(events, entries, strict=True))
            if "id" in event
        ]
        if not given:
            return
        seen: set[str] = set()
        for index, entry_id in given:
            if entry_id in seen or project.log.find(entry_id) is not None:
                raise InvalidEvent(
                    f"events[{index}].id: {entry_id!r} is already taken in project {project.id}"
                )
            seen.add(entry_id)


def store(project: Project, entries: Sequence[AuditEntry]) -> None:
    """Insert `entries` into the project's log, oldest first: then each one is the newest
    of its batch, and appending the newest entry is what the log does cheaply."""
    for entry in sorted(entries, key=lambda entry: entry.sort_key):
        project.log.add(entry)


def fork_world(world: World) -> World:
    """A copy of `world` that events can change without touching the original.

    Entries are immutable and shared; only what events change is copied, so a fork
    costs a fraction of generating the world again.
    """
    return World(
        [
            dataclasses.replace(
                project,
                log=AuditLog(project.log),
                live_entities=set(project.live_entities),
                members=list(project.members),
                entity_types=list(project.entity_types),
            )
            for project in world.projects
        ]
    )
