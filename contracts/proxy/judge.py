"""What one exchange shows: the request against the spec, the answer against the schema,
and the semantics of the contract that a single answer can prove broken.

Every rule comes from the suite (`model`, `expect`, `checks/`): the proxy applies the
same predicates to answers it did not ask for, and reports them under the suite's
check names where the rule is the same one. The `request.*` checks are the client's
side of the contract. Only what the exchange itself proves is judged: an answer the
contract leaves open (a value that is no text, a transient 429 or 503) is not.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ..checks.auth import challenge_mistake
from ..checks.entries import (
    entity_id_mistake,
    entry_mistake,
    page_mistake,
    repeated_id,
    timestamp_mistake,
)
from ..checks.errors import REFUSED_METHODS, allow_mistake, envelope_mistake
from ..checks.http import content_type_mistake
from ..checks.project import project_mistake
from ..client import AUDIT_LOG, PROJECT, Auth, Exchange, Request, Response
from ..expect import describe_status
from ..model import Entry, Page, Query, order_mistake, read_entries, tie_mistake
from ..outcome import Violation
from .capture import Captured
from .operations import Operation, Operations
from .request import Kind, Problem, Reading, read_request

# Answers that say "not now", never "no": issue 12's transient statuses, which the
# suite retries and never counts as a contract failure by themselves.
TRANSIENT = frozenset({429, 502, 503, 504})
# Marks the requests `--probe` sends: they are the proxy's own, so the `request.*`
# rules, which judge the client, leave them alone.
PROBE_HEADER = "X-Contracts-Probe"
# Tokens shorter than this are not looked for in answers: "Bearer x" is no key, and
# every "x" of a body would match it.
MIN_KEY_LENGTH = 8


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    summary: str
    # The client breaks it (`request.*`), not the implementation.
    by_client: bool = False


RULES: tuple[Rule, ...] = (
    Rule(
        "request.valid-parameters",
        "The request's documented parameters hold values openapi.yaml allows.",
        True,
    ),
    Rule("request.repeated-parameter", "No documented parameter is given twice.", True),
    Rule(
        "request.unknown-parameter",
        "Only documented parameters are sent (others do nothing).",
        True,
    ),
    Rule("request.authorization", "Every request carries Authorization: Bearer <key>.", True),
    Rule(
        "schema.status_code_conformance",
        "Every status is one the spec documents for the operation.",
    ),
    Rule("schema.response_schema_conformance", "Every body matches its schema in the spec."),
    Rule(
        "schema.response_headers_conformance",
        "Documented headers are present and match their schemas.",
    ),
    Rule("schema.positive_data_acceptance", "A request the spec accepts is not refused with 400."),
    Rule("http.content-type", "Answers are application/json (with charset=utf-8 or no charset)."),
    Rule("http.head", "HEAD is answered without a body."),
    Rule("errors.no-server-error", "No request, however malformed, gets a 5xx."),
    Rule(
        "errors.envelope",
        'Every error is {"error": {"code", "message"}} with the code of its status.',
    ),
    Rule("errors.www-authenticate", "Every 401 carries WWW-Authenticate: Bearer."),
    Rule(
        "errors.method-not-allowed",
        "POST, PUT, PATCH, DELETE get 405 with an Allow header listing GET.",
    ),
    Rule("errors.names-parameter", "A 400 for a bad parameter names that parameter."),
    Rule("auth.missing-key", "A request without Authorization gets 401."),
    Rule("auth.wrong-scheme", "An Authorization that is not Bearer gets 401."),
    Rule("auth.member-forbidden", "Any valid key may read the project: never 403."),
    Rule("auth.key-not-echoed", "No answer, body or header, contains the key sent."),
    Rule("params.limit-bounds", "limit outside 1 to 200 gets 400, never a clamped page."),
    Rule("params.limit-integer", "A limit that is not an integer gets 400."),
    Rule("params.since", "since must be an integer from 0 to 2^63-1, else 400."),
    Rule("params.filter-length", "action and userId take 1 to 100 characters, else 400."),
    Rule("params.repeated", "A documented parameter given twice gets 400."),
    Rule("params.unknown-ignored", "Unknown query parameters change nothing (no 400)."),
    Rule(
        "entries.shape", "A page is {data, total >= 0, hasMore}; entries have an id and metadata."
    ),
    Rule("entries.entity-id", "entityId is on every entry: a string or null."),
    Rule("entries.unique-ids", "No id twice in a page."),
    Rule("entries.timestamps", "Timestamps are Unix milliseconds (2000 to a year from now)."),
    Rule("audit.newest-first", "Entries sorted by timestamp, newest first."),
    Rule("audit.tie-order", "Entries sharing a timestamp come by id, descending."),
    Rule("audit.filter-action", "Every entry has the action asked for."),
    Rule("audit.filter-user", "Every entry has the userId asked for."),
    Rule("audit.since", "Every timestamp is after since."),
    Rule("audit.page-size", "len(data) == min(limit, total)."),
    Rule("audit.default-limit", "Without a limit, len(data) == min(50, total)."),
    Rule("audit.has-more", "hasMore == (total > len(data))."),
    Rule("project.fields", "The project has an id, name, slug, plan and integer counts >= 0."),
    Rule("audit.repeatable", "The same query twice within seconds agrees: entries never vanish."),
    Rule("project.stable-counts", "The counts change at most once per cache period."),
)
RULE_NAMES = frozenset(rule.name for rule in RULES)


@dataclass(frozen=True, slots=True)
class Breach:
    """One broken rule in one exchange: what the contract expects and what came."""

    check: str
    expected: str
    got: str


@dataclass(slots=True)
class Verdict:
    """What judging an exchange found: the checks it could judge and those it broke."""

    judged: set[str] = field(default_factory=set)
    breaches: list[Breach] = field(default_factory=list)
    operation: Operation | None = None
    reading: Reading | None = None
    # The audit-log page and its query, or the project counts: for `history.py`.
    query: Query | None = None
    page: Page | None = None
    counts: tuple[Any, ...] | None = None

    def rule(self, check: str, expected: str, mistake: str | None) -> bool:
        """Record `check` as judged, and broken when `mistake` says how; True if it held."""
        assert check in RULE_NAMES, check
        self.judged.add(check)
        if mistake is not None:
            self.breaches.append(Breach(check, expected, mistake))
        return mistake is None


def token_of(authorization: str | None) -> str | None:
    """The credential of an `Authorization` value (what follows the scheme), if any."""
    if authorization is None:
        return None
    _, _, rest = authorization.strip().partition(" ")
    return rest.strip() or None


def decoded(captured: Captured) -> bytes | None:
    """The body as the client reads it, or None when it cannot be judged."""
    if not captured.body_complete:
        return None
    encoding = (captured.response_header("Content-Encoding") or "identity").strip().lower()
    if encoding == "identity":
        return captured.body
    if encoding in ("gzip", "deflate", "x-gzip"):
        try:
            inflater = zlib.decompressobj(wbits=47)
            text = inflater.decompress(captured.body, 16 * len(captured.body) + 65536)
            return None if inflater.unconsumed_tail else text
        except zlib.error:
            return None
    return None


def as_exchange(captured: Captured, body: bytes) -> Exchange:
    """The exchange as the suite's predicates take it."""
    assert captured.status is not None
    request = Request(captured.method, captured.path, (), Auth.none(), raw_query=captured.raw_query)
    response = Response(captured.status, dict(captured.response_headers), body)
    return Exchange("", request, response)


