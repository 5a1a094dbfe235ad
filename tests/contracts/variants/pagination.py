"""Variants that get `limit`, `total` or `hasMore` wrong."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Middleware

from mockserver.domain.models import World
from tests.contracts.variants.rewrite import (
    Json,
    params,
    rewrite_body,
    rewrite_request,
    with_query,
)
from tests.contracts.variants.variant import Keys, breaks


@breaks("audit.total-before-limit")
def total_after_limit(world: World, keys: Keys) -> Middleware:
    return rewrite_body(lambda _, body: {**body, "total": len(body["data"])})


@breaks("audit.has-more")
def has_more_off_by_one(world: World, keys: Keys) -> Middleware:
    return rewrite_body(lambda _, b: {**b, "hasMore": b["total"] >= len(b["data"])})


@breaks("audit.has-more")
def has_more_from_page_size(world: World, keys: Keys) -> Middleware:
    """`hasMore = len(data) == limit`: a full page taken to mean that more follow, wrong
    only where `total` is exactly the limit."""

    def change(request: web.Request, body: Json) -> Json:
        limit = int(request.query.get("limit", "50"))
        return {**body, "hasMore": len(body["data"]) == limit}

    return rewrite_body(change)


@breaks("audit.default-limit")
def default_limit_20(world: World, keys: Keys) -> Middleware:
    def change(request: web.Request) -> web.Request:
        if "limit" in request.query:
            return request
        return with_query(request, [*params(request), ("limit", "20")])

    return rewrite_request(change)


@breaks("audit.page-size")
def short_page(world: World, keys: Keys) -> Middleware:
    """A full page loses its last entry: len(data) is limit - 1."""

    def change(request: web.Request, body: Json) -> Json:
        limit = int(request.query.get("limit", "50"))
        data = body["data"]
        return {**body, "data": data[:-1] if len(data) == limit and limit > 1 else data}

    return rewrite_body(change)
