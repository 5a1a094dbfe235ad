"""Variants of the mock for testing the suite's power: each breaks one rule, or bends one the
contract leaves open.

A variant is an aiohttp middleware placed outside the mock's own: it rewrites the request
on its way in (to make the mock misbehave) or the answer on its way out. The mock stays
untouched, so every variant differs from a correct implementation in exactly one way.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from multidict import CIMultiDict, MultiDict
from yarl import URL

from mockserver.domain.models import Role, World

AUDIT_LOG = "/api/v1/audit-log"
PROJECT = "/api/v1/project"

Json = Any


@dataclass(frozen=True, slots=True)
class Keys:
    """The keys of the world the variants serve, by project and role."""

    admin: tuple[str, ...]
    member: tuple[str, ...]

    @classmethod
    def of(cls, world: World) -> Keys:
        def role(wanted: Role) -> tuple[str, ...]:
            return tuple(
                next(k.key for k in project.keys if k.role is wanted) for project in world.projects
            )

        return cls(role(Role.ADMIN), role(Role.MEMBER))

    def all(self) -> tuple[str, ...]:
        return self.admin + self.member


@dataclass(frozen=True, slots=True)
class Variant:
    """One variant: `caught_by` names checks of which at least one must fail (empty: none may)."""

    name: str
    area: str
    build: Callable[[World, Keys], Middleware]
    caught_by: frozenset[str] = frozenset()


# --- building blocks -------------------------------------------------------------------------


def with_query(request: web.Request, pairs: Iterable[tuple[str, str]]) -> web.Request:
    return request.clone(rel_url=URL(request.path).with_query(MultiDict(list(pairs))))


def with_header(request: web.Request, name: str, value: str | None) -> web.Request:
    headers = CIMultiDict(request.headers)
    headers.popall(name, None)
    if value is not None:
        headers[name] = value
    return request.clone(headers=headers)


def token(request: web.Request) -> str:
    return request.headers.get("Authorization", "").removeprefix("Bearer ").strip()


def read_body(response: web.StreamResponse) -> Json:
    if not isinstance(response, web.Response) or not isinstance(response.body, bytes):
        return None
    try:
        return json.loads(response.body)
    except ValueError:
        return None


def json_response(original: web.StreamResponse, body: Json, **changes: Any) -> web.Response:
    headers = CIMultiDict(original.headers)
    for name in ("Content-Length", "Content-Type"):
        headers.popall(name, None)
    return web.Response(
        body=json.dumps(body).encode(),
        status=changes.get("status", original.status),
        headers=headers,
        content_type=changes.get("content_type", "application/json"),
        charset=changes.get("charset", "utf-8"),
    )


def rewrite_request(
    change: Callable[[web.Request], web.Request], path: str | None = AUDIT_LOG
) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if path is None or request.path == path:
            request = change(request)
        return await handler(request)

    return middleware


def rewrite_body(
    change: Callable[[web.Request, Json], Json],
    *,
    path: str | None = AUDIT_LOG,
    status: int | None = 200,
) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        if (path is not None and request.path != path) or (
            status is not None and response.status != status
        ):
            return response
        body = read_body(response)
        if body is None:
            return response
        return json_response(response, change(request, body))

    return middleware


def rewrite_entries(change: Callable[[list[Json]], list[Json]]) -> Middleware:
    return rewrite_body(lambda _, body: {**body, "data": change(body["data"])})


def params(request: web.Request) -> list[tuple[str, str]]:
    return list(request.query.items())


def replace_param(
    request: web.Request, name: str, value: Callable[[str], str | None]
) -> web.Request:
    """Each `name` parameter mapped through `value` (`None` drops it)."""
    pairs = []
    for key, old in params(request):
        new = value(old) if key == name else old
        if new is not None:
            pairs.append((key, new))
    return with_query(request, pairs)


def as_int(text: str) -> int | None:
    return int(text) if text.lstrip("-").isdigit() else None


def error(status: int, code: str, message: str, **headers: str) -> web.Response:
    return web.json_response(
        {"error": {"code": code, "message": message}}, status=status, headers=headers
    )


# --- ordering -----------------------------------------------------------------------------


def oldest_first(world: World, keys: Keys) -> Middleware:
    return rewrite_entries(lambda data: list(reversed(data)))


def ties_by_id_ascending(world: World, keys: Keys) -> Middleware:
    return rewrite_entries(lambda data: sorted(data, key=lambda e: (-e["timestamp"], e["id"])))


# --- filters ------------------------------------------------------------------------------


def action_case_insensitive(world: World, keys: Keys) -> Middleware:
    return rewrite_request(lambda r: replace_param(r, "action", str.lower))


def action_prefix_match(world: World, keys: Keys) -> Middleware:
    """An action that is not known matches the first documented action it begins."""
    documented = (
        "entity.created",
        "entity.updated",
        "entity.deleted",
        "integration.synced",
        "member.invited",
    )

    def widen(value: str) -> str:
        return next((a for a in documented if a.startswith(value) and a != value), value)

    return rewrite_request(lambda r: replace_param(r, "action", widen))


def user_filter_ignored(world: World, keys: Keys) -> Middleware:
    return rewrite_request(lambda r: replace_param(r, "userId", lambda _: None))


def filters_or(world: World, keys: Keys) -> Middleware:
    """With both filters, entries matching either one (a union of two queries)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        query = request.query
        if request.path != AUDIT_LOG or "action" not in query or "userId" not in query:
            return await handler(request)
        rest = [(k, v) for k, v in params(request) if k not in ("action", "userId", "limit")]
        limit = int(query.get("limit", "50"))
        pages = []
        for name in ("action", "userId"):
            response = await handler(
                with_query(request, [*rest, (name, query[name]), ("limit", "200")])
            )
            if response.status != 200:
                return response
            pages.append(read_body(response))
        merged = {e["id"]: e for page in pages for e in page["data"]}
        data = sorted(merged.values(), key=lambda e: (e["timestamp"], e["id"]), reverse=True)
        total = pages[0]["total"] + pages[1]["total"]
        page = {"data": data[:limit], "total": total, "hasMore": total > min(limit, len(data))}
        return json_response(response, page)

    return middleware