def judge(captured: Captured, operations: Operations) -> Verdict:
    """Every rule this exchange can show, judged; nothing for paths outside the spec."""
    verdict = Verdict()
    methods = operations.at(captured.path)
    status = captured.status
    if methods is None or status is None or status in TRANSIENT:
        return verdict
    method = captured.method.upper()
    operation = methods.get("GET" if method == "HEAD" else method)
    body = decoded(captured)
    exchange = as_exchange(captured, body if body is not None else b"")
    verdict.rule(
        "errors.no-server-error",
        "no 5xx, however malformed the request",
        describe_status(exchange) if status >= 500 else None,
    )
    if body is not None and status >= 400 and method != "HEAD":
        verdict.rule(
            "errors.envelope",
            '{"error": {"code": "<code for the status>", "message": "<non-empty text>"}}',
            envelope_mistake(exchange),
        )
    if status < 500 and (method != "HEAD" or captured.response_header("Content-Type")):
        verdict.rule(
            "http.content-type",
            "Content-Type: application/json (a charset, if any, is utf-8)",
            content_type_mistake(exchange),
        )
    if status == 401:
        verdict.rule(
            "errors.www-authenticate",
            "a 'WWW-Authenticate: Bearer' header with every 401",
            challenge_mistake(exchange),
        )
    _key_echoed(verdict, captured, body)
    if operation is None:
        if method in REFUSED_METHODS:
            _refused_method(verdict, exchange, method)
        return verdict
    verdict.operation = operation
    reading = read_request(operation, captured.raw_query)
    verdict.reading = reading
    if method == "HEAD":
        verdict.rule(
            "http.head",
            "an empty body for HEAD",
            f"{len(captured.body)} bytes" if captured.body else None,
        )
    if captured.request_header(PROBE_HEADER) is None:
        _request_rules(verdict, captured, reading)
    _status_rules(verdict, captured, operation, reading, body, exchange)
    _header_rules(verdict, operation, captured)
    if body is None or method == "HEAD":
        return verdict
    try:
        document = json.loads(body)
    except ValueError:
        if status in operation.answers:
            verdict.rule(
                "schema.response_schema_conformance", "a JSON body", "a body that is not JSON"
            )
        return verdict
    _schema_rules(verdict, operation, status, document)
    if status == 200 and _authorized(captured):
        if operation.path == AUDIT_LOG and not reading.refused() and not reading.undecodable:
            _page_rules(verdict, reading, exchange, document)
        elif operation.path == PROJECT:
            _project_rules(verdict, exchange, document)
    return verdict


