"""Variants that validate the audit log's parameters wrongly."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from mockserver.domain.models import World
from tests.contracts.variants.rewrite import (
    AUDIT_LOG,
    as_int,
    error,
    params,
    replace_param,
    rewrite_request,
    token,
    with_query,
)
from tests.contracts.variants.variant import Keys, breaks


@breaks("params.limit-bounds")
def limit_clamped(world: World, keys: Keys) -> Middleware:
    def clamp(value: str) -> str:
        number = as_int(value)
        return "200" if number is not None and number > 200 else value

    return rewrite_request(lambda r: replace_param(r, "limit", clamp))


@breaks("params.limit-bounds")
def limit_zero_means_default(world: World, keys: Keys) -> Middleware:
    return rewrite_request(lambda r: replace_param(r, "limit", lambda v: None if v == "0" else v))


@breaks("params.limit-integer")
def limit_float_truncated(world: World, keys: Keys) -> Middleware:
    def truncate(value: str) -> str:
        try:
            return str(int(float(value)))
        except ValueError:
            return value

    return rewrite_request(lambda r: replace_param(r, "limit", truncate))


@breaks("params.limit-integer", "params.since")
def integers_parsed_by_int(world: World, keys: Keys) -> Middleware:
    """Python's `int()` reads the numbers: `1_0`, ` 5`, `+5` and fullwidth digits pass."""

    def lenient(value: str) -> str:
        try:
            return str(int(value))
        except ValueError:
            return value

    def change(request: web.Request) -> web.Request:
        return replace_param(replace_param(request, "limit", lenient), "since", lenient)

    return rewrite_request(change)


@breaks("params.repeated")
def repeated_last_wins(world: World, keys: Keys) -> Middleware:
    def change(request: web.Request) -> web.Request:
        last = dict(params(request))
        return with_query(request, list(last.items()))

    return rewrite_request(change)


@breaks("params.unknown-ignored")
def unknown_param_rejected(world: World, keys: Keys) -> Middleware:
    known = {"action", "userId", "since", "limit"}

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        unknown = [k for k in request.query if k not in known]
        if request.path == AUDIT_LOG and unknown and token(request) in keys.admin:
            return error(400, "invalid_parameter", f"{unknown[0]}: unknown parameter")
        return await handler(request)

    return middleware


@breaks("params.unknown-ignored")
def brackets_read_as_the_parameter(world: World, keys: Keys) -> Middleware:
    """`limit[]=1` read as `limit=1` (the way array parameters are spelled elsewhere),
    taking the place of a `limit` also given: a shorter page, with the same `total`."""

    def change(request: web.Request) -> web.Request:
        pairs = params(request)
        arrays = {k.removesuffix("[]"): v for k, v in pairs if k.endswith("[]")}
        kept = [(k, v) for k, v in pairs if not k.endswith("[]") and k not in arrays]
        return with_query(request, [*kept, *arrays.items()])

    return rewrite_request(change)


@breaks("params.filter-length")
def empty_filter_ignored(world: World, keys: Keys) -> Middleware:
    def change(request: web.Request) -> web.Request:
        kept = [(k, v) for k, v in params(request) if not (k in ("action", "userId") and v == "")]
        return with_query(request, kept)

    return rewrite_request(change)


@breaks("params.since")
def negative_since_accepted(world: World, keys: Keys) -> Middleware:
    def drop(value: str) -> str | None:
        number = as_int(value)
        return None if number is not None and number < 0 else value

    return rewrite_request(lambda r: replace_param(r, "since", drop))
