"""Running the suite: select the checks, discover the data, run each check, collect a report."""

from __future__ import annotations

import random
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from . import curl, schema, tls
from .checks import CHECKS
from .client import PROJECT, Client, Unreachable
from .context import Check, Context
from .discovery import Dataset, discover
from .expect import fetch
from .model import MAX_LIMIT, Query
from .outcome import CheckResult, Finding, Inconclusive, Skip, Status, Violation
from .settings import Settings
from .traffic import Traffic
from .transport import DROPPED, Transport
from .window import Window

# How often `--wait-for` asks again while the server does not answer.
WAIT_INTERVAL_SECONDS = 0.5


class UnknownCheck(ValueError):
    """--select named something that is neither a check nor a group of checks."""


@dataclass(frozen=True, slots=True)
class Report:
    settings: Settings
    results: tuple[CheckResult, ...]
    notes: tuple[str, ...]
    seconds: float
    traffic: Traffic = field(default_factory=Traffic)

    @property
    def failed(self) -> list[CheckResult]:
        return [result for result in self.results if result.status is Status.FAILED]

    @property
    def skipped(self) -> list[CheckResult]:
        return [result for result in self.results if result.status is Status.SKIPPED]

    @property
    def inconclusive(self) -> list[CheckResult]:
        return [result for result in self.results if result.status is Status.INCONCLUSIVE]

    @property
    def passed(self) -> bool:
        """No check failed: the run's exit status. Skipped checks judged nothing; a caller
        that needs every rule judged looks at `skipped` as well."""
        return not self.failed


def check_names() -> list[str]:
    """Every check, in the order a run reports them: semantic checks, then schemathesis's."""
    return [*(check.name for check in CHECKS), *schema.check_names()]


def selected(names: Sequence[str]) -> tuple[list[str], list[Check]]:
    """The schemathesis checks and the semantic checks `names` select (all when empty).

    A name selects the check of that name, or every check of a group (`auth`, `schema`).
    """
    known = check_names()
    groups = {name.split(".", 1)[0] for name in known}
    for name in names:
        if name not in known and name not in groups:
            raise UnknownCheck(name)

    def wanted(name: str) -> bool:
        return not names or name in names or name.split(".", 1)[0] in names

    schema_checks = [n.removeprefix(schema.PREFIX) for n in schema.check_names() if wanted(n)]
    return schema_checks, [check for check in CHECKS if wanted(check.name)]


def run_check(check: Check, ctx: Context) -> CheckResult:
    started = time.monotonic()

    def done(status: Status, reason: str, *findings: Finding) -> CheckResult:
        return CheckResult(
            check.name, check.summary, status, reason, findings, time.monotonic() - started
        )

    try:
        check.run(ctx)
    except Violation as violation:
        return done(
            Status.FAILED,
            f"expected {violation.expected}; got {violation.got}",
            violation.finding(),
        )
    except Skip as skip:
        return done(Status.SKIPPED, str(skip))
    except Inconclusive as error:
        return done(Status.INCONCLUSIVE, f"a transient answer persisted: {error}")
    except Unreachable as error:
        return done(Status.FAILED, f"no answer: {error}")
    except Exception as error:  # a check must never take the whole run down with it
        where = traceback.extract_tb(error.__traceback__)[-1]
        return done(
            Status.FAILED,
            f"the check itself failed ({type(error).__name__}: {error} "
            f"at {where.name}:{where.lineno}); please report it",
        )
    return done(Status.PASSED, "")


def probe(client: Client) -> None:
    """Raise `Unreachable` unless the server answers at all (any status, transient too)."""
    try:
        client.get(PROJECT)
    except Inconclusive as error:
        if error.cause != DROPPED:
            return  # an answer, if only "later", is an answer: the checks will see
        hint = ""
        if (
            client.settings.base_url.startswith("https:")
            and not client.settings.connection.client_cert
        ):
            # Over TLS 1.3 a server that wants a client certificate just hangs up.
            hint = " (if the server asks for a client certificate, give one with --client-cert)"
        raise Unreachable(f"{error}{hint}") from None


