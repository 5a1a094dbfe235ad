"""The API's routes, taken from the spec's paths, and what each operation requires."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from .handlers import get_project, list_audit_log
from .models import Role
from .spec import Spec, operations

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# The role each operation needs, by operationId (the docs make the audit log admin-only).
HANDLERS: dict[str, tuple[Handler, Role]] = {
    "listAuditLogEntries": (list_audit_log, Role.ADMIN),
    "getProject": (get_project, Role.MEMBER),
}


def setup_routes(app: web.Application, spec: Spec) -> None:
    """Serve every GET operation of the spec (and its HEAD); the route's name is its operationId."""
    for operation_id, (path, _) in operations(spec).items():
        handler, _role = HANDLERS[operation_id]
        app.router.add_get(path, handler, name=operation_id)


def required_role(operation_id: str) -> Role:
    return HANDLERS[operation_id][1]