def since_inclusive(world: World, keys: Keys) -> Middleware:
    def earlier(value: str) -> str:
        number = as_int(value)
        return str(number - 1) if number is not None and number > 0 else value

    return rewrite_request(lambda r: replace_param(r, "since", earlier))


def since_ignored(world: World, keys: Keys) -> Middleware:
    return rewrite_request(lambda r: replace_param(r, "since", lambda _: None))


def since_one_second_late(world: World, keys: Keys) -> Middleware:
    def later(value: str) -> str:
        number = as_int(value)
        return str(number + 1000) if number is not None and 0 <= number < 2**62 else value

    return rewrite_request(lambda r: replace_param(r, "since", later))


# --- pagination ---------------------------------------------------------------------------


def total_after_limit(world: World, keys: Keys) -> Middleware:
    return rewrite_body(lambda _, body: {**body, "total": len(body["data"])})


def has_more_off_by_one(world: World, keys: Keys) -> Middleware:
    return rewrite_body(lambda _, b: {**b, "hasMore": b["total"] >= len(b["data"])})


def default_limit_20(world: World, keys: Keys) -> Middleware:
    def change(request: web.Request) -> web.Request:
        if "limit" in request.query:
            return request
        return with_query(request, [*params(request), ("limit", "20")])

    return rewrite_request(change)


def short_page(world: World, keys: Keys) -> Middleware:
    """A full page loses its last entry: len(data) is limit - 1."""

    def change(request: web.Request, body: Json) -> Json:
        limit = int(request.query.get("limit", "50"))
        data = body["data"]
        return {**body, "data": data[:-1] if len(data) == limit and limit > 1 else data}

    return rewrite_body(change)


# --- limits and parameters ----------------------------------------------------------------


def limit_clamped(world: World, keys: Keys) -> Middleware:
    def clamp(value: str) -> str:
        number = as_int(value)
        return "200" if number is not None and number > 200 else value

    return rewrite_request(lambda r: replace_param(r, "limit", clamp))


def limit_zero_means_default(world: World, keys: Keys) -> Middleware:
    return rewrite_request(lambda r: replace_param(r, "limit", lambda v: None if v == "0" else v))


def limit_float_truncated(world: World, keys: Keys) -> Middleware:
    def truncate(value: str) -> str:
        try:
            return str(int(float(value)))
        except ValueError:
            return value

    return rewrite_request(lambda r: replace_param(r, "limit", truncate))


def repeated_last_wins(world: World, keys: Keys) -> Middleware:
    def change(request: web.Request) -> web.Request:
        last = dict(params(request))
        return with_query(request, list(last.items()))

    return rewrite_request(change)


def unknown_param_rejected(world: World, keys: Keys) -> Middleware:
    known = {"action", "userId", "since", "limit"}

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        unknown = [k for k in request.query if k not in known]
        if request.path == AUDIT_LOG and unknown and token(request) in keys.admin:
            return error(400, "invalid_parameter", f"{unknown[0]}: unknown parameter")
        return await handler(request)

    return middleware


