"""GET /api/v1/project: the project's fields and its cached counts."""

from __future__ import annotations

import re
from typing import Any

from ..client import PROJECT, Exchange
from ..context import Check, Context
from ..expect import expect_status, read_json
from ..outcome import Violation
from ..settings import Role

# Back-to-back calls that must agree after a refresh fell between two of them. They take
# milliseconds, and a cache period that short would be no cache at all.
AGREEING_CALLS = 8

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
    """Back-to-back calls fall in one cache period: every one returns the same counts.

    One refresh may fall between two of them; then the calls after it must agree in
    their turn, for `AGREEING_CALLS` calls in a row. A second change within so few
    calls is one no cache period explains.
    """
    counts: list[tuple[Any, ...]] = []
    refreshed_at = 0
    while len(counts) - refreshed_at < AGREEING_CALLS:
        exchange = ctx.client.get(PROJECT)
        counts.append(tuple(read_project(exchange).get(name) for name in COUNTS))
        if len(counts) > 1 and counts[-1] != counts[-2]:
            if refreshed_at:
                raise Violation(
                    f"the same counts from {AGREEING_CALLS} back-to-back calls (within one "
                    "cache period; one refresh in between is allowed)",
                    " -> ".join(str(c) for c in counts),
                    exchange,
                )
            refreshed_at = len(counts) - 1


CHECKS = (
    Check(
        "project.fields",
        "The project has a non-empty id, a name, a URL-safe slug, a plan "
        "of free/pro/team/enterprise and integer counts >= 0, for admin and member keys.",
        check_fields,
    ),
    Check(
        "project.stable-counts",
        f"Counts are cached: {AGREEING_CALLS} calls in quick succession return the same "
        "counts (after one refresh in between, the next ones do).",
        check_stable_counts,
    ),
)
