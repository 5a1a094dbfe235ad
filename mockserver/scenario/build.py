"""From a scenario document to a `World`: the computed defaults, and generated additions.

`build_world` is the one place that decides what a `WorldConfig` describes: a
generated world, a scenario file's world, or a scenario with generated entries added.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import chain
from typing import Any

from mockserver.config import WorldConfig
from mockserver.domain.ids import derived_key, ulid
from mockserver.domain.models import SYSTEM_USER, ApiKey, AuditEntry, Member, Project, Role, World
from mockserver.domain.rules import OWNER, live_after
from mockserver.generate.world import ENTITY_TYPES, generate_world, slugify
from mockserver.scenario.document import (
    Document,
    Problem,
    ScenarioError,
    format_path,
    load_scenario,
    shown,
)
from mockserver.store.audit_log import AuditLog

MINUTE_MS = 60_000


def build_world(config: WorldConfig) -> World:
    """The world `config` describes.

    With a scenario and `generated_entries`, each project of the file also gets the
    entries (with their members, entity types and entities) that the project at the
    same position has in the world `--seed S --entries N` generates.
    """
    if config.scenario is None:
        return generate_world(config)
    path = config.scenario.path
    world = scenario_world(load_scenario(path), config.world_end_ms, source=str(path))
    if config.scenario.generated_entries == 0:
        return world
    generated = generate_world(
        replace(
            config,
            scenario=None,
            projects=len(world.projects),
            entries=config.scenario.generated_entries,
        )
    )
    return World(
        [
            _with_generated(own, extra)
            for own, extra in zip(world.projects, generated.projects, strict=True)
        ]
    )


def scenario_world(document: Document, world_end_ms: int, *, source: str = "scenario") -> World:
    """The world of a checked scenario document (see `load_scenario`)."""
    problems: list[Problem] = []
    projects = [
        _project(raw, index, world_end_ms, problems)
        for index, raw in enumerate(document["projects"])
    ]
    problems.extend(_shared_duplicates(projects))
    if problems:
        raise ScenarioError(source, problems)
    return World(projects)


def _project(
    raw: dict[str, Any], index: int, world_end_ms: int, problems: list[Problem]
) -> Project:
    project_id = raw.get("id", f"prj_{index + 1}")
    name = raw.get("name", f"Project {index + 1}")
    entries = _entries(raw["auditLog"], project_id, world_end_ms)
    chronological = sorted(entries, key=lambda entry: entry.sort_key)
    members = _members(raw.get("members"), chronological)
    where: list[int | str] = ["projects", index]
    problems.extend(_duplicate_ids([*where, "auditLog"], [entry.id for entry in entries], "entry"))
    if isinstance(raw.get("members"), list):
        problems.extend(_duplicate_ids([*where, "members"], [m.id for m in members], "member"))
    return Project(
        id=project_id,
        name=name,
        slug=raw.get("slug", slugify(name)),
        plan=raw["plan"],
        entity_types=_entity_types(raw.get("entityTypes"), chronological),
        members=members,
        keys=_keys(raw.get("keys"), project_id),
        log=AuditLog(entries),
        live_entities=_entities(raw.get("entities"), chronological),
    )


def _entries(
    raw_entries: list[dict[str, Any]], project_id: str, world_end_ms: int
) -> list[AuditEntry]:
    entries = []
    above = world_end_ms + MINUTE_MS
    for position, raw in enumerate(raw_entries):
        timestamp = raw.get("timestamp", max(0, above - MINUTE_MS))
        above = timestamp
        entry_id = raw.get("id") or _entry_id(project_id, position, timestamp)
        entries.append(
            AuditEntry(
                entry_id, raw["action"], raw["userId"], raw["entityId"], raw["metadata"], timestamp
            )
        )
    return entries


def _entry_id(project_id: str, position: int, timestamp: int) -> str:
    digest = hashlib.sha256(f"{project_id}/{position}".encode()).digest()
    return ulid(timestamp, int.from_bytes(digest[:10]))


def _distinct(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


def _filled(known: list[str], count: int, fillers: Iterable[str]) -> list[str]:
    """`count` names: the known ones first, then fillers that are not taken."""
    taken = set(known)
    extra = (name for name in fillers if name not in taken)
    return [*known[:count], *(next(extra) for _ in range(count - len(known)))]


def _numbered(prefix: str) -> Iterator[str]:
    number = 0
    while True:
        number += 1
        yield f"{prefix}{number}"


def _entity_types(raw: int | list[str] | None, log: list[AuditEntry]) -> list[str]:
    named = _distinct(
        entry.metadata["entityType"]
        for entry in log
        if isinstance(entry.metadata.get("entityType"), str)
    )
    if raw is None:
        return named
    if isinstance(raw, int):
        return _filled(named, raw, chain(ENTITY_TYPES, _numbered("type_")))
    return list(raw)


def _entities(raw: int | list[str] | None, log: list[AuditEntry]) -> set[str]:
    live = live_after(log)
    if raw is None:
        return set(live)
    if isinstance(raw, int):
        return set(_filled(live, raw, _numbered("ent_")))
    return set(raw)


def _members(raw: int | list[dict[str, Any]] | None, log: list[AuditEntry]) -> list[Member]:
    if isinstance(raw, list):
        taken = {member["id"] for member in raw if "id" in member}
        free = (name for name in _numbered("usr_") if name not in taken)
        return [
            _member(member.get("id") or next(free), position, member["role"], member)
            for position, member in enumerate(raw)
        ]
    users = _distinct(entry.user_id for entry in log if entry.user_id != SYSTEM_USER)
    ids = users if raw is None else _filled(users, raw, _numbered("usr_"))
    # Someone must be able to perform admin actions, as in a generated world.
    return [
        _member(user_id, position, OWNER if position == 0 else "member", {})
        for position, user_id in enumerate(ids)
    ]


def _member(member_id: str, position: int, role: str, raw: dict[str, Any]) -> Member:
    return Member(
        member_id,
        raw.get("name", f"Member {position + 1}"),
        raw.get("email", f"{member_id}@example.com"),
        role,
    )


def _keys(raw: list[dict[str, Any]] | None, project_id: str) -> list[ApiKey]:
    if raw is None:
        raw = [{"role": "admin"}, {"role": "member"}]
    keys = []
    for position, item in enumerate(raw):
        role = Role(item["role"])
        # A key the file leaves out is derived, so that it survives restarts.
        key = item.get("key") or derived_key(role, "scenario", project_id, position)
        keys.append(ApiKey(key, role, project_id))
    return keys


def _shared_duplicates(projects: list[Project]) -> Iterator[Problem]:
    """Project ids and keys, which must be unique across the whole file."""
    yield from _duplicate_ids(["projects"], [project.id for project in projects], "project")
    first: dict[str, str] = {}
    for index, project in enumerate(projects):
        for position, key in enumerate(project.keys):
            path = format_path(["projects", index, "keys", position, "key"])
            if key.key in first:
                yield Problem(
                    path, f"expected a key no other key has, got the same as {first[key.key]}"
                )
            first.setdefault(key.key, path)


def _duplicate_ids(where: list[int | str], ids: list[str], kind: str) -> Iterator[Problem]:
    first: dict[str, str] = {}
    for position, value in enumerate(ids):
        path = format_path([*where, position, "id"])
        if value in first:
            message = f"expected an id no other {kind} has, got {shown(value)}"
            yield Problem(path, f"{message} (also {first[value]})")
        first.setdefault(value, path)


def _with_generated(own: Project, generated: Project) -> Project:
    """`own`, with the entries, members, entity types and entities of `generated` added."""
    log = generated.log
    # Chronological order makes each addition an append.
    for entry in own.log:
        log.add(entry)
    member_ids = {member.id for member in own.members}
    return Project(
        id=own.id,
        name=own.name,
        slug=own.slug,
        plan=own.plan,
        entity_types=_distinct([*own.entity_types, *generated.entity_types]),
        members=[*own.members, *(m for m in generated.members if m.id not in member_ids)],
        keys=own.keys,
        log=log,
        live_entities=own.live_entities | generated.live_entities,
    )
