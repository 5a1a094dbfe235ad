"""GET /api/v1/project: the project's fields and its cached counts."""

from __future__ import annotations

import re
from typing import Any

from ..client import PROJECT, Exchange
from ..context import Check, Context
from ..expect import expect_status, read_json
from ..outcome import Violation
from ..settings import Role

PLANS = ("free", "pro", "team", "enterprise")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
COUNTS = ("entityTypeCount", "entityCount", "memberCount")


def read_project(exchange: Exchange) -> dict[str, Any]:
    expect_status(exchange, 200, "any valid key may read its project")
    body = read_json(exchange)
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise Violation('{"data": {...the project...}}', exchange.response.excerpt(), exchange)
    return data


def project_mistake(data: dict[str, Any]) -> str | None:
    if not isinstance(data.get("id"), str) or not data["id"]:
        return f"id={data.get('id', '(absent)')!r}"
    if not isinstance(data.get("name"), str):
        return f"name={data.get('name', '(absent)')!r}"
    slug = data.get("slug")
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        return f"slug={slug!r}"
    if data.get("plan") not in PLANS:
        return f"plan={data.get('plan', '(absent)')!r}"
    for name in COUNTS:
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return f"{name}={data.get(name, '(absent)')!r}"
    return None


def check_fields(ctx: Context) -> None:
    for role in (Role.ADMIN, Role.MEMBER):
        exchange = ctx.client.get(PROJECT, auth=role)
        mistake = project_mistake(read_project(exchange))
        if mistake:
            raise Violation(
                f"id, name, a slug like 'acme-analytics', a plan of {', '.join(PLANS)}, "
                "and integer counts >= 0",
                mistake,
                exchange,
            )


def check_stable_counts(ctx: Context) -> None:
    """Back-to-back calls fall in one cache period, except when one straddles a refresh."""
    exchanges = [ctx.client.get(PROJECT) for _ in range(4)]
    counts = [tuple(read_project(e).get(name) for name in COUNTS) for e in exchanges]
    changes = [i for i in range(1, len(counts)) if counts[i] != counts[i - 1]]
    if len(changes) > 1:
        exchange = exchanges[changes[1]]
        raise Violation(
            "the same counts from calls within one cache period (at most one "
            "refresh between back-to-back calls)",
            " -> ".join(str(c) for c in counts),
            exchange,
        )


CHECKS = (
    Check(
        "project.fields",
        "The project has a non-empty id, a name, a URL-safe slug, a plan "
        "of free/pro/team/enterprise and integer counts >= 0, for admin and member keys.",
        check_fields,
    ),
    Check(
        "project.stable-counts",
        "Counts are cached: calls in quick succession return the same counts.",
        check_stable_counts,
    ),
)