def _authorized(captured: Captured) -> bool:
    value = captured.request_header("Authorization")
    return (
        value is not None and value.strip().lower().startswith("bearer ") and bool(token_of(value))
    )


def _key_echoed(verdict: Verdict, captured: Captured, body: bytes | None) -> None:
    token = token_of(captured.request_header("Authorization"))
    if token is None or len(token) < MIN_KEY_LENGTH:
        return
    where = None
    if body is not None and token.encode() in body:
        where = "the body holds the key sent"
    for name, value in captured.response_headers:
        if token in value:
            where = f"the {name} header holds the key sent"
    verdict.rule("auth.key-not-echoed", "no answer that contains the key sent", where)


def _refused_method(verdict: Verdict, exchange: Exchange, method: str) -> None:
    status = exchange.response.status
    if status == 401:
        return  # refusing the credentials first is not ruled out by the contract
    if status != 405:
        verdict.rule("errors.method-not-allowed", f"405 for {method}", describe_status(exchange))
        return
    verdict.rule(
        "errors.method-not-allowed",
        f"an Allow header that lists GET and not {method}",
        allow_mistake(exchange, method),
    )


def _request_rules(verdict: Verdict, captured: Captured, reading: Reading) -> None:
    authorization = captured.request_header("Authorization")
    verdict.rule(
        "request.authorization",
        "Authorization: Bearer <key>",
        None
        if _authorized(captured)
        else ("no Authorization header" if authorization is None else "another scheme, or no key"),
    )
    problems = {kind: [p for p in reading.problems if p.kind is kind] for kind in Kind}
    for check, kind in (
        ("request.valid-parameters", Kind.INVALID),
        ("request.repeated-parameter", Kind.REPEATED),
        ("request.unknown-parameter", Kind.UNKNOWN),
    ):
        found = problems[kind]
        verdict.rule(
            check,
            "parameters as openapi.yaml documents them",
            "; ".join(f"{p.parameter}: {p.reason}" for p in found) if found else None,
        )


# The suite's check for each way a parameter is refused.
def _refusing_check(problem: Problem, reading: Reading) -> str:
    if problem.kind is Kind.REPEATED:
        return "params.repeated"
    if problem.parameter == "limit":
        parameter = reading.operation.parameter("limit")
        typed = parameter is not None and parameter.typed(problem.value)
        return "params.limit-bounds" if typed else "params.limit-integer"
    if problem.parameter == "since":
        return "params.since"
    return "params.filter-length"


def _status_rules(
    verdict: Verdict,
    captured: Captured,
    operation: Operation,
    reading: Reading,
    body: bytes | None,
    exchange: Exchange,
) -> None:
    status = captured.status
    assert status is not None
    documented = sorted(operation.answers)
    if status < 500:
        verdict.rule(
            "schema.status_code_conformance",
            f"one of {', '.join(map(str, documented))}",
            None if status in operation.answers else describe_status(exchange),
        )
    authorization = captured.request_header("Authorization")
    if authorization is None:
        verdict.rule(
            "auth.missing-key",
            "401 without Authorization",
            None if status == 401 else describe_status(exchange),
        )
        return
    if not _authorized(captured):
        verdict.rule(
            "auth.wrong-scheme",
            "401 for a credential that is not Bearer <key>",
            None if status == 401 else describe_status(exchange),
        )
        return
    if operation.path == PROJECT:
        verdict.rule(
            "auth.member-forbidden",
            "any valid key reads its project",
            "403" if status == 403 else None,
        )
    if status in (401, 403) or reading.undecodable:
        return  # authentication and authorization come before validation
    refused = reading.refused()
    if refused:
        problem = refused[0]
        check = _refusing_check(problem, reading)
        verdict.rule(
            check,
            f"400 invalid_parameter ({problem.parameter}: {problem.reason})",
            None if status == 400 else describe_status(exchange),
        )
        if status == 400 and body is not None:
            message = _error_message(exchange)
            names = [p.parameter for p in refused]
            verdict.rule(
                "errors.names-parameter",
                f"an error message that names {' or '.join(map(repr, names))}",
                None
                if message is not None and any(n in message for n in names)
                else f"message {message!r}",
            )
        return
    if reading.given or status == 400:
        unknown = [p.parameter for p in reading.problems if p.kind is Kind.UNKNOWN]
        check = "params.unknown-ignored" if unknown else "schema.positive_data_acceptance"
        verdict.rule(
            check,
            "a request the spec accepts is answered"
            + (f" (unknown {', '.join(unknown)} ignored)" if unknown else ""),
            "400" if status == 400 else None,
        )


