"""API errors as values: each constructor's status, code and headers, and the one envelope."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st

from mockserver.api.errors import (
    ApiError,
    error_response,
    forbidden,
    invalid_parameter,
    method_not_allowed,
    not_found,
    unauthorized,
)
from mockserver.spec.validation import InvalidParameter


def envelope(response: web.Response) -> Any:
    assert isinstance(response.body, bytes)
    return json.loads(response.body)


# (constructor applied to a message or path, status, code, headers it must carry)
CONSTRUCTORS: list[tuple[Callable[[str], ApiError], int, str, dict[str, str]]] = [
    (unauthorized, 401, "unauthorized", {"WWW-Authenticate": "Bearer"}),
    (forbidden, 403, "forbidden", {}),
    (
        lambda reason: invalid_parameter(InvalidParameter("limit", reason)),
        400,
        "invalid_parameter",
        {},
    ),
    (not_found, 404, "not_found", {}),
    (
        lambda path: method_not_allowed("POST", path, ("GET", "HEAD")),
        405,
        "method_not_allowed",
        {"Allow": "GET, HEAD"},
    ),
]


@pytest.mark.parametrize(("make", "status", "code", "headers"), CONSTRUCTORS)
def test_each_constructor_renders_its_status_code_and_headers(
    make: Callable[[str], ApiError], status: int, code: str, headers: dict[str, str]
) -> None:
    error = make("/api/v1/x")
    response = error_response(error)
    assert (error.status, error.code, dict(error.headers)) == (status, code, headers)
    assert response.status == status
    assert response.content_type == "application/json"
    assert response.charset == "utf-8"
    for name, value in headers.items():
        assert response.headers[name] == value
    assert envelope(response) == {"error": {"code": code, "message": error.message}}


@given(st.text())
def test_the_envelope_carries_any_message_verbatim_and_nothing_else(message: str) -> None:
    for make in (unauthorized, forbidden):
        error = make(message)
        assert error.message == message
        expected = {"error": {"code": error.code, "message": message}}
        assert envelope(error_response(error)) == expected


@given(st.text(min_size=1), st.text())
def test_an_invalid_parameter_is_named_first_then_its_reason(name: str, reason: str) -> None:
    error = invalid_parameter(InvalidParameter(name, reason))
    assert error.message == f"{name}: {reason}"
    assert envelope(error_response(error)) == {
        "error": {"code": "invalid_parameter", "message": f"{name}: {reason}"}
    }


def test_not_found_names_the_path() -> None:
    assert not_found("/api/v2/nothing").message == "No endpoint at /api/v2/nothing."


@given(st.lists(st.sampled_from(["GET", "HEAD", "POST", "PUT"]), min_size=1, unique=True))
def test_405_allows_exactly_the_methods_given_in_their_order(allowed: list[str]) -> None:
    error = method_not_allowed("DELETE", "/api/v1/project", tuple(allowed))
    assert error_response(error).headers["Allow"] == ", ".join(allowed)
    assert error.message == (
        f"DELETE is not allowed on /api/v1/project; use {' or '.join(allowed)}."
    )


def test_an_error_reads_as_status_code_and_message() -> None:
    assert str(forbidden("Members cannot read the audit log.")) == (
        "403 forbidden: Members cannot read the audit log."
    )
