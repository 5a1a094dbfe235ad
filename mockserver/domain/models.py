"""The world's data types: projects, members, API keys and audit-log entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from mockserver.domain.encoding import dumps
from mockserver.spec.text import ELLIPSIS, shorten
from mockserver.store.audit_log import AuditLog

SYSTEM_USER = "system"


class Role(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit-log entry, with its JSON rendering computed once."""

    id: str
    action: str
    user_id: str
    entity_id: str | None
    metadata: dict[str, Any]
    timestamp: int
    json: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "json", dumps(self.to_dict()).encode())

    @property
    def sort_key(self) -> tuple[int, str]:
        """Chronological order; ties broken by id, so the order is total and stable."""
        return (self.timestamp, self.id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "action": self.action,
            "userId": self.user_id,
            "entityId": self.entity_id,
            "metadata": self.metadata,
            "timestamp": self.timestamp,
        }


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    name: str
    email: str
    role: str


@dataclass(frozen=True, slots=True)
class ApiKey:
    key: str
    role: Role
    project_id: str

    @property
    def redacted(self) -> str:
        """The only form of a key that may appear in logs, journals and messages."""
        return redact_key(self.key)


# Characters of a key shown in logs, journals and messages: enough to tell keys apart,
# too few to use one.
KEY_PREFIX_CHARS = 8


def redact_key(key: str) -> str:
    """The key's first `KEY_PREFIX_CHARS` characters and `…`; a key no longer than that
    would be shown whole, so it is shown as `…` alone."""
    return shorten(key, KEY_PREFIX_CHARS) if len(key) > KEY_PREFIX_CHARS else ELLIPSIS


@dataclass(frozen=True, slots=True)
class ProjectCounts:
    entity_type_count: int
    entity_count: int
    member_count: int


@dataclass(slots=True, kw_only=True)
class Project:
    """A project and everything in it. `log` and `live_entities` change as events arrive."""

    id: str
    name: str
    slug: str
    plan: str
    entity_types: list[str]
    members: list[Member]
    keys: list[ApiKey]
    log: AuditLog[AuditEntry]
    live_entities: set[str]

    def counts(self) -> ProjectCounts:
        """The true counts, derived from the world; the API serves them through a cache."""
        return ProjectCounts(
            entity_type_count=len(self.entity_types),
            entity_count=len(self.live_entities),
            member_count=len(self.members),
        )

    def json(self, counts: ProjectCounts) -> bytes:
        """The API's answer for this project with these counts."""
        return dumps({"data": self.to_dict(counts)}).encode()

    def to_dict(self, counts: ProjectCounts) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "slug": self.slug,
            "plan": self.plan,
            "entityTypeCount": counts.entity_type_count,
            "entityCount": counts.entity_count,
            "memberCount": counts.member_count,
        }


@dataclass(slots=True)
class World:
    projects: list[Project]
    projects_by_id: dict[str, Project] = field(init=False)

    def __post_init__(self) -> None:
        self.projects_by_id = {project.id: project for project in self.projects}

    def project_of(self, key: ApiKey) -> Project:
        return self.projects_by_id[key.project_id]
