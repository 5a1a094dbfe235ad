"""Variants that answer errors wrongly."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from mockserver.domain.models import World
from tests.contracts.variants.rewrite import (
    Json,
    error,
    replace_answer,
    rewrite_body,
    without_header,
)
from tests.contracts.variants.variant import Keys, breaks


@breaks("errors.envelope")
def flat_error_envelope(world: World, keys: Keys) -> Middleware:
    return rewrite_body(lambda _, body: body.get("error", body), path=None, status=None)


@breaks("errors.not-found")
def not_found_as_text(world: World, keys: Keys) -> Middleware:
    return replace_answer(
        lambda _, response: (
            web.Response(status=404, text="404: Not Found") if response.status == 404 else None
        )
    )


@breaks("errors.method-not-allowed")
def no_allow_header(world: World, keys: Keys) -> Middleware:
    return without_header("Allow")


@breaks("errors.method-not-allowed")
def refused_method_not_found(world: World, keys: Keys) -> Middleware:
    return replace_answer(
        lambda request, response: (
            error(404, "not_found", f"No endpoint at {request.path}.")
            if response.status == 405
            else None
        )
    )


@breaks("http.head")
def head_not_served(world: World, keys: Keys) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method == "HEAD":
            return error(405, "method_not_allowed", "HEAD is not allowed.", Allow="GET")
        return await handler(request)

    return middleware


@breaks("errors.no-server-error")
def crash_on_long_numbers(world: World, keys: Keys) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if any(len(v) > 25 and v.isdigit() for v in request.query.values()):
            return web.Response(status=500, text="Internal Server Error")
        return await handler(request)

    return middleware


@breaks("errors.names-parameter")
def message_without_parameter(world: World, keys: Keys) -> Middleware:
    def change(_: web.Request, body: Json) -> Json:
        if body.get("error", {}).get("code") == "invalid_parameter":
            return {"error": {"code": "invalid_parameter", "message": "The request is invalid."}}
        return body

    return rewrite_body(change, status=400)
