"""Variants that authenticate or authorize wrongly."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from mockserver.domain.models import World
from tests.contracts.variants.rewrite import (
    AUDIT_LOG,
    Json,
    error,
    replace_answer,
    rewrite_body,
    rewrite_request,
    token,
    with_header,
    without_header,
)
from tests.contracts.variants.variant import Keys, breaks


@breaks("auth.member-forbidden")
def member_reads_audit_log(world: World, keys: Keys) -> Middleware:
    promote = dict(zip(keys.member, keys.admin, strict=True))

    def change(request: web.Request) -> web.Request:
        key = token(request)
        return (
            with_header(request, "Authorization", f"Bearer {promote[key]}")
            if (key in promote)
            else request
        )

    return rewrite_request(change)


@breaks("auth.check-order")
def parameters_before_role(world: World, keys: Keys) -> Middleware:
    """A member with bad parameters gets 400 instead of 403."""
    promote = dict(zip(keys.member, keys.admin, strict=True))

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        key = token(request)
        if request.path == AUDIT_LOG and key in promote:
            as_admin = await handler(
                with_header(request, "Authorization", f"Bearer {promote[key]}")
            )
            if as_admin.status == 400:
                return as_admin
        return await handler(request)

    return middleware


@breaks("errors.www-authenticate")
def no_www_authenticate(world: World, keys: Keys) -> Middleware:
    return without_header("WWW-Authenticate")


@breaks("auth.unknown-key")
def key_prefix_accepted(world: World, keys: Keys) -> Middleware:
    def change(request: web.Request) -> web.Request:
        presented = token(request)
        known = next((k for k in keys.all() if presented.startswith(k)), None)
        return with_header(request, "Authorization", f"Bearer {known}") if known else request

    return rewrite_request(change, path=None)


@breaks("auth.unknown-key")
def key_case_insensitive(world: World, keys: Keys) -> Middleware:
    by_lower = {k.lower(): k for k in keys.all()}

    def change(request: web.Request) -> web.Request:
        known = by_lower.get(token(request).lower())
        return with_header(request, "Authorization", f"Bearer {known}") if known else request

    return rewrite_request(change, path=None)


@breaks("auth.unknown-key")
def unknown_key_forbidden(world: World, keys: Keys) -> Middleware:
    def instead(request: web.Request, response: web.StreamResponse) -> web.Response | None:
        if response.status == 401 and request.headers.get("Authorization"):
            return error(403, "forbidden", "That key may not do this.")
        return None

    return replace_answer(instead)


@breaks("auth.key-not-echoed")
def key_echoed(world: World, keys: Keys) -> Middleware:
    def change(request: web.Request, body: Json) -> Json:
        presented = request.headers.get("Authorization", "")
        return {"error": {**body["error"], "message": f"Not a valid key: {presented!r}."}}

    return rewrite_body(change, path=None, status=401)


@breaks("auth.wrong-scheme")
def other_scheme_accepted(world: World, keys: Keys) -> Middleware:
    def change(request: web.Request) -> web.Request:
        value = request.headers.get("Authorization", "")
        scheme, _, rest = value.partition(" ")
        if scheme in ("Token", "Basic") and rest in keys.all():
            return with_header(request, "Authorization", f"Bearer {rest}")
        return request

    return rewrite_request(change, path=None)
