"""Authentication and authorization: who may read what, and in which order refusals come."""

from __future__ import annotations

from ..client import AUDIT_LOG, PROJECT, Auth, Client, Exchange
from ..context import Check, Context
from ..expect import expect_error, expect_status
from ..outcome import Skip, Violation
from ..settings import Role

BAD_PARAMS = (("limit", "0"), ("since", "-1"), ("limit", "abc"), ("action", ""))
UNKNOWN_KEY = "contracts-not-a-key-0000000000000000"


def wrong_schemes(client: Client) -> list[Auth]:
    """The admin key itself, presented any way but `Bearer <key>`."""
    key = client.settings.admin_key
    var = Role.ADMIN.value
    return [
        Auth(key, f"${var}"),
        Auth(f"Token {key}", f"Token ${var}"),
        Auth(f"Basic {key}", f"Basic ${var}"),
        Auth.literal("Basic dXNlcjpwYXNzd29yZA=="),
    ]


def unknown_keys(client: Client) -> list[Auth]:
    """Keys that are not the admin key but come close to it, and some that are nothing."""
    key = client.settings.admin_key
    var = Role.ADMIN.value
    last = "A" if key[-1:] != "A" else "B"
    keys = [
        Auth.literal(f"Bearer {UNKNOWN_KEY}"),
        Auth(f"Bearer {key}x", f"Bearer ${{{var}}}x"),
        Auth(f"Bearer {key[:-1]}", f"Bearer ${{{var}%?}}"),
        Auth(f"Bearer {key[:-1]}{last}", f"Bearer ${{{var}%?}}{last}"),
        Auth.literal("Bearer"),
    ]
    if key.swapcase() != key:
        swapped = f'$(printf %s "${var}" | tr a-zA-Z A-Za-z)'
        keys.append(Auth(f"Bearer {key.swapcase()}", f"Bearer {swapped}"))
    return keys


def unauthenticated(client: Client) -> list[Auth]:
    return [Auth.none(), *wrong_schemes(client), *unknown_keys(client)]


def check_missing_key(ctx: Context) -> None:
    for path in (AUDIT_LOG, PROJECT):
        exchange = ctx.client.get(path, auth=Auth.none())
        expect_error(exchange, 401, "no Authorization header")


def check_wrong_scheme(ctx: Context) -> None:
    for auth in wrong_schemes(ctx.client):
        for path in (AUDIT_LOG, PROJECT):
            exchange = ctx.client.get(path, auth=auth)
            expect_error(exchange, 401, "only 'Authorization: Bearer <key>' authenticates")


def check_unknown_key(ctx: Context) -> None:
    for auth in unknown_keys(ctx.client):
        for path in (AUDIT_LOG, PROJECT):
            exchange = ctx.client.get(path, auth=auth)
            expect_error(exchange, 401, "a key that is not exactly a known key")


def check_member_forbidden(ctx: Context) -> None:
    exchange = ctx.client.get(AUDIT_LOG, auth=Role.MEMBER)
    expect_error(exchange, 403, "the audit log needs an admin key")
    for role in (Role.MEMBER, Role.ADMIN):
        exchange = ctx.client.get(PROJECT, auth=role)
        expect_status(exchange, 200, "any valid key may read the project")


def check_order(ctx: Context) -> None:
    for param in BAD_PARAMS:
        exchange = ctx.client.get(AUDIT_LOG, [param], auth=Role.ADMIN)
        expect_error(exchange, 400, f"{param[0]}={param[1]!r} is invalid")
        for auth in (Auth.none(), Auth.literal(f"Bearer {UNKNOWN_KEY}")):
            exchange = ctx.client.get(AUDIT_LOG, [param], auth=auth)
            expect_error(exchange, 401, "authentication is checked before anything else")
        exchange = ctx.client.get(AUDIT_LOG, [param], auth=Role.MEMBER)
        expect_error(exchange, 403, "authorization is checked before the parameters")


def challenge_mistake(exchange: Exchange) -> str | None:
    """What is wrong with the `WWW-Authenticate` of a 401, if anything: it names Bearer."""
    value = exchange.response.header("WWW-Authenticate")
    if value is None:
        return "no WWW-Authenticate"
    if value.split(" ", 1)[0].strip().lower() != "bearer":
        return f"WWW-Authenticate: {value}"
    return None


def check_www_authenticate(ctx: Context) -> None:
    judged = 0
    for auth in unauthenticated(ctx.client):
        for path in (AUDIT_LOG, PROJECT):
            exchange = ctx.client.get(path, auth=auth)
            if exchange.response.status != 401:
                continue  # which requests get 401 is judged by the auth.* checks
            judged += 1
            mistake = challenge_mistake(exchange)
            if mistake:
                raise Violation(
                    "a 'WWW-Authenticate: Bearer' header with every 401", mistake, exchange
                )
    if not judged:
        raise Skip("no request without a valid key got 401, so no WWW-Authenticate to judge")


def check_key_not_echoed(ctx: Context) -> None:
    client = ctx.client
    admin = f"${Role.ADMIN.value}"
    near_miss = client.settings.admin_key + "x"
    exchanges = [
        client.get(AUDIT_LOG, auth=Auth(f"Bearer {near_miss}", f"Bearer ${{{Role.ADMIN.value}}}x")),
        client.get(AUDIT_LOG, auth=Auth(f"Token {client.settings.admin_key}", f"Token {admin}")),
        client.get(AUDIT_LOG, auth=Role.MEMBER),
        client.get(AUDIT_LOG, [("limit", "0")]),
        client.get(AUDIT_LOG, [("limit", "1")]),
        client.get(PROJECT),
        client.get(PROJECT, auth=Role.MEMBER),
    ]
    secrets = ctx.settings.keys()
    for exchange in exchanges:
        response = exchange.response
        text = response.body.decode("utf-8", "replace") + "\n".join(response.headers.values())
        for role in secrets:
            if secrets[role] in text:
                raise Violation(
                    "no API key in any answer, not even the one sent",
                    f"the answer contains ${role.value}",
                    exchange,
                )


CHECKS = (
    Check(
        "auth.missing-key", "A request without an Authorization header gets 401.", check_missing_key
    ),
    Check(
        "auth.wrong-scheme", "A key sent any way but 'Bearer <key>' gets 401.", check_wrong_scheme
    ),
    Check(
        "auth.unknown-key",
        "A key that is not exactly a known key (one character more, "
        "less or different, other case) gets 401.",
        check_unknown_key,
    ),
    Check(
        "auth.member-forbidden",
        "A member key gets 403 from the audit log and 200 from the "
        "project; an admin key gets 200 from both.",
        check_member_forbidden,
    ),
    Check(
        "auth.check-order",
        "401 comes before 403, and 403 before 400: a member with bad parameters gets 403.",
        check_order,
    ),
    Check(
        "auth.key-not-echoed",
        "No answer (error or not, body or header) contains an API key, not even the one sent.",
        check_key_not_echoed,
    ),
    Check(
        "errors.www-authenticate",
        "Every 401 carries 'WWW-Authenticate: Bearer'.",
        check_www_authenticate,
    ),
)
