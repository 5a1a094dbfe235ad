"""Everything schemathesis checks from openapi.yaml, run by schemathesis's own engine.

The spec is read from the `mockserver` package's data, never from the working directory,
so the suite checks against the spec it was released with. The engine is the one behind
`schemathesis run`: examples, coverage and fuzzing phases, with the admin key supplied
through the spec's own security scheme. Each schemathesis check is reported as one line.
"""

from __future__ import annotations

import random
import threading
import time
import warnings
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import requests
import schemathesis
from hypothesis.errors import HypothesisWarning
from schemathesis import auths
from schemathesis.engine import events, from_schema
from schemathesis.engine.context import EngineContext
from schemathesis.engine.recorder import ScenarioRecorder

from . import curl, tls
from .outcome import CheckResult, Finding, Status
from .settings import Settings
from .spec import load_spec
from .transport import GaveUp, Transport, mount

PREFIX = "schema."
SECURITY_SCHEME = "apiKey"
# Distinct failures reported per check: the first few show the pattern, the rest repeat it.
MAX_FINDINGS = 3
# Schema excerpts in schemathesis's messages can run long; the reproduction says the rest.
MAX_MESSAGE = 500

# The schemathesis checks that apply to this API, with what each means.
CHECK_SUMMARIES: dict[str, str] = {
    "not_a_server_error": "No generated request gets a 5xx.",
    "status_code_conformance": "Every status is one the spec documents for the operation.",
    "content_type_conformance": "Every Content-Type is one the spec documents.",
    "response_headers_conformance": "Documented headers are present and match their schemas.",
    "response_schema_conformance": "Every body matches its schema in the spec.",
    "negative_data_rejection": "Requests that break the spec's parameter schemas are rejected.",
    "positive_data_acceptance": "Requests that follow the spec's parameter schemas are accepted.",
    "missing_required_header": "A request without its Authorization header gets 401.",
    "unsupported_method": "Methods the spec does not list get 405 with an Allow header.",
    "ignored_auth": "Requests without or with invalid credentials are refused.",
}
# Checks left out, and why: they need writes and links between operations (the API has
# neither), or OPTIONS, which the contract leaves to CORS handling. `max_response_time`
# stays off as by default: the contract sets no time limit.
DISABLED = (
    "use_after_free",
    "ensure_resource_availability",
    "object_level_authorization",
    "allow_header_conformance",
)
# Only these methods are promised a 405; OPTIONS and TRACE are outside the contract.
REFUSED_METHODS = ["POST", "PUT", "PATCH", "DELETE"]


def configuration(settings: Settings, selected: Iterable[str]) -> schemathesis.Config:
    """schemathesis's configuration for one run: the same server, TLS and headers as ours.

    Pacing, retries and proxies are not configured here: every request schemathesis sends
    goes through the run's `Transport` (see `execute`), and `requests` reads the proxy
    variables of the environment for it as for the suite's own client.
    """
    wanted = set(selected)
    checks: dict[str, Any] = {name: {"enabled": name in wanted} for name in CHECK_SUMMARIES}
    checks.update({name: {"enabled": False} for name in DISABLED})
    connection = settings.connection
    reaching: dict[str, Any] = {"tls-verify": tls.verify(connection)}
    if connection.headers:
        reaching["headers"] = dict(connection.headers)
    if connection.client_cert is not None:
        reaching["request-cert"] = str(connection.client_cert)
        if connection.client_key is not None:
            reaching["request-cert-key"] = str(connection.client_key)
    return schemathesis.Config.from_dict(
        {
            "seed": settings.seed,
            "base-url": settings.base_url,
            "request-timeout": settings.timeout,
            **reaching,
            "auth": {"openapi": {SECURITY_SCHEME: {"bearer": settings.admin_key}}},
            "generation": {"max-examples": settings.max_examples, "database": "none"},
            "checks": checks,
            "phases": {
                "coverage": {"unexpected-methods": REFUSED_METHODS},
                "stateful": {"enabled": False},
            },
            # Nothing is written to disk: no crash cache, no reports of its own.
            "cache": {"enabled": False},
        }
    )


# Hypothesis's warning when its default example database (`.hypothesis/` in the current
# directory) cannot be created, as in a read-only checkout or container.
DEFAULT_DATABASE_UNUSABLE = "The database setting is not configured"


