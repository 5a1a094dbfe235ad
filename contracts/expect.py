"""Reading answers the way every check needs to, raising a `Violation` where they break a rule.

Each helper judges only what its caller is about: `expect_error` checks the status and,
when the body is an error envelope, its `code`; whether the envelope itself is right is
the business of the `errors.envelope` check. One broken rule then fails the check named
for it, not every check that happens to meet it.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from .client import AUDIT_LOG, Client, Exchange
from .model import Page, Query, read_entries
from .outcome import Violation
from .settings import Role

ERROR_CODES = {
    400: "invalid_parameter",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
}


def describe_status(exchange: Exchange) -> str:
    """The status with its phrase, and the error code when the body carries one."""
    status = exchange.response.status
    try:
        text = f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        text = str(status)
    code = error_code(exchange)
    return f"{text} ({code})" if code else text


def expect_status(exchange: Exchange, status: int, why: str) -> None:
    if exchange.response.status != status:
        raise Violation(f"{status} ({why})", describe_status(exchange), exchange)


def read_json(exchange: Exchange) -> Any:
    try:
        return exchange.response.json()
    except ValueError:
        raise Violation("a JSON body", describe_status(exchange), exchange) from None


def error_code(exchange: Exchange) -> str | None:
    """`error.code` of the body, when the body is shaped like the error envelope."""
    try:
        body = exchange.response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        code = body["error"].get("code")
        return code if isinstance(code, str) else None
    return None


def expect_error(exchange: Exchange, status: int, why: str) -> None:
    """`status`, and the code that goes with it if the body says one."""
    expect_status(exchange, status, why)
    code = error_code(exchange)
    if code is not None and code != ERROR_CODES[status]:
        raise Violation(f"error code {ERROR_CODES[status]!r} with {status}", repr(code), exchange)


def read_page(exchange: Exchange) -> Page:
    """A 200 listing with readable entries; `total` and `hasMore` are judged elsewhere."""
    expect_status(exchange, 200, "a valid request by an admin key")
    body = read_json(exchange)
    if not isinstance(body, dict):
        raise Violation(
            "a JSON object with `data`, `total` and `hasMore`", describe_status(exchange), exchange
        )
    entries = read_entries(body.get("data"), exchange)
    return Page(entries, body.get("total"), body.get("hasMore"), exchange)


def fetch(client: Client, query: Query, *, role: Role = Role.ADMIN) -> Page:
    """The page answering `query`."""
    return read_page(client.get(AUDIT_LOG, query.params(), auth=role))


def settled(compare: Callable[[], Violation | None], attempts: int = 3) -> None:
    """Raise what `compare` finds only if it finds it on every attempt.

    Two answers compared with each other can differ because entries arrived between the
    requests; a broken rule gives the same violation however often it is asked.
    """
    for _ in range(attempts - 1):
        if compare() is None:
            return
    violation = compare()
    if violation is not None:
        raise violation