def _error_message(exchange: Exchange) -> str | None:
    try:
        body = exchange.response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    return message if isinstance(message, str) else None


def _schema_rules(verdict: Verdict, operation: Operation, status: int, document: Any) -> None:
    answer = operation.answers.get(status)
    if answer is None or answer.body is None:
        return
    error = next(iter(answer.body.iter_errors(document)), None)
    where = "/".join(str(part) for part in error.instance_path) if error is not None else ""
    verdict.rule(
        "schema.response_schema_conformance",
        f"the {status} body's schema",
        None if error is None else f"at /{where}: {_shorten(error.message)}",
    )


def _header_rules(verdict: Verdict, operation: Operation, captured: Captured) -> None:
    """The documented headers of the answer: present when required, valid when there."""
    status = captured.status
    answer = operation.answers.get(status) if status is not None else None
    if answer is None or not answer.headers:
        return
    for header in answer.headers:
        value = captured.response_header(header.name)
        mistake = None
        if value is None:
            mistake = f"no {header.name} header" if header.required else None
        elif header.validator is not None:
            typed: Any = int(value) if value.strip().lstrip("-").isdigit() else value
            if not header.validator.is_valid(typed):
                mistake = f"{header.name}: {value}"
        verdict.rule(
            "schema.response_headers_conformance",
            f"{header.name} as the spec documents it",
            mistake,
        )


def _page_rules(verdict: Verdict, reading: Reading, exchange: Exchange, body: Any) -> None:
    mistake = page_mistake(body)
    if not verdict.rule(
        "entries.shape", "a page {data: [...], total: integer >= 0, hasMore: boolean}", mistake
    ):
        return
    try:
        entries = read_entries(body["data"], exchange)
    except Violation as violation:
        verdict.rule("entries.shape", violation.expected, violation.got)
        return
    verdict.rule(
        "entries.shape",
        "entries with a non-empty string id and a metadata object",
        _first(entries, entry_mistake),
    )
    verdict.rule(
        "entries.entity-id",
        "entityId on every entry: a string, or null when no entity is involved",
        _first(entries, entity_id_mistake),
    )
    verdict.rule(
        "entries.timestamps",
        "integer Unix milliseconds, after 2000 and less than a year from now",
        _first(entries, timestamp_mistake),
    )
    verdict.rule("entries.unique-ids", "each entry id once", repeated_id(entries))
    verdict.rule(
        "audit.newest-first", "entries sorted by timestamp, newest first", order_mistake(entries)
    )
    verdict.rule(
        "audit.tie-order",
        "entries with equal timestamps ordered by id, descending",
        tie_mistake(entries),
    )
    query = reading.query()
    for check, only in (
        ("audit.filter-action", Query(action=query.action)),
        ("audit.filter-user", Query(user_id=query.user_id)),
        ("audit.since", Query(since=query.since)),
    ):
        if only != Query():
            verdict.rule(
                check,
                f"only entries matching {only.describe()}",
                _first(entries, partial(_mismatch, only)),
            )
    total, has_more = body["total"], body["hasMore"]
    wanted = min(query.page_size, total)
    verdict.rule(
        "audit.page-size" if query.limit is not None else "audit.default-limit",
        f"len(data) == min(limit={query.page_size}, total={total}) == {wanted}",
        None if len(entries) == wanted else f"{len(entries)} entries",
    )
    verdict.rule(
        "audit.has-more",
        f"hasMore == (total > len(data)) == {str(total > len(entries)).lower()} "
        f"with total={total} and {len(entries)} entries",
        None if has_more is (total > len(entries)) else f"hasMore={has_more!r}",
    )
    verdict.query, verdict.page = query, Page(entries, total, has_more, exchange)


def _project_rules(verdict: Verdict, exchange: Exchange, body: Any) -> None:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        verdict.rule(
            "project.fields", '{"data": {...the project...}}', exchange.response.excerpt(80)
        )
        return
    mistake = project_mistake(data)
    if verdict.rule(
        "project.fields", "a project with an id, name, slug, plan and counts >= 0", mistake
    ):
        verdict.counts = tuple(
            data[name] for name in ("entityTypeCount", "entityCount", "memberCount")
        )


def _mismatch(query: Query, entry: Entry) -> str | None:
    return "; ".join(query.mismatches(entry)) or None


def _first(entries: tuple[Entry, ...], wrong: Callable[[Entry], str | None]) -> str | None:
    for index, entry in enumerate(entries):
        problem = wrong(entry)
        if problem:
            return f"data[{index}] {problem}"
    return None


def _shorten(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
