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
# The contract: the counts may lag the truth by up to this many seconds.
MAX_LAG_SECONDS = 60
MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?([0-9]+)\"?\s*(?:,|$)", re.IGNORECASE)

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


def _seconds(value: str | None) -> int | None:
    """A header's delta-seconds (RFC 9111), or None where it is absent or not one."""
    return int(value) if value is not None and value.isascii() and value.isdigit() else None


def lag_mistake(exchange: Exchange) -> str | None:
    """Where the answer's own caching headers say its counts lag more than the contract allows.

    Nothing is demanded of a server that sends neither header. `Age` is how old the
    answer already is; `Cache-Control: max-age` how much longer it may be served as it
    is: together, the oldest the counts may get.
    """
    age = _seconds(exchange.response.header("Age"))
    control = exchange.response.header("Cache-Control")
    found = MAX_AGE.search(control) if control is not None else None
    max_age = int(found.group(1)) if found else None
    if age is not None and age > MAX_LAG_SECONDS:
        return f"Age: {age}"
    if max_age is not None and (age or 0) + max_age > MAX_LAG_SECONDS:
        return f"Age: {age if age is not None else '(absent)'} and Cache-Control: {control}"
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
    calls is one no cache period explains. Where a call says how old its counts are
    (`Age`, and `Cache-Control: max-age` for how long they stay), that must stay within
    the contract's lag: a cache that is never refreshed shows there once it is a minute old.
    """
    counts: list[tuple[Any, ...]] = []
    refreshed_at = 0
    while len(counts) - refreshed_at < AGREEING_CALLS:
        exchange = ctx.client.get(PROJECT)
        lag = lag_mistake(exchange)
        if lag:
            raise Violation(
                f"counts at most {MAX_LAG_SECONDS} seconds old, as the answer's Age and "
                "Cache-Control say",
                lag,
                exchange,
            )
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
        "counts (after one refresh in between, the next ones do), and no answer's Age "
        f"and max-age let them lag more than {MAX_LAG_SECONDS} seconds.",
        check_stable_counts,
    ),
)
