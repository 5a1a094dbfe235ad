"""HTTP handlers: translate a validated request into a query of the world and back."""

from __future__ import annotations

from aiohttp import web

from mockserver.api.keys import params_key, project_key, state_key
from mockserver.domain.models import AuditEntry
from mockserver.store.audit_log import AuditQuery, Page

JSON = "application/json"


async def list_audit_log(request: web.Request) -> web.Response:
    params = request[params_key]
    query = AuditQuery(
        params.get("action"), params.get("userId"), params.get("since"), params["limit"]
    )
    body = page_body(request[project_key].log.query(query))
    return web.Response(body=body, content_type=JSON, charset="utf-8")


def page_body(page: Page[AuditEntry]) -> bytes:
    """The page's JSON body, rendered the first time it is asked for and then kept with it."""
    if page.rendered is None:
        page.rendered = render_page(page)
    return page.rendered


def render_page(page: Page[AuditEntry]) -> bytes:
    """The page as JSON: each entry was rendered once, the first time a query returned it."""
    return b"".join(
        (
            b'{"data":[',
            b",".join([entry.json for entry in page.entries]),
            b'],"total":%d,"hasMore":%s}' % (page.total, b"true" if page.has_more else b"false"),
        )
    )


async def get_project(request: web.Request) -> web.Response:
    project = request[project_key]
    cached = request.app[state_key].counts_cache.get(project)
    headers = {"Age": str(cached.age_seconds), "Cache-Control": f"max-age={cached.max_age_seconds}"}
    return web.Response(body=cached.json, content_type=JSON, charset="utf-8", headers=headers)
