"""CORS for the API: a browser app on another origin may call it and read every answer.

Every call of the API carries `Authorization`, so a browser first sends a preflight
(`OPTIONS` with `Origin` and `Access-Control-Request-Method`), which never carries the
key: it is answered here, before authentication, with `204`. Every other response under
`/api/` (errors and injected faults included) carries the request's origin echoed, with
`Vary: Origin`, and the headers a client must be able to read exposed. The control API
under `/__mock/` gets none of this: no web page may reach it (see `control/security.py`).

Written here rather than taken from aiohttp-cors, which answers preflights with 200,
never sends `Vary: Origin`, and adds headers only to the responses of routes registered
with it (not a 404 or a 405 of the router); the commit that added this module has the
figures of what each costs a request.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler, Middleware

API_PREFIX = "/api/"
# Methods the API serves; a preflight for any other is answered without allowing it.
SERVED_METHODS = ("GET", "HEAD")
# Chromium keeps a preflight for at most two hours; a longer Max-Age buys nothing.
MAX_AGE_SECONDS = 7200
# Response headers of the API (and of its faults) that a script may read: without them
# in Access-Control-Expose-Headers a browser hides all but a handful of headers.
EXPOSED_HEADERS = ("Retry-After", "Age", "Cache-Control", "WWW-Authenticate", "Allow")
# `*` in Access-Control-Allow-Headers does not cover Authorization: it is named always.
ALWAYS_ALLOWED_HEADERS = ("Authorization",)
# RFC 9110's token: what a header name may be. Anything else a preflight asks for is
# not echoed into a response header.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# A serialized origin (`scheme://host[:port]`, or `null`) in plain ASCII: only such a
# value is echoed back, so no header of ours carries what a client smuggled in.
_ORIGIN = re.compile(r"null|[A-Za-z][A-Za-z0-9+.-]*://[A-Za-z0-9.:\[\]_~%!$&'()*+;=-]+")


@dataclass(frozen=True, slots=True)
class CorsPolicy:
    """Which origins may read the API: `origins` empty means any origin."""

    origins: frozenset[str] = frozenset()

    def allows(self, origin: str) -> bool:
        """Whether a request whose `Origin` is `origin` may read the API's answers."""
        if self.origins:
            return origin in self.origins
        return _ORIGIN.fullmatch(origin) is not None


def requested_headers(value: str) -> list[str]:
    """The header names of an `Access-Control-Request-Headers` value, in order, once each.

    `requested_headers("authorization, x-trace,authorization") == ["authorization",
    "x-trace"]`; a name that is not an HTTP token is left out, never echoed.
    """
    seen: dict[str, str] = {}
    for part in value.split(","):
        name = part.strip()
        if _TOKEN.fullmatch(name):
            seen.setdefault(name.lower(), name)
    return list(seen.values())


def allowed_headers(requested: str) -> str:
    """The `Access-Control-Allow-Headers` value of a preflight: what it asked for, and
    Authorization by name."""
    names = requested_headers(requested)
    present = {name.lower() for name in names}
    names.extend(name for name in ALWAYS_ALLOWED_HEADERS if name.lower() not in present)
    return ", ".join(names)


def preflight_headers(origin: str, method: str, requested: str) -> dict[str, str]:
    """The headers of the answer to a preflight from `origin` for `method`.

    A method the API does not serve is not echoed: the answer lists the served ones,
    and the browser then refuses the call itself (the API would answer it 405).
    """
    return {
        hdrs.ACCESS_CONTROL_ALLOW_ORIGIN: origin,
        hdrs.ACCESS_CONTROL_ALLOW_CREDENTIALS: "true",
        hdrs.ACCESS_CONTROL_ALLOW_METHODS: method
        if method in SERVED_METHODS
        else ", ".join(SERVED_METHODS),
        hdrs.ACCESS_CONTROL_ALLOW_HEADERS: allowed_headers(requested),
        hdrs.ACCESS_CONTROL_MAX_AGE: str(MAX_AGE_SECONDS),
        hdrs.VARY: "Origin",
    }


