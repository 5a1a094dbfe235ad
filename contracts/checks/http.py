"""HTTP-level rules that hold for both endpoints: HEAD, and the JSON content type."""

from __future__ import annotations

from ..client import AUDIT_LOG, PROJECT, Auth, Exchange
from ..context import Check, Context
from ..expect import expect_status
from ..outcome import Violation
from ..settings import Role


def check_head(ctx: Context) -> None:
    client = ctx.client
    for path in (AUDIT_LOG, PROJECT):
        exchange = client.send("HEAD", path)
        expect_status(exchange, 200, "HEAD is served wherever GET is")
        if exchange.response.body:
            raise Violation(
                "an empty body for HEAD", f"{len(exchange.response.body)} bytes", exchange
            )
        expect_status(client.send("HEAD", path, auth=Auth.none()), 401, "HEAD needs a key too")
    expect_status(
        client.send("HEAD", AUDIT_LOG, auth=Role.MEMBER),
        403,
        "HEAD of the audit log needs an admin key too",
    )


def content_type_mistake(exchange: Exchange) -> str | None:
    value = exchange.response.header("Content-Type")
    if value is None:
        return "no Content-Type"
    media_type, *params = (part.strip() for part in value.split(";"))
    if media_type.lower() != "application/json":
        return f"Content-Type: {value}"
    for param in params:
        name, _, setting = param.partition("=")
        if name.strip().lower() == "charset" and setting.strip().strip('"').lower() != "utf-8":
            return f"Content-Type: {value}"
    return None


def check_content_type(ctx: Context) -> None:
    client = ctx.client
    exchanges = [
        client.get(AUDIT_LOG),
        client.get(AUDIT_LOG, [("limit", "1")]),
        client.get(PROJECT),
        client.get(PROJECT, auth=Role.MEMBER),
        client.get(AUDIT_LOG, [("limit", "0")]),
        client.get(AUDIT_LOG, auth=Auth.none()),
        client.get(AUDIT_LOG, auth=Role.MEMBER),
    ]
    for exchange in exchanges:
        mistake = content_type_mistake(exchange)
        if mistake:
            raise Violation(
                "Content-Type: application/json (a charset, if any, is utf-8)", mistake, exchange
            )


CHECKS = (
    Check(
        "http.head",
        "HEAD is served like GET, without a body, with the same authentication and authorization.",
        check_head,
    ),
    Check(
        "http.content-type",
        "Answers, successes and errors alike, are application/json "
        "(with charset=utf-8 or no charset).",
        check_content_type,
    ),
)