def empty_filter_ignored(world: World, keys: Keys) -> Middleware:
    def change(request: web.Request) -> web.Request:
        kept = [(k, v) for k, v in params(request) if not (k in ("action", "userId") and v == "")]
        return with_query(request, kept)

    return rewrite_request(change)


def negative_since_accepted(world: World, keys: Keys) -> Middleware:
    def drop(value: str) -> str | None:
        number = as_int(value)
        return None if number is not None and number < 0 else value

    return rewrite_request(lambda r: replace_param(r, "since", drop))


# --- authentication and authorization -----------------------------------------------------


def member_reads_audit_log(world: World, keys: Keys) -> Middleware:
    promote = dict(zip(keys.member, keys.admin, strict=True))

    def change(request: web.Request) -> web.Request:
        key = token(request)
        return (
            with_header(request, "Authorization", f"Bearer {promote[key]}")
            if (key in promote)
            else request
        )

    return rewrite_request(change)


def parameters_before_role(world: World, keys: Keys) -> Middleware:
    """A member with bad parameters gets 400 instead of 403."""
    promote = dict(zip(keys.member, keys.admin, strict=True))

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        key = token(request)
        if request.path == AUDIT_LOG and key in promote:
            as_admin = await handler(
                with_header(request, "Authorization", f"Bearer {promote[key]}")
            )
            if as_admin.status == 400:
                return as_admin
        return await handler(request)

    return middleware


def without_header(name: str) -> Callable[[World, Keys], Middleware]:
    """A variant whose responses lose the header `name`."""

    def variant(world: World, keys: Keys) -> Middleware:
        @web.middleware
        async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
            response = await handler(request)
            response.headers.popall(name, None)
            return response

        return middleware

    return variant


no_www_authenticate = without_header("WWW-Authenticate")


def key_prefix_accepted(world: World, keys: Keys) -> Middleware:
    def change(request: web.Request) -> web.Request:
        presented = token(request)
        known = next((k for k in keys.all() if presented.startswith(k)), None)
        return with_header(request, "Authorization", f"Bearer {known}") if known else request

    return rewrite_request(change, path=None)


def key_case_insensitive(world: World, keys: Keys) -> Middleware:
    by_lower = {k.lower(): k for k in keys.all()}

    def change(request: web.Request) -> web.Request:
        known = by_lower.get(token(request).lower())
        return with_header(request, "Authorization", f"Bearer {known}") if known else request

    return rewrite_request(change, path=None)


def unknown_key_forbidden(world: World, keys: Keys) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        if response.status == 401 and request.headers.get("Authorization"):
            return error(403, "forbidden", "That key may not do this.")
        return response

    return middleware


def key_echoed(world: World, keys: Keys) -> Middleware:
    def change(request: web.Request, body: Json) -> Json:
        presented = request.headers.get("Authorization", "")
        return {"error": {**body["error"], "message": f"Not a valid key: {presented!r}."}}

    return rewrite_body(change, path=None, status=401)


def other_scheme_accepted(world: World, keys: Keys) -> Middleware:
    def change(request: web.Request) -> web.Request:
        value = request.headers.get("Authorization", "")
        scheme, _, rest = value.partition(" ")
        if scheme in ("Token", "Basic") and rest in keys.all():
            return with_header(request, "Authorization", f"Bearer {rest}")
        return request

    return rewrite_request(change, path=None)


# --- errors ---------------------------------------------------------------------------------


def flat_error_envelope(world: World, keys: Keys) -> Middleware:
    return rewrite_body(lambda _, body: body.get("error", body), path=None, status=None)


def not_found_as_text(world: World, keys: Keys) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        if response.status == 404:
            return web.Response(status=404, text="404: Not Found")
        return response

    return middleware


no_allow_header = without_header("Allow")


def refused_method_not_found(world: World, keys: Keys) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        if response.status == 405:
            return error(404, "not_found", f"No endpoint at {request.path}.")
        return response

    return middleware


def head_not_served(world: World, keys: Keys) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method == "HEAD":
            return error(405, "method_not_allowed", "HEAD is not allowed.", Allow="GET")
        return await handler(request)

    return middleware


def crash_on_long_numbers(world: World, keys: Keys) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if any(len(v) > 25 and v.isdigit() for v in request.query.values()):
            return web.Response(status=500, text="Internal Server Error")
        return await handler(request)

    return middleware


