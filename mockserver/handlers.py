"""HTTP handlers: translate a validated request into a query of the world and back."""

from __future__ import annotations

from aiohttp import web

from .jsonbody import json_response
from .store import AuditQuery
from .typedefs import params_key, project_key, state_key

JSON = "application/json"


async def list_audit_log(request: web.Request) -> web.Response:
    params = request[params_key]
    query = AuditQuery(
        action=params.get("action"),
        user_id=params.get("userId"),
        since=params.get("since"),
        limit=params["limit"],
    )
    page = request[project_key].log.query(query)
    # Each entry is rendered once, the first time a query returns it; a page is a join.
    body = b"".join(
        (
            b'{"data":[',
            b",".join(entry.json for entry in page.entries),
            b'],"total":%d,"hasMore":%s}' % (page.total, b"true" if page.has_more else b"false"),
        )
    )
    return web.Response(body=body, content_type=JSON, charset="utf-8")


async def get_project(request: web.Request) -> web.Response:
    project = request[project_key]
    cached = request.app[state_key].counts_cache.get(project)
    return json_response(
        {"data": project.to_dict(cached.counts)},
        headers={
            "Age": str(cached.age_seconds),
            "Cache-Control": f"max-age={cached.max_age_seconds}",
        },
    )