_EXPOSED = ", ".join(EXPOSED_HEADERS)


def response_headers(origin: str) -> dict[str, str]:
    """The headers every API response to a request from an allowed `origin` carries."""
    return {
        hdrs.ACCESS_CONTROL_ALLOW_ORIGIN: origin,
        hdrs.ACCESS_CONTROL_ALLOW_CREDENTIALS: "true",
        hdrs.ACCESS_CONTROL_EXPOSE_HEADERS: _EXPOSED,
    }


def add_vary_origin(headers: Mapping[str, str]) -> str:
    """The `Vary` value of a response whose `headers` may already name others."""
    vary = headers.get(hdrs.VARY)
    if not vary:
        return "Origin"
    if "origin" in (name.strip().lower() for name in vary.split(",")):
        return vary
    return f"{vary}, Origin"


def is_preflight(request: web.BaseRequest) -> bool:
    """A CORS preflight, as the Fetch standard defines one; any other OPTIONS is not."""
    return (
        request.method == hdrs.METH_OPTIONS
        and hdrs.ORIGIN in request.headers
        and hdrs.ACCESS_CONTROL_REQUEST_METHOD in request.headers
    )


def add_cors_headers(
    request: web.BaseRequest, headers: MutableMapping[str, str], policy: CorsPolicy
) -> None:
    """Give the headers of an answer to `request` what CORS calls for (once)."""
    if hdrs.ACCESS_CONTROL_ALLOW_ORIGIN in headers:
        return
    # Even without an Origin: a cache must not give this answer to a request with one.
    headers[hdrs.VARY] = add_vary_origin(headers)
    origin = request.headers.get(hdrs.ORIGIN)
    if origin is not None and policy.allows(origin):
        headers.update(response_headers(origin))


def preflight_middleware(policy: CorsPolicy) -> Middleware:
    """A middleware, the outermost, that answers the preflights of the API."""

    @web.middleware
    async def answer_preflight(request: web.Request, handler: Handler) -> web.StreamResponse:
        if is_preflight(request) and request.path.startswith(API_PREFIX):
            return preflight(request, policy)
        return await handler(request)

    return answer_preflight


def on_response_prepare(
    policy: CorsPolicy,
) -> Callable[[web.Request, web.StreamResponse], Awaitable[None]]:
    """A hook for `app.on_response_prepare`: every answer under `/api/` gets its CORS
    headers just before its headers are sent, however it was made.

    A hook rather than a middleware's return path: a response a handler or a fault
    streams itself (`prepare()`, then a slow or cut-off body) is sent before any
    middleware sees it, and it needs the headers as much as an error does.
    """

    async def add_headers(request: web.Request, response: web.StreamResponse) -> None:
        if request.path.startswith(API_PREFIX):
            add_cors_headers(request, response.headers, policy)

    return add_headers


def preflight(request: web.BaseRequest, policy: CorsPolicy) -> web.Response:
    """`204` with what the preflight asked for, when its origin is allowed.

    An origin outside the policy gets `204` without CORS headers, which tells the
    browser no: the answer itself must not depend on a key the preflight cannot carry.
    """
    origin = request.headers[hdrs.ORIGIN]
    if not policy.allows(origin):
        return web.Response(status=204, headers={hdrs.VARY: "Origin"})
    method = request.headers[hdrs.ACCESS_CONTROL_REQUEST_METHOD]
    requested = request.headers.get(hdrs.ACCESS_CONTROL_REQUEST_HEADERS, "")
    return web.Response(status=204, headers=preflight_headers(origin, method, requested))


def setup_cors(app: web.Application, policy: CorsPolicy) -> None:
    """Answer the API's preflights before any other middleware (it becomes the outermost)
    and give every answer of the API its CORS headers."""
    app.middlewares.insert(0, preflight_middleware(policy))
    app.on_response_prepare.append(on_response_prepare(policy))