def message_without_parameter(world: World, keys: Keys) -> Middleware:
    def change(_: web.Request, body: Json) -> Json:
        if body.get("error", {}).get("code") == "invalid_parameter":
            return {"error": {"code": "invalid_parameter", "message": "The request is invalid."}}
        return body

    return rewrite_body(change, status=400)


# --- shape of the data ----------------------------------------------------------------------


def entity_id_omitted_when_null(world: World, keys: Keys) -> Middleware:
    return rewrite_entries(
        lambda data: [
            {k: v for k, v in e.items() if not (k == "entityId" and v is None)} for e in data
        ]
    )


def timestamps_in_seconds(world: World, keys: Keys) -> Middleware:
    return rewrite_entries(lambda data: [{**e, "timestamp": e["timestamp"] // 1000} for e in data])


def duplicate_ids(world: World, keys: Keys) -> Middleware:
    def change(data: list[Json]) -> list[Json]:
        return [{**e, "id": data[i - 1]["id"]} if i % 2 else e for i, e in enumerate(data)]

    return rewrite_entries(change)


def content_type_text(world: World, keys: Keys) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        if response.status == 200 and isinstance(response, web.Response):
            response.content_type = "text/plain"
        return response

    return middleware


def plan_capitalized(world: World, keys: Keys) -> Middleware:
    return rewrite_body(
        lambda _, b: {"data": {**b["data"], "plan": b["data"]["plan"].title()}}, path=PROJECT
    )


def counts_uncached(world: World, keys: Keys) -> Middleware:
    calls = [0]

    def change(_: web.Request, body: Json) -> Json:
        calls[0] += 1
        return {"data": {**body["data"], "entityCount": body["data"]["entityCount"] + calls[0]}}

    return rewrite_body(change, path=PROJECT)


# --- isolation -----------------------------------------------------------------------------


def other_project_sees_first(world: World, keys: Keys) -> Middleware:
    """The second project's admin key reads the first project's audit log."""

    def change(request: web.Request) -> web.Request:
        if token(request) == keys.admin[1]:
            return with_header(request, "Authorization", f"Bearer {keys.admin[0]}")
        return request

    return rewrite_request(change)


# --- allowed by the contract ---------------------------------------------------------------


def extra_fields(world: World, keys: Keys) -> Middleware:
    def change(request: web.Request, body: Json) -> Json:
        if "error" in body:
            return {
                **body,
                "error": {**body["error"], "docs": "https://example.com/errors"},
                "requestId": "req-1",
            }
        if request.path == PROJECT:
            return {**body, "data": {**body["data"], "createdAt": "2024-01-01T00:00:00Z"}}
        data = [{**e, "ipAddress": "203.0.113.7", "actor": {"type": "user"}} for e in body["data"]]
        return {**body, "data": data, "nextCursor": None, "requestId": "req-1"}

    return rewrite_body(change, path=None, status=None)


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def as_uuid(ulid: str) -> str:
    """The same 128 bits as a UUID string: a different format that sorts the same way."""
    value = 0
    for char in ulid:
        value = value * 32 + _CROCKFORD.index(char)
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def uuid_ids(world: World, keys: Keys) -> Middleware:
    def change(request: web.Request, body: Json) -> Json:
        if request.path == PROJECT:
            project_id = str(uuid.uuid5(uuid.NAMESPACE_URL, body["data"]["id"]))
            return {"data": {**body["data"], "id": project_id}}
        return {**body, "data": [{**e, "id": as_uuid(e["id"])} for e in body["data"]]}

    return rewrite_body(change, path=None)


def no_charset(world: World, keys: Keys) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        if isinstance(response, web.Response) and response.content_type == "application/json":
            response.charset = None
        return response

    return middleware


BROKEN: tuple[Variant, ...] = (
    Variant("oldest-first", "ordering", oldest_first, frozenset({"audit.newest-first"})),
    Variant(
        "ties-by-id-ascending", "ordering", ties_by_id_ascending, frozenset({"audit.tie-order"})
    ),
    Variant(
        "action-case-insensitive",
        "filters",
        action_case_insensitive,
        frozenset({"audit.filter-action"}),
    ),
    Variant(
        "action-prefix-match", "filters", action_prefix_match, frozenset({"audit.filter-action"})
    ),
    Variant(
        "user-filter-ignored", "filters", user_filter_ignored, frozenset({"audit.filter-user"})
    ),
    Variant("filters-or", "filters", filters_or, frozenset({"audit.filters-combined"})),
    Variant("since-inclusive", "filters", since_inclusive, frozenset({"audit.since"})),
    Variant("since-ignored", "filters", since_ignored, frozenset({"audit.since"})),
    Variant("since-one-second-late", "filters", since_one_second_late, frozenset({"audit.since"})),
    Variant(
        "total-after-limit",
        "pagination",
        total_after_limit,
        frozenset({"audit.total-before-limit"}),
    ),
    Variant(
        "has-more-off-by-one", "pagination", has_more_off_by_one, frozenset({"audit.has-more"})
    ),
    Variant("default-limit-20", "pagination", default_limit_20, frozenset({"audit.default-limit"})),
    Variant("short-page", "pagination", short_page, frozenset({"audit.page-size"})),
    Variant("limit-clamped", "limits", limit_clamped, frozenset({"params.limit-bounds"})),
    Variant(
        "limit-zero-means-default",
        "limits",
        limit_zero_means_default,
        frozenset({"params.limit-bounds"}),
    ),
    Variant(
        "limit-float-truncated",
        "limits",
        limit_float_truncated,
        frozenset({"params.limit-integer"}),
    ),
    Variant("repeated-last-wins", "limits", repeated_last_wins, frozenset({"params.repeated"})),
    Variant(
        "unknown-param-rejected",
        "limits",
        unknown_param_rejected,
        frozenset({"params.unknown-ignored"}),
    ),
    Variant(
        "empty-filter-ignored", "limits", empty_filter_ignored, frozenset({"params.filter-length"})
    ),
    Variant(
        "negative-since-accepted", "limits", negative_since_accepted, frozenset({"params.since"})
    ),
    Variant(
        "member-reads-audit-log",
        "auth",
        member_reads_audit_log,
        frozenset({"auth.member-forbidden"}),
    ),
    Variant(
        "parameters-before-role", "auth", parameters_before_role, frozenset({"auth.check-order"})
    ),
    Variant(
        "no-www-authenticate", "auth", no_www_authenticate, frozenset({"errors.www-authenticate"})
    ),
    Variant("key-prefix-accepted", "auth", key_prefix_accepted, frozenset({"auth.unknown-key"})),
    Variant("key-case-insensitive", "auth", key_case_insensitive, frozenset({"auth.unknown-key"})),
    Variant(
        "unknown-key-forbidden", "auth", unknown_key_forbidden, frozenset({"auth.unknown-key"})
    ),
    Variant("key-echoed", "auth", key_echoed, frozenset({"auth.key-not-echoed"})),
    Variant(
        "other-scheme-accepted", "auth", other_scheme_accepted, frozenset({"auth.wrong-scheme"})
    ),
    Variant("flat-error-envelope", "errors", flat_error_envelope, frozenset({"errors.envelope"})),
    Variant("not-found-as-text", "errors", not_found_as_text, frozenset({"errors.not-found"})),
    Variant("no-allow-header", "errors", no_allow_header, frozenset({"errors.method-not-allowed"})),
    Variant(
        "refused-method-not-found",
        "errors",
        refused_method_not_found,
        frozenset({"errors.method-not-allowed"}),
    ),
    Variant("head-not-served", "errors", head_not_served, frozenset({"http.head"})),
    Variant(
        "crash-on-long-numbers",
        "errors",
        crash_on_long_numbers,
        frozenset({"errors.no-server-error"}),
    ),
    Variant(
        "message-without-parameter",
        "errors",
        message_without_parameter,
        frozenset({"errors.names-parameter"}),
    ),
    Variant(
        "entity-id-omitted-when-null",
        "schema",
        entity_id_omitted_when_null,
        frozenset({"entries.entity-id"}),
    ),
    Variant(
        "timestamps-in-seconds", "schema", timestamps_in_seconds, frozenset({"entries.timestamps"})
    ),
    Variant("duplicate-ids", "schema", duplicate_ids, frozenset({"entries.unique-ids"})),
    Variant("content-type-text", "schema", content_type_text, frozenset({"http.content-type"})),
    Variant("plan-capitalized", "schema", plan_capitalized, frozenset({"project.fields"})),
    Variant("counts-uncached", "schema", counts_uncached, frozenset({"project.stable-counts"})),
    Variant(
        "other-project-sees-first",
        "isolation",
        other_project_sees_first,
        frozenset({"isolation.tenants"}),
    ),
)

ALLOWED: tuple[Variant, ...] = (
    Variant("extra-fields", "allowed", extra_fields),
    Variant("uuid-ids", "allowed", uuid_ids),
    Variant("no-charset", "allowed", no_charset),
)
