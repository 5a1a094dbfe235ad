"""Who may use the control API: anyone on the loopback, or whoever has the control token;
and never a web page of another site.

The control API rewrites the world and reads the journal, so it must never be open to
a network by accident: without a token it stays off on a non-loopback interface, and
every control request must also have reached a loopback address.

The mock runs on laptops while their owners browse the web, so a page of any other site
must not reach it either, even though the browser sits on the loopback:
- a request whose `Sec-Fetch-Site` or `Origin` says it comes from another origin is
  refused (a page of the mock itself, the dashboard, sends `same-origin` and its own
  origin; curl and the Python client send neither);
- a body is accepted only as `application/json`, which no form and no `no-cors` fetch
  can send, so a cross-site POST that slips past the first rule still changes nothing;
- the `Host` header must name the server as it listens: an IP address, `localhost`, or
  the `--host` name, so a DNS-rebinding page (`evil.example` resolving to 127.0.0.1)
  is refused, as its requests say `Host: evil.example`.
"""

from __future__ import annotations

import hmac
import ipaddress
import re

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler, Middleware

from mockserver.api.errors import ApiError
from mockserver.config import DEFAULT_HOST

CONTROL_PREFIX = "/__mock/"
TOKEN_HEADER = "X-Mock-Control-Token"
MIN_TOKEN_CHARS = 16
# What `Sec-Fetch-Site` says of a request the user made (`none`: typed, bookmarked) or
# a page of the mock made; `same-site` is another port or subdomain: another origin.
TRUSTED_FETCH_SITES = frozenset({"same-origin", "none"})
JSON_MEDIA_TYPE = "application/json"
# What a page of another site can send without a preflight: a form's types and text.
FORM_MEDIA_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)
# `name` or `name:port`, where the name may be a bracketed IPv6 address.
_HOST_HEADER = re.compile(r"(?P<name>\[[0-9A-Fa-f:.]+\]|[^:\[\]]*)(?::[0-9]*)?")


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


def unsupported_media_type(content_type: str) -> ApiError:
    return ApiError(
        415,
        "unsupported_media_type",
        f"The control API takes bodies as {JSON_MEDIA_TYPE} only, not {content_type or 'none'}.",
    )


def host_allowed(host_header: str, listen_host: str) -> bool:
    """Whether a `Host` header names this server: an IP address (a DNS-rebinding page
    has a name, never an address), `localhost` or a name under it (browsers keep those
    on the loopback), or the name the server was told to listen on; with any port.

    `host_allowed("127.0.0.1:8080", "127.0.0.1")` and `host_allowed("[::1]:8080", ...)`
    are true; `host_allowed("evil.example:8080", "127.0.0.1")` is false.
    """
    match = _HOST_HEADER.fullmatch(host_header.strip())
    if match is None:
        return False
    name = match["name"].lower().rstrip(".")
    if not name:
        return False
    if name == "localhost" or name.endswith(".localhost"):
        return True
    if name == listen_host.lower().rstrip("."):
        return True
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def cross_site_reason(request: web.BaseRequest) -> str | None:
    """Why `request` comes from a page of another origin, or None when it does not.

    The browser sets both headers and no script can change them: `Sec-Fetch-Site` in
    every current browser, `Origin` on every request that is not a plain GET (and on
    those too when they come from a fetch of another origin).
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site.lower() not in TRUSTED_FETCH_SITES:
        return f"Sec-Fetch-Site: {site}"
    origin = request.headers.get("Origin")
    if origin is not None:
        own = f"{request.scheme}://{request.headers.get('Host', '')}"
        if origin.lower() != own.lower():
            return f"Origin: {origin}"
    return None


def json_body_problem(request: web.BaseRequest) -> ApiError | None:
    """A request whose body comes in another type than JSON, as an error; else None.

    The types a form or a `no-cors` fetch can send are refused even with an empty body
    (an empty `text/plain` POST must not reset the world); a request with no body
    and any other type, or none (`curl -X POST .../__mock/reset`), passes.
    """
    content_type = request.headers.get(hdrs.CONTENT_TYPE)
    if content_type is None:
        return unsupported_media_type("") if request.body_exists else None
    media_type = request.content_type
    if media_type == JSON_MEDIA_TYPE:
        return None
    if media_type in FORM_MEDIA_TYPES or request.body_exists:
        return unsupported_media_type(content_type)
    return None


def _reached_loopback(request: web.Request) -> bool:
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    if isinstance(sockname, tuple):
        return is_loopback(str(sockname[0]))
    return True  # a Unix socket is local by nature


# The dashboard's page and its script and style sheet: they hold no data (all they show
# comes from control calls, each of which carries the token), and a browser cannot put
# a header on a page it opens, so they are served without the token.
PAGES_WITHOUT_DATA = frozenset({"getDashboard", "getDashboardAsset"})


def control_guard(token: str | None, *, host: str = DEFAULT_HOST) -> Middleware:
    """A middleware for the control app, listening on `host`: no other site's page, a
    `Host` that names the server, the token when there is one (the loopback otherwise),
    and bodies in JSON only."""
    expected = token.encode("utf-8") if token is not None else None

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        host_header = request.headers.get("Host")
        if host_header is not None and not host_allowed(host_header, host):
            raise _forbidden(
                f"The control API answers to its own host names only, not {host_header!r}."
            )
        reason = cross_site_reason(request)
        if reason is not None:
            raise _forbidden(f"The control API answers no other site's page ({reason}).")
        if expected is None:
            if not _reached_loopback(request):
                raise _forbidden("The control API answers on the loopback interface only.")
        elif request.match_info.route.name not in PAGES_WITHOUT_DATA:
            presented = request.headers.get(TOKEN_HEADER, "").encode("utf-8", "surrogatepass")
            if not hmac.compare_digest(expected, presented):
                raise _forbidden(f"The control API needs the {TOKEN_HEADER} header.")
        problem = json_body_problem(request)
        if problem is not None:
            raise problem
        return await handler(request)

    return guard
