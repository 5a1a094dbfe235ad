"""Who may use the control API: anyone on the loopback, or whoever has the control token.

The control API rewrites the world and reads the journal, so it must never be open to
a network by accident: without a token it stays off on a non-loopback interface, and
every control request must also have reached a loopback address.
"""

from __future__ import annotations

import hmac
import ipaddress

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from mockserver.api.errors import ApiError

CONTROL_PREFIX = "/__mock/"
TOKEN_HEADER = "X-Mock-Control-Token"
MIN_TOKEN_CHARS = 16


def is_control_path(path: str) -> bool:
    return path.startswith(CONTROL_PREFIX) or path == CONTROL_PREFIX.rstrip("/")


def is_loopback(host: str) -> bool:
    """Whether `host` names only the loopback interface (`""` or `0.0.0.0` name all)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def control_refusal(host: str, token: str | None) -> str | None:
    """Why the control API must stay off on `host` with `token`, or None when it may be on.

    The reason says how to turn it on, for the line a server prints at start.
    """
    if token is None and not is_loopback(host):
        return (
            f"{host or 'all interfaces'} is not a loopback address: "
            "set MOCKSERVER_CONTROL_TOKEN (or --control-token) to turn it on"
        )
    return None


def _forbidden(message: str) -> ApiError:
    return ApiError(403, "forbidden", message)


def _reached_loopback(request: web.Request) -> bool:
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    if isinstance(sockname, tuple):
        return is_loopback(str(sockname[0]))
    return True  # a Unix socket is local by nature


def control_guard(token: str | None) -> Middleware:
    """A middleware for the control app: the token when there is one, the loopback otherwise."""
    expected = token.encode("utf-8") if token is not None else None

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if expected is None:
            if not _reached_loopback(request):
                raise _forbidden("The control API answers on the loopback interface only.")
        else:
            presented = request.headers.get(TOKEN_HEADER, "").encode("utf-8", "surrogatepass")
            if not hmac.compare_digest(expected, presented):
                raise _forbidden(f"The control API needs the {TOKEN_HEADER} header.")
        return await handler(request)

    return guard
