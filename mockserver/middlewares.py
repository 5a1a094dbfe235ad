"""Middlewares: the JSON error envelope for every failure, and the API's request checks."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from .auth import authorize
from .errors import ApiError, error_response, method_not_allowed, not_found
from .routes import required_role
from .typedefs import api_key_key, params_key, project_key, state_key, validators_key

log = logging.getLogger(__name__)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every error leaves as the JSON envelope; nothing leaves as a traceback."""
    try:
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


@web.middleware
async def api_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Authentication (401), then authorization (403), then parameters (400), in that order."""
    operation_id = request.match_info.route.name
    if operation_id is None or operation_id not in request.app[validators_key]:
        return await handler(request)
    key, project = request.app[state_key].authenticate(request.headers.get("Authorization"))
    authorize(key, required_role(operation_id))
    request[api_key_key] = key
    request[project_key] = project
    request[params_key] = request.app[validators_key][operation_id].validate(request.query)
    return await handler(request)


def _method_order(method: str) -> tuple[int, str]:
    return (("GET", "HEAD").index(method) if method in ("GET", "HEAD") else 2, method)


def setup_middlewares(app: web.Application) -> None:
    app.middlewares.extend([error_middleware, api_middleware])
