"""A web page of another origin: a front-end app's own server, on a port of its own.

The mock's browser tests load this page, then let its script call the mock, as an app
under development (or any site on the web) would.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web

from mockserver import ThreadedServer

PAGE = "<!doctype html><title>an app on another origin</title><h1>app</h1>"


async def _page(request: web.Request) -> web.Response:
    return web.Response(text=PAGE, content_type="text/html")


@contextmanager
def other_origin() -> Iterator[str]:
    """Serve the page on 127.0.0.1 on a free port; yields its origin."""
    app = web.Application()
    app.router.add_get("/", _page)
    with ThreadedServer(app) as server:
        yield server.url
