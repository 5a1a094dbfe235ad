"""The error envelope, and the errors for unknown paths and methods."""

from __future__ import annotations

from ..client import AUDIT_LOG, PROJECT, Auth, Exchange
from ..context import Check, Context
from ..expect import ERROR_CODES, describe_status, expect_error, read_json
from ..outcome import Skip, Violation
from ..settings import Role

# Near misses of the documented paths, and a path beside them: none is an operation.
API_ROOT = PROJECT.rsplit("/", 1)[0]
UNKNOWN_PATHS = (
    AUDIT_LOG + "s",
    PROJECT + "s",
    API_ROOT + "/contracts-nothing-here",
    "/contracts-nothing-here" + PROJECT,
)
REFUSED_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# One invalid value per parameter; the 400 for each must name the parameter.
INVALID_VALUES = (
    ("limit", "0"),
    ("limit", "abc"),
    ("since", "-1"),
    ("since", "soon"),
    ("action", ""),
    ("userId", ""),
    ("action", "a" * 101),
    ("userId", "u" * 101),
)


def envelope_mistake(exchange: Exchange) -> str | None:
    """What is wrong with the error envelope of `exchange`, if anything."""
    try:
        body = exchange.response.json()
    except ValueError:
        return "a body that is not JSON"
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return "no `error` object at the top level"
    code, message = error.get("code"), error.get("message")
    if not isinstance(code, str) or not isinstance(message, str) or not message.strip():
        return f"error.code={code!r}, error.message={message!r}"
    wanted = ERROR_CODES.get(exchange.response.status)
    if wanted is not None and code != wanted:
        return f"error.code={code!r} with status {exchange.response.status}"
    return None


def error_samples(ctx: Context) -> list[Exchange]:
    """One answer of each kind of error the contract names."""
    client = ctx.client
    return [
        client.get(AUDIT_LOG, [("limit", "0")]),
        client.get(AUDIT_LOG, auth=Auth.none()),
        client.get(PROJECT, auth=Auth.none()),
        client.get(AUDIT_LOG, auth=Role.MEMBER),
        client.get(UNKNOWN_PATHS[0]),
        client.send("POST", AUDIT_LOG),
    ]


def check_envelope(ctx: Context) -> None:
    errors = [exchange for exchange in error_samples(ctx) if exchange.response.status >= 400]
    if not errors:
        # That these requests must fail is judged by the checks of their rules.
        raise Skip("none of the requests that must fail got an error, so no envelope to judge")
    for exchange in errors:
        mistake = envelope_mistake(exchange)
        if mistake:
            raise Violation(
                '{"error": {"code": "<code for the status>", "message": "<non-empty text>"}}',
                mistake,
                exchange,
            )


def check_names_parameter(ctx: Context) -> None:
    judged = 0
    for name, value in INVALID_VALUES:
        exchange = ctx.client.get(AUDIT_LOG, [(name, value)])
        if exchange.response.status != 400:
            continue  # that the value is rejected is judged by the params.* checks
        judged += 1
        body = read_json(exchange)
        message = body.get("error", {}).get("message") if isinstance(body, dict) else None
        if not isinstance(message, str) or name not in message:
            raise Violation(
                f"an error message that names the parameter {name!r}",
                f"message {message!r}",
                exchange,
            )
    if not judged:
        raise Skip("no invalid parameter got 400, so no error message to judge")


def expect_json(exchange: Exchange, why: str) -> None:
    if exchange.response.media_type != "application/json":
        raise Violation(
            f"a JSON answer ({why})",
            f"Content-Type {exchange.response.header('Content-Type')!r}",
            exchange,
        )
    read_json(exchange)


def check_not_found(ctx: Context) -> None:
    for path in UNKNOWN_PATHS:
        exchange = ctx.client.get(path)
        expect_error(exchange, 404, f"there is no endpoint at {path}")
        expect_json(exchange, "404 is a JSON error")


def allow_mistake(exchange: Exchange, method: str) -> str | None:
    """What is wrong with the `Allow` of a 405 to `method`: it lists GET, never `method`."""
    allow = exchange.response.header("Allow")
    listed = {m.strip().upper() for m in (allow or "").split(",")}
    if "GET" not in listed or method in listed:
        return f"Allow: {allow}" if allow is not None else "no Allow header"
    return None


def check_method_not_allowed(ctx: Context) -> None:
    for path in (AUDIT_LOG, PROJECT):
        for method in REFUSED_METHODS:
            exchange = ctx.client.send(method, path)
            expect_error(exchange, 405, f"only GET and HEAD are served at {path}")
            expect_json(exchange, "405 is a JSON error")
            mistake = allow_mistake(exchange, method)
            if mistake:
                raise Violation(
                    f"an Allow header that lists GET and not {method}", mistake, exchange
                )


def check_no_server_error(ctx: Context) -> None:
    """However malformed a request, the answer is not a 5xx."""
    client = ctx.client
    odd_values = [
        ("limit", "9" * 30),
        ("limit", "-0"),
        ("limit", "1e3"),
        ("limit", "\x00"),
        ("limit", "\uff11\uff10"),
        ("since", "1e400"),
        ("since", "NaN"),
        ("since", "9" * 400),
        ("since", "-9223372036854775809"),
        ("since", "0x10"),
        ("action", "\x00"),
        ("action", "\U0001f4a5"),
        ("userId", "a" * 5000),
        ("action", "%"),
        ("userId", "' OR 1=1 --"),
    ]
    raw_queries = [
        "action=%FF",
        "userId=%C0%AF",
        "limit",
        "=1",
        "&&&",
        "limit=1;limit=2",
        "x=1&" * 200 + "limit=1",
    ]
    exchanges = [client.get(AUDIT_LOG, [pair]) for pair in odd_values]
    exchanges += [client.send("GET", AUDIT_LOG, raw_query=raw) for raw in raw_queries]
    exchanges.append(client.get(AUDIT_LOG, auth=Auth.literal("Bearer " + "k" * 4000)))
    exchanges.append(client.get(PROJECT, [("limit", "\x00")], auth=Role.MEMBER))
    for exchange in exchanges:
        if exchange.response.status >= 500:
            raise Violation(
                "no 5xx, however malformed the request", describe_status(exchange), exchange
            )


CHECKS = (
    Check(
        "errors.envelope",
        'Every error is {"error": {"code", "message"}} with the code of '
        "its status and a non-empty message.",
        check_envelope,
    ),
    Check(
        "errors.names-parameter",
        "A 400 for a bad parameter names that parameter in its message.",
        check_names_parameter,
    ),
    Check("errors.not-found", "Unknown paths get 404 `not_found`, as JSON.", check_not_found),
    Check(
        "errors.method-not-allowed",
        "POST, PUT, PATCH and DELETE get 405 "
        "`method_not_allowed`, as JSON, with an Allow header listing GET.",
        check_method_not_allowed,
    ),
    Check(
        "errors.no-server-error",
        "No request, however malformed, gets a 5xx.",
        check_no_server_error,
    ),
)
