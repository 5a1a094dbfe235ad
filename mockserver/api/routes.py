"""The API's routes, taken from the spec's paths: one handler per operation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from mockserver.api.handlers import get_project, list_audit_log
from mockserver.spec.loader import Spec, operations

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

HANDLERS: dict[str, Handler] = {
    "listAuditLogEntries": list_audit_log,
    "getProject": get_project,
}


def setup_routes(app: web.Application, spec: Spec) -> None:
    """Serve every GET operation of the spec (and its HEAD); the route's name is its operationId."""
    for operation_id, (path, _) in operations(spec).items():
        app.router.add_get(path, HANDLERS[operation_id], name=operation_id)
