"""The API's routes: its operation table, and the handler of each operation.

The handlers are the one part of an operation that is code, so they are named here by
operationId rather than looked up by a name the spec gives; an operation without a
handler, or a handler without its operation, stops the app from being built.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web

from mockserver.api.handlers import get_project, list_audit_log
from mockserver.api.keys import operations_key
from mockserver.api.operations import api_operations
from mockserver.spec import Spec

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

HANDLERS: dict[str, Handler] = {
    "listAuditLogEntries": list_audit_log,
    "getProject": get_project,
}


def setup_routes(
    app: web.Application, spec: Spec, handlers: Mapping[str, Handler] = HANDLERS
) -> None:
    """Serve every operation of the spec (a GET with its HEAD), the route named by its
    operationId, and keep the operation table in `app[operations_key]` for the checks
    the middleware makes before a handler runs."""
    app[operations_key] = table = api_operations(spec)
    unserved, unknown = (
        sorted(table.keys() - handlers.keys()),
        sorted(handlers.keys() - table.keys()),
    )
    if unserved or unknown:
        raise ValueError(f"operations without a handler: {unserved}; handlers of none: {unknown}")
    for operation_id, operation in table.items():
        handler = handlers[operation_id]
        if operation.method == "GET":
            app.router.add_get(operation.path, handler, name=operation_id)
        else:
            app.router.add_route(operation.method, operation.path, handler, name=operation_id)
