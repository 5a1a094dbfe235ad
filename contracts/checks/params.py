"""Validation of the audit log's query parameters: what is accepted, what gets 400."""

from __future__ import annotations

from functools import partial

from ..client import AUDIT_LOG, PROJECT
from ..context import Check, Context
from ..expect import expect_error, expect_status, fetch, read_json, read_page, settled
from ..model import MAX_FILTER_LENGTH, MAX_LIMIT, MAX_SINCE, Query, disagreement
from ..outcome import Violation

NOT_INTEGERS = ("abc", "1.5", "", "ten", "10abc", "[1]", "1,2")
# What a lenient number parser (Python's `int()`) takes for an integer that is not one as
# written: a digit separator, surrounding space, a `+` sign, digits of another script. An
# integer parameter is written as JSON writes an integer: ASCII digits, with a `-` only
# for a negative one (which the bounds refuse on their own).
LENIENT_INTEGERS = ("1_0", " 5", "5 ", "+5", "\uff15")


def reject_all(ctx: Context, name: str, values: tuple[str, ...], why: str) -> None:
    for value in values:
        exchange = ctx.client.get(AUDIT_LOG, [(name, value)])
        expect_error(exchange, 400, f"{name}={value[:20]!r}: {why}")


def accept_all(ctx: Context, name: str, values: tuple[str, ...], why: str) -> None:
    for value in values:
        exchange = ctx.client.get(AUDIT_LOG, [(name, value)])
        expect_status(exchange, 200, f"{name}={value[:20]!r}: {why}")


def check_limit_bounds(ctx: Context) -> None:
    accept_all(ctx, "limit", ("1", str(MAX_LIMIT)), f"limit may be 1 to {MAX_LIMIT}")
    reject_all(
        ctx,
        "limit",
        ("0", str(MAX_LIMIT + 1), "-1", "500", "1000000"),
        f"limit outside 1 to {MAX_LIMIT} is rejected, never clamped",
    )


def check_limit_integer(ctx: Context) -> None:
    reject_all(ctx, "limit", (*NOT_INTEGERS, *LENIENT_INTEGERS), "limit must be an integer")


def check_since(ctx: Context) -> None:
    reject_all(
        ctx,
        "since",
        ("-1", str(MAX_SINCE + 1), *NOT_INTEGERS, *LENIENT_INTEGERS),
        f"since must be an integer from 0 to {MAX_SINCE}",
    )
    accept_all(ctx, "since", ("0",), "since=0 is valid")
    page = fetch(ctx.client, Query(since=MAX_SINCE))
    if page.entries or page.total != 0:
        raise Violation(
            f"no entries after since={MAX_SINCE}",
            f"{len(page.entries)} entries, total={page.total!r}",
            page.exchange,
        )


def check_filter_length(ctx: Context) -> None:
    for name in ("action", "userId"):
        longest = "a" * MAX_FILTER_LENGTH
        accept_all(ctx, name, ("a", longest), f"{name} may be 1 to {MAX_FILTER_LENGTH} characters")
        reject_all(
            ctx, name, ("", longest + "a"), f"{name} must be 1 to {MAX_FILTER_LENGTH} characters"
        )


def check_repeated(ctx: Context) -> None:
    repeats = (
        ("limit", "10", "10"),
        ("limit", "10", "20"),
        ("since", "0", "0"),
        ("action", "entity.created", "entity.created"),
        ("action", "entity.created", "x"),
        ("userId", "system", "system"),
    )
    for name, first, second in repeats:
        exchange = ctx.client.get(AUDIT_LOG, [(name, first), (name, second)])
        expect_error(exchange, 400, f"{name} given twice is rejected")


UNKNOWN_PARAMS = (
    ("foo", "bar"),
    ("offset", "3"),
    ("page", "2"),
    ("cursor", "abc"),
    ("Limit", "1"),
    ("LIMIT", "abc"),
    ("user_id", "nobody"),
    ("sort", "asc"),
    ("order", "asc"),
    ("limit[]", "1"),
    ("Action", "x"),
)


def check_unknown_ignored(ctx: Context) -> None:
    def compare(extra: tuple[str, str]) -> Violation | None:
        baseline = fetch(ctx.client, Query(limit=5))
        exchange = ctx.client.get(AUDIT_LOG, [("limit", "5"), extra])
        expect_status(exchange, 200, f"the unknown parameter {extra[0]!r} is ignored")
        difference = disagreement(baseline, read_page(exchange))
        if difference is None:
            return None
        return Violation(f"the same answer as without {extra[0]}={extra[1]}", difference, exchange)

    for extra in UNKNOWN_PARAMS:
        settled(partial(compare, extra))
    plain = project_identity(read_json(ctx.client.get(PROJECT)))
    for extra in (("foo", "bar"), ("limit", "abc"), ("since", "-1")):
        exchange = ctx.client.get(PROJECT, [extra])
        expect_status(exchange, 200, "the project takes no parameters and ignores any given")
        got = project_identity(read_json(exchange))
        if got != plain:
            raise Violation(f"the same project as without parameters: {plain}", str(got), exchange)


def project_identity(body: object) -> dict[str, object]:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        return {}
    return {name: data.get(name) for name in ("id", "name", "slug", "plan")}


CHECKS = (
    Check(
        "params.limit-bounds",
        f"limit 1 and {MAX_LIMIT} are accepted; 0, {MAX_LIMIT + 1} "
        "and beyond get 400, never a silently clamped page.",
        check_limit_bounds,
    ),
    Check(
        "params.limit-integer",
        "A limit that is not an integer of ASCII digits (1.5, 10abc, +5, ' 5', 1_0, "
        "fullwidth digits) gets 400.",
        check_limit_integer,
    ),
    Check(
        "params.since",
        f"since must be an integer from 0 to 2^63-1, else 400; no entry "
        f"comes after since={MAX_SINCE}.",
        check_since,
    ),
    Check(
        "params.filter-length",
        f"action and userId take 1 to {MAX_FILTER_LENGTH} characters; empty or longer gets 400.",
        check_filter_length,
    ),
    Check(
        "params.repeated",
        "A documented parameter given twice gets 400, even with the same value.",
        check_repeated,
    ),
    Check(
        "params.unknown-ignored",
        "Unknown query parameters (including other spellings of "
        "known ones) change nothing, on both endpoints.",
        check_unknown_ignored,
    ),
)