def wait_for(
    client: Client,
    seconds: float,
    say: Callable[[str], None],
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Probe until the server answers, for at most `seconds`; then `Unreachable`.

    For CI jobs that start the server beside the suite. A certificate problem is not a
    server still starting: it ends the wait at once.
    """
    url = client.settings.base_url
    say(f"waiting up to {seconds:g} s for {url} to answer")
    deadline = clock() + seconds
    started = clock()
    while True:
        try:
            probe(client)
        except tls.CertificateProblem:
            raise
        except Unreachable as error:
            left = deadline - clock()
            if left <= 0:
                raise Unreachable(f"{error} (no answer within {seconds:g} s)") from None
            sleep(min(WAIT_INTERVAL_SECONDS, left))
            continue
        say(f"{url} answered after {clock() - started:.1f} s")
        return


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a run: the seconds it took and the requests it sent."""

    seconds: float
    requests: int


def describe_time(checks: Part, phases: Part) -> str:
    """Where the run's time and requests went (the report's traffic line counts the rest)."""
    return (
        f"time: the suite's checks {checks.requests} requests in {checks.seconds:.1f} s, "
        f"schemathesis's phases {phases.requests} in {phases.seconds:.1f} s"
    )


def _stderr(line: str) -> None:
    print(f"contracts: {line}", file=sys.stderr, flush=True)


def describe_data(data: Dataset | Violation) -> str:
    if isinstance(data, Violation):
        return f"data: could not read the audit log ({data.got})"
    return (
        f"data: total={data.first.total!r} entries; {len(data.windows)} reference listings "
        f"read; {len(data.actions)} actions and {len(data.users)} users seen"
    )


def data_changed(client: Client, data: Dataset | Violation) -> str | None:
    """A note when the audit log grew or changed while the checks ran."""
    if isinstance(data, Violation):
        return None
    try:
        now = fetch(client, Query(limit=MAX_LIMIT))
    except (Violation, Unreachable):
        return None
    again = Window(data.newest.query, now).as_of(data.newest.horizon)
    if again.page.ids != data.newest.page.ids or again.page.total != data.newest.page.total:
        return (
            "note: the audit log changed during the run; entries newer than the data read "
            "at the start were set aside in comparisons, anything else that changed may "
            "show as a failure, so confirm one on quiet data"
        )
    return None


@dataclass(frozen=True, slots=True)
class Run:
    """A server reached and its data discovered, once; then any check, one at a time.

    The command runs every selected check through one `Run`; the pytest form makes one
    per test session and runs each check as its own test item. Its `transport` carries
    every request, schemathesis's too, so one limiter paces them and `traffic` counts them.
    """

    context: Context
    transport: Transport
    # Why the data could not be read when only transient answers came: then every check
    # is inconclusive, since none has anything to compare with.
    unread: Inconclusive | None = None

    @property
    def traffic(self) -> Traffic:
        return self.transport.traffic

    def check(self, check: Check) -> CheckResult:
        if self.unread is not None:
            return _inconclusive(check, self.unread)
        return run_check(check, self.context)

    def notes(self) -> list[str]:
        """What the run read, and whether the log changed since: asked at its end."""
        notes = [describe_data(self.context.discovered)]
        change = data_changed(self.context.client, self.context.discovered)
        if change:
            notes.append(change)
        return notes


@contextmanager
def opened(settings: Settings, *, say: Callable[[str], None] = _stderr) -> Iterator[Run]:
    """Reach the server (waiting for it with `--wait-for`) and discover its data;
    `Unreachable` if it does not answer. `say` takes the lines said while waiting."""
    connection = settings.connection
    # Every file TLS needs is read now: a bad one is one line, before any request.
    tls.ssl_context(connection, urlsplit(settings.base_url).netloc or settings.base_url)
    transport = Transport(connection, Traffic(), rng=random.Random(settings.seed))
    client = Client(settings, transport)
    try:
        if connection.wait_for is not None:
            wait_for(client, connection.wait_for, say)
        else:
            probe(client)
        data: Dataset | Violation
        unread: Inconclusive | None = None
        try:
            data = discover(client)
        except Violation as violation:
            data = violation
        except Inconclusive as error:
            unread = error
            data = Violation("a readable audit log", f"transient answers only ({error})")
        yield Run(Context(settings, client, data), transport, unread)
    finally:
        client.close()


def run_suite(settings: Settings, *, say: Callable[[str], None] = _stderr) -> Report:
    """Run the selected checks against `settings.base_url`; `Unreachable` if it does not answer.

    One `Transport` carries the whole run, the suite's checks and schemathesis's phases,
    so one limiter paces them and `Report.traffic` counts them all. `say` takes the lines
    said while waiting (`--wait-for`), before any report exists.
    """
    started = time.monotonic()
    schema_checks, semantic = selected(settings.select)
    notes = [tls.INSECURE_WARNING] if settings.connection.insecure else []
    with opened(settings, say=say) as run:
        results = [run.check(check) for check in semantic]
        checks = Part(time.monotonic() - started, run.traffic.requests)
        results += schema.run(settings, schema_checks, run.transport)
        phases = Part(
            time.monotonic() - started - checks.seconds, run.traffic.requests - checks.requests
        )
        notes += run.notes()
        notes.append(describe_time(checks, phases))
    return Report(
        settings,
        tuple(curl.redact_result(result, settings) for result in results),
        tuple(notes),
        time.monotonic() - started,
        run.traffic,
    )


def _inconclusive(check: Check, error: Inconclusive) -> CheckResult:
    return CheckResult(
        check.name,
        check.summary,
        Status.INCONCLUSIVE,
        f"the data to check against could not be read: {error}",
    )
