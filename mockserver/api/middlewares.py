"""The API's middleware: its request checks, and the JSON error envelope for every failure."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from mockserver.api.auth import authorize
from mockserver.api.errors import (
    ApiError,
    error_response,
    invalid_parameter,
    method_not_allowed,
    not_found,
)
from mockserver.api.keys import operations_key, params_key, project_key, state_key
from mockserver.api.operations import Operation
from mockserver.spec.validation import InvalidParameter

log = logging.getLogger(__name__)


@web.middleware
async def api_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Checks an API request: authentication (401), then authorization (403), then
    parameters (400), in that order. Every error leaves as the JSON envelope, never as a
    traceback.

    One middleware rather than two: each one aiohttp runs costs every request a layer.
    """
    try:
        operation_id = request.match_info.route.name
        operation = request.app[operations_key].get(operation_id) if operation_id else None
        if operation is not None:
            _check(request, operation)
        return await handler(request)
    except ApiError as error:
        return error_response(error)
    except web.HTTPMethodNotAllowed as exc:
        allowed = tuple(sorted(exc.allowed_methods, key=_method_order))
        return error_response(method_not_allowed(request.method, request.path, allowed))
    except web.HTTPNotFound:
        return error_response(not_found(request.path))
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = exc.reason.lower().replace(" ", "_")
        return error_response(ApiError(exc.status, code, exc.reason + "."))
    except Exception:
        log.exception("unexpected error while serving %s %s", request.method, request.path)
        return error_response(ApiError(500, "internal_error", "The mock server failed."))


def _check(request: web.Request, operation: Operation) -> None:
    """Authenticate, authorize and validate an API request; keep its project and values."""
    key, request[project_key] = request.app[state_key].authenticate(
        request.headers.get("Authorization")
    )
    authorize(key, operation.role)
    raw_query = request.rel_url.raw_query_string
    try:
        request[params_key] = operation.parameters.validate_query_string(raw_query)
    except InvalidParameter as problem:
        raise invalid_parameter(problem) from None


def _method_order(method: str) -> tuple[int, str]:
    return (("GET", "HEAD").index(method) if method in ("GET", "HEAD") else 2, method)


def setup_middlewares(app: web.Application) -> None:
    app.middlewares.append(api_middleware)
