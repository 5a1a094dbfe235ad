"""What variants are made of: the API's paths, and middlewares that rewrite a request on
its way in or an answer on its way out."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from multidict import CIMultiDict, MultiDict
from yarl import URL

from mockserver.spec.loader import load_spec, operations

_OPERATIONS = operations(load_spec())
AUDIT_LOG = _OPERATIONS["listAuditLogEntries"][0]
PROJECT = _OPERATIONS["getProject"][0]

Json = Any


def with_query(request: web.Request, pairs: Iterable[tuple[str, str]]) -> web.Request:
    return request.clone(rel_url=URL(request.path).with_query(MultiDict(list(pairs))))


def with_header(request: web.Request, name: str, value: str | None) -> web.Request:
    headers = CIMultiDict(request.headers)
    headers.popall(name, None)
    if value is not None:
        headers[name] = value
    return request.clone(headers=headers)


def token(request: web.Request) -> str:
    return request.headers.get("Authorization", "").removeprefix("Bearer ").strip()


def read_body(response: web.StreamResponse) -> Json:
    if not isinstance(response, web.Response) or not isinstance(response.body, bytes):
        return None
    try:
        return json.loads(response.body)
    except ValueError:
        return None


def json_response(original: web.StreamResponse, body: Json, **changes: Any) -> web.Response:
    headers = CIMultiDict(original.headers)
    for name in ("Content-Length", "Content-Type"):
        headers.popall(name, None)
    return web.Response(
        body=json.dumps(body).encode(),
        status=changes.get("status", original.status),
        headers=headers,
        content_type=changes.get("content_type", "application/json"),
        charset=changes.get("charset", "utf-8"),
    )


def rewrite_request(
    change: Callable[[web.Request], web.Request], path: str | None = AUDIT_LOG
) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if path is None or request.path == path:
            request = change(request)
        return await handler(request)

    return middleware


def rewrite_body(
    change: Callable[[web.Request, Json], Json],
    *,
    path: str | None = AUDIT_LOG,
    status: int | None = 200,
) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        if (path is not None and request.path != path) or (
            status is not None and response.status != status
        ):
            return response
        body = read_body(response)
        if body is None:
            return response
        return json_response(response, change(request, body))

    return middleware


def rewrite_entries(change: Callable[[list[Json]], list[Json]]) -> Middleware:
    return rewrite_body(lambda _, body: {**body, "data": change(body["data"])})


def replace_answer(
    instead: Callable[[web.Request, web.StreamResponse], web.StreamResponse | None],
) -> Middleware:
    """Answers replaced by what `instead` makes of them (`None` keeps the answer)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        replaced = instead(request, response)
        return response if replaced is None else replaced

    return middleware


def without_header(name: str) -> Middleware:
    """Answers that lose the header `name`."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        response.headers.popall(name, None)
        return response

    return middleware


def params(request: web.Request) -> list[tuple[str, str]]:
    return list(request.query.items())


def replace_param(
    request: web.Request, name: str, value: Callable[[str], str | None]
) -> web.Request:
    """Each `name` parameter mapped through `value` (`None` drops it)."""
    pairs = []
    for key, old in params(request):
        new = value(old) if key == name else old
        if new is not None:
            pairs.append((key, new))
    return with_query(request, pairs)


def as_int(text: str) -> int | None:
    return int(text) if text.lstrip("-").isdigit() else None


def error(status: int, code: str, message: str, **headers: str) -> web.Response:
    return web.json_response(
        {"error": {"code": code, "message": message}}, status=status, headers=headers
    )
