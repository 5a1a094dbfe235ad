"""API errors as values, and the one function that renders the error envelope."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aiohttp import web

from mockserver.api.responses import json_response
from mockserver.spec.validation import InvalidParameter


@dataclass(eq=False)
class ApiError(Exception):
    """An error the API answers with: an HTTP status, a machine code and a message."""

    status: int
    code: str
    message: str
    headers: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"


def unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, {"WWW-Authenticate": "Bearer"})


def forbidden(message: str) -> ApiError:
    return ApiError(403, "forbidden", message)


def invalid_parameter(problem: InvalidParameter) -> ApiError:
    """The answer to a parameter the spec's rules reject; the message names it first."""
    return ApiError(400, "invalid_parameter", problem.message)


def not_found(path: str) -> ApiError:
    return ApiError(404, "not_found", f"No endpoint at {path}.")


def method_not_allowed(method: str, path: str, allowed: tuple[str, ...]) -> ApiError:
    allow = ", ".join(allowed)
    return ApiError(
        405,
        "method_not_allowed",
        f"{method} is not allowed on {path}; use {' or '.join(allowed)}.",
        {"Allow": allow},
    )


def error_response(error: ApiError) -> web.Response:
    """Render `error` as the JSON envelope every error of the API shares."""
    return json_response(
        {"error": {"code": error.code, "message": error.message}},
        status=error.status,
        headers=dict(error.headers),
    )
