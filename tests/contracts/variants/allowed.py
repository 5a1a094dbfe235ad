"""Variants the contract allows: every check passes on each of them."""

from __future__ import annotations

import uuid

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from mockserver.domain.models import World
from tests.contracts.variants.rewrite import PROJECT, Json, rewrite_body
from tests.contracts.variants.variant import Keys, allowed

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@allowed
def extra_fields(world: World, keys: Keys) -> Middleware:
    def change(request: web.Request, body: Json) -> Json:
        if "error" in body:
            return {
                **body,
                "error": {**body["error"], "docs": "https://example.com/errors"},
                "requestId": "req-1",
            }
        if request.path == PROJECT:
            return {**body, "data": {**body["data"], "createdAt": "2024-01-01T00:00:00Z"}}
        data = [{**e, "ipAddress": "203.0.113.7", "actor": {"type": "user"}} for e in body["data"]]
        return {**body, "data": data, "nextCursor": None, "requestId": "req-1"}

    return rewrite_body(change, path=None, status=None)


def as_uuid(ulid: str) -> str:
    """The same 128 bits as a UUID string: a different format that sorts the same way."""
    value = 0
    for char in ulid:
        value = value * 32 + _CROCKFORD.index(char)
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


@allowed
def uuid_ids(world: World, keys: Keys) -> Middleware:
    def change(request: web.Request, body: Json) -> Json:
        if request.path == PROJECT:
            project_id = str(uuid.uuid5(uuid.NAMESPACE_URL, body["data"]["id"]))
            return {"data": {**body["data"], "id": project_id}}
        return {**body, "data": [{**e, "id": as_uuid(e["id"])} for e in body["data"]]}

    return rewrite_body(change, path=None)


@allowed
def no_charset(world: World, keys: Keys) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        if isinstance(response, web.Response) and response.content_type == "application/json":
            response.charset = None
        return response

    return middleware