@contextmanager
def quiet_default_database() -> Iterator[None]:
    """Silence Hypothesis's warning about a default database this run never uses.

    The configuration gives schemathesis no database (`database: none`), yet its engine
    compares each Hypothesis setting with Hypothesis's defaults, and reading the default
    `database` looks for `.hypothesis/` in the current directory: from a read-only one
    that prints a warning per operation, about a directory nothing would be written to.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", DEFAULT_DATABASE_UNUSABLE, HypothesisWarning)
        yield


@dataclass
class Tally:
    """What one schemathesis check saw over the run."""

    passed: int = 0
    findings: dict[tuple[str, str], Finding] = field(default_factory=dict)


class _RoutedContext(EngineContext):
    """schemathesis's engine context, with the run's transport under every session it makes."""

    __slots__ = ("transport",)
    transport: Transport

    def get_session(self, *, operation: Any = None) -> requests.Session:
        return mount(super().get_session(operation=operation), self.transport)

    def get_transport_kwargs(self, operation: Any = None) -> dict[str, Any]:
        # The requests sent without the run's session (schemathesis drops it for its
        # `ignored_auth` probes) still carry this hook, so the transport sees them too.
        kwargs = super().get_transport_kwargs(operation=operation)
        kwargs["hooks"] = {"response": [self.transport.adopt]}
        return kwargs


def execute(schema: Any, transport: Transport) -> Iterator[events.EngineEvent]:
    """schemathesis's events for `schema`, every request sent through `transport`.

    What `Engine.execute` does, with the engine's context made by `_RoutedContext`:
    schemathesis makes its sessions inside the run and offers no other way to reach
    them, and only a transport under all of them paces the whole run with one limiter.
    """
    if schema.config.auth.is_defined:
        auths.unregister()
    plan = from_schema(schema)._create_execution_plan()
    ctx = _RoutedContext(
        schema=schema, stop_event=threading.Event(), max_time=schema.config.max_time
    )
    ctx.transport = transport
    return iter(plan.execute(ctx))


def run(
    settings: Settings, selected: Iterable[str], transport: Transport | None = None
) -> list[CheckResult]:
    """Run the selected schemathesis checks; one result per check, in `CHECK_SUMMARIES` order.

    A request whose transient answer persisted through every retry judges nothing: the
    checks it would have fed are inconclusive (unless another request failed them).
    """
    names = [name for name in CHECK_SUMMARIES if name in set(selected)]
    if not names:
        return []
    if transport is None:
        transport = Transport(settings.connection, rng=random.Random(settings.seed))
    started = time.monotonic()
    schema = schemathesis.openapi.from_dict(load_spec(), config=configuration(settings, names))
    tallies = {name: Tally() for name in names}
    problems: list[str] = []
    gave_up: list[str] = []
    with quiet_default_database():
        for event in execute(schema, transport):
            if isinstance(event, events.ScenarioFinished):
                record(event.recorder, tallies, settings)
            elif isinstance(event, events.NonFatalError):
                if any(isinstance(cause, GaveUp) for cause in _causes(event.value)):
                    gave_up.append(f"{event.label}: {event.value}")
                else:
                    problems.append(f"{event.label}: {event.info.message}")
            elif isinstance(event, events.FatalError):
                problems.append(f"schemathesis stopped: {event.exception}")
    seconds = (time.monotonic() - started) / len(names)
    return [result(name, tallies[name], problems, seconds, gave_up) for name in names]


def _causes(error: BaseException) -> list[BaseException]:
    found = [error]
    for inner in (error.__cause__, error.__context__, *getattr(error, "exceptions", ())):
        if isinstance(inner, BaseException):
            found += _causes(inner)
    return found


def record(recorder: ScenarioRecorder, tallies: Mapping[str, Tally], settings: Settings) -> None:
    for case_id, nodes in recorder.checks.items():
        for node in nodes:
            tally = tallies.get(node.name)
            if tally is None:
                continue
            info = node.failure_info
            if info is None:
                tally.passed += 1
                continue
            key = (info.failure.title, info.failure.message)
            if key not in tally.findings and len(tally.findings) < MAX_FINDINGS:
                tally.findings[key] = finding(
                    recorder,
                    info.failure.case_id or case_id,
                    node.name,
                    info.failure,
                    info.code_sample,
                    settings,
                )


def finding(
    recorder: ScenarioRecorder,
    case_id: str,
    check: str,
    failure: Any,
    code_sample: str,
    settings: Settings,
) -> Finding:
    """One failure, reproduced from the request schemathesis recorded (keys as variables)."""
    keys = settings.keys()
    interaction = recorder.interactions.get(case_id)
    shown: str | None = None
    if interaction is None:
        command = curl.redact(code_sample, keys)
    else:
        request = interaction.request
        headers = {name: values[0] for name, values in request.headers.items() if values}
        authorization = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
        command = curl.render(
            request.method,
            request.uri,
            authorization=curl.redact(authorization, keys) if authorization else None,
            headers=headers,
            body=request.body,
            hidden=[name for name, _ in settings.connection.headers],
        )
        response = interaction.response
        if response is not None:
            body = response.content.decode("utf-8", "replace")
            shown = f"{response.status_code} {body[:300]}"
    message = " ".join(failure.message.split())
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + "…"
    return Finding(
        expected=CHECK_SUMMARIES[check],
        got=f"{failure.title}: {message}" if message else failure.title,
        curl=command,
        response=shown,
    )


def result(
    name: str, tally: Tally, problems: list[str], seconds: float, gave_up: Iterable[str] = ()
) -> CheckResult:
    summary = CHECK_SUMMARIES[name]
    persisted = list(gave_up)
    if tally.findings:
        return CheckResult(
            PREFIX + name,
            summary,
            Status.FAILED,
            next(iter(tally.findings))[0],
            tuple(tally.findings.values()),
            seconds,
        )
    if problems:
        return CheckResult(
            PREFIX + name,
            summary,
            Status.FAILED,
            problems[0],
            tuple(Finding("schemathesis to complete its run", p) for p in problems),
            seconds,
        )
    if persisted:
        return CheckResult(
            PREFIX + name,
            summary,
            Status.INCONCLUSIVE,
            f"a transient answer persisted through every retry ({persisted[0]})",
            (),
            seconds,
        )
    if not tally.passed:
        return CheckResult(
            PREFIX + name, summary, Status.SKIPPED, "no generated request exercised it", (), seconds
        )
    return CheckResult(
        PREFIX + name, summary, Status.PASSED, f"{tally.passed} responses", (), seconds
    )


def check_names() -> list[str]:
    return [PREFIX + name for name in CHECK_SUMMARIES]
