"""The dashboard at `GET /__mock/`: a page and its assets, shipped as package data.

The page is plain HTML, CSS and JavaScript (no build step, nothing from another site)
and reads and changes the mock only through the control API, so it shows nothing
that API does not. Its Content-Security-Policy allows scripts and connections to this
server only: even a value a client sent that the page failed to render as text could
not load or run a script.
"""

from __future__ import annotations

from importlib.resources import files

from aiohttp import web

from mockserver.api.errors import not_found

ASSETS = files("mockserver.control") / "static"
PAGE = "index.html"
# The assets the page loads, with their media types: nothing else is served.
MEDIA_TYPES = {"dashboard.js": "text/javascript", "dashboard.css": "text/css"}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # A new version of the mock serves new assets: the browser asks each time.
    "Cache-Control": "no-cache",
}


def _asset(name: str, media_type: str) -> web.Response:
    return web.Response(
        body=(ASSETS / name).read_bytes(),
        content_type=media_type,
        charset="utf-8",
        headers=SECURITY_HEADERS,
    )


async def get_dashboard(request: web.Request) -> web.Response:
    return _asset(PAGE, "text/html")


async def get_dashboard_asset(request: web.Request) -> web.Response:
    name = request.match_info["asset"]
    media_type = MEDIA_TYPES.get(name)
    if media_type is None:
        raise not_found(request.path)
    return _asset(name, media_type)
