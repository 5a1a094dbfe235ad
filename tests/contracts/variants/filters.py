"""Variants whose filters match too much, too little, or the wrong entries."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from mockserver.domain.models import World
from tests.contracts.variants.rewrite import (
    AUDIT_LOG,
    as_int,
    json_response,
    params,
    read_body,
    replace_param,
    rewrite_request,
    with_query,
)
from tests.contracts.variants.variant import Keys, breaks


@breaks("audit.filter-action")
def action_case_insensitive(world: World, keys: Keys) -> Middleware:
    return rewrite_request(lambda r: replace_param(r, "action", str.lower))


@breaks("audit.filter-action")
def action_prefix_match(world: World, keys: Keys) -> Middleware:
    """An action that is not known matches the first documented action it begins."""
    documented = (
        "entity.created",
        "entity.updated",
        "entity.deleted",
        "integration.synced",
        "member.invited",
    )

    def widen(value: str) -> str:
        return next((a for a in documented if a.startswith(value) and a != value), value)

    return rewrite_request(lambda r: replace_param(r, "action", widen))


@breaks("audit.filter-user")
def user_filter_ignored(world: World, keys: Keys) -> Middleware:
    return rewrite_request(lambda r: replace_param(r, "userId", lambda _: None))


@breaks("audit.filters-combined")
def filters_or(world: World, keys: Keys) -> Middleware:
    """With both filters, entries matching either one (a union of two queries)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        query = request.query
        if request.path != AUDIT_LOG or "action" not in query or "userId" not in query:
            return await handler(request)
        rest = [(k, v) for k, v in params(request) if k not in ("action", "userId", "limit")]
        limit = int(query.get("limit", "50"))
        pages = []
        for name in ("action", "userId"):
            response = await handler(
                with_query(request, [*rest, (name, query[name]), ("limit", "200")])
            )
            if response.status != 200:
                return response
            pages.append(read_body(response))
        merged = {e["id"]: e for page in pages for e in page["data"]}
        data = sorted(merged.values(), key=lambda e: (e["timestamp"], e["id"]), reverse=True)
        total = pages[0]["total"] + pages[1]["total"]
        page = {"data": data[:limit], "total": total, "hasMore": total > min(limit, len(data))}
        return json_response(response, page)

    return middleware


def since_moved(by: int) -> Middleware:
    """`since` read `by` milliseconds off, where the value stays in range."""

    def moved(value: str) -> str:
        number = as_int(value)
        if number is None or not 0 <= number < 2**62 or number + by < 0:
            return value
        return str(number + by)

    return rewrite_request(lambda r: replace_param(r, "since", moved))


@breaks("audit.since")
def since_inclusive(world: World, keys: Keys) -> Middleware:
    return since_moved(-1)


@breaks("audit.since")
def since_ignored(world: World, keys: Keys) -> Middleware:
    return rewrite_request(lambda r: replace_param(r, "since", lambda _: None))


@breaks("audit.since")
def since_one_second_late(world: World, keys: Keys) -> Middleware:
    return since_moved(1000)
