"""How the `metadata` of each action is built, from a project's own words.

Every builder takes its random choices from a `Draws`, so an entry's metadata is a
pure function of the entry (its action, user, entity type and random bits) and can
be rendered whenever it is first asked for. Which builder serves which action is
said by the rule table, `mockserver.domain.rules`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockserver.domain.draws import Draws
from mockserver.domain.models import SYSTEM_USER

ENTITY_FIELDS = ("name", "status", "owner", "dueDate", "amount", "tags", "description", "priority")
INTEGRATIONS = ("salesforce", "hubspot", "zendesk", "github", "slack", "stripe", "jira")
PROJECT_FIELDS = ("name", "timezone", "retentionDays", "defaultRole")


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The words one project's metadata is made of."""

    titles: tuple[str, ...]
    labels: tuple[str, ...]
    invitees: tuple[str, ...]
    member_ids: tuple[str, ...]
    # A `weighted_table` of member indexes: who requests exports (the busiest most).
    member_activity: bytes
    # The emails of the members a removal may name: everyone but the owner.
    removable: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Context:
    """What an entry's metadata depends on besides its random bits."""

    user_id: str
    # The entity's type for entity.* actions, the new type for entity_type.created.
    entity_type: str | None
    words: Vocabulary


Metadata = dict[str, Any]
Builder = Callable[[Draws, Context], Metadata]


def _source(draws: Draws, context: Context) -> str:
    """Where an entity change came from: an integration when `system` made it."""
    if context.user_id == SYSTEM_USER:
        return "integration"
    return draws.choice(("web", "web", "web", "api"))


def entity_type_created(draws: Draws, context: Context) -> Metadata:
    return {"name": context.entity_type, "fieldCount": draws.randint(3, 24)}


def entity_created(draws: Draws, context: Context) -> Metadata:
    return {
        "entityType": context.entity_type,
        "title": draws.choice(context.words.titles),
        "source": _source(draws, context),
    }


def entity_updated(draws: Draws, context: Context) -> Metadata:
    fields = sorted(draws.sample(ENTITY_FIELDS, draws.randint(1, 3)))
    return {
        "entityType": context.entity_type,
        "changedFields": fields,
        "source": _source(draws, context),
    }


def entity_deleted(draws: Draws, context: Context) -> Metadata:
    return {
        "entityType": context.entity_type,
        "reason": draws.choice(("manual", "duplicate", "retention")),
    }


def integration_synced(draws: Draws, context: Context) -> Metadata:
    roll = draws.below(100)
    status = "success" if roll < 90 else ("partial" if roll < 97 else "failed")
    return {
        "integration": draws.choice(INTEGRATIONS),
        "direction": draws.choice(("inbound", "outbound")),
        "recordsSynced": 0 if status == "failed" else draws.randint(1, 2_000),
        "durationMs": draws.randint(120, 90_000),
        "status": status,
    }


def export_completed(draws: Draws, context: Context) -> Metadata:
    words = context.words
    return {
        "format": draws.choice(("csv", "json", "xlsx")),
        "rows": draws.randint(10, 50_000),
        "requestedBy": draws.weighted(words.member_ids, words.member_activity),
    }


def member_invited(draws: Draws, context: Context) -> Metadata:
    return {
        "email": draws.choice(context.words.invitees),
        "role": draws.choice(("member", "member", "admin")),
    }


def member_removed(draws: Draws, context: Context) -> Metadata:
    """A removal names a member who may be removed, so that it removes someone."""
    return {
        "email": draws.choice(context.words.removable),
        "reason": draws.choice(("left_company", "offboarded", "duplicate")),
    }


def api_key_created(draws: Draws, context: Context) -> Metadata:
    return {
        "keyPrefix": f"alk_{draws.below(1 << 16):04x}",
        "role": draws.choice(("admin", "member")),
        "label": draws.choice(context.words.labels),
    }


def api_key_revoked(draws: Draws, context: Context) -> Metadata:
    return {"keyPrefix": f"alk_{draws.below(1 << 16):04x}"}


def project_updated(draws: Draws, context: Context) -> Metadata:
    return {"changedFields": draws.sample(PROJECT_FIELDS, 1)}
