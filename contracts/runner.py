"""Running the suite: select the checks, discover the data, run each check, collect a report."""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from . import schema
from .checks import CHECKS
from .client import PROJECT, Client, Unreachable
from .context import Check, Context
from .discovery import Dataset, discover
from .expect import fetch
from .model import MAX_LIMIT, Query
from .outcome import CheckResult, Finding, Skip, Status, Violation
from .settings import Settings
from .traffic import Traffic
from .window import Window


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
    """Raise `Unreachable` unless the server answers at all."""
    client.get(PROJECT)


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
    per test session and runs each check as its own test item.
    """

    context: Context

    def check(self, check: Check) -> CheckResult:
        return run_check(check, self.context)

    def notes(self) -> list[str]:
        """What the run read, and whether the log changed since: asked at its end."""
        notes = [describe_data(self.context.discovered)]
        change = data_changed(self.context.client, self.context.discovered)
        if change:
            notes.append(change)
        return notes


@contextmanager
def opened(settings: Settings) -> Iterator[Run]:
    """Reach the server and discover its data; `Unreachable` if it does not answer."""
    client = Client(settings)
    try:
        probe(client)
        data: Dataset | Violation
        try:
            data = discover(client)
        except Violation as violation:
            data = violation
        yield Run(Context(settings, client, data))
    finally:
        client.close()


def run_suite(settings: Settings) -> Report:
    """Run the selected checks against `settings.base_url`; `Unreachable` if it does not answer."""
    started = time.monotonic()
    schema_checks, semantic = selected(settings.select)
    with opened(settings) as run:
        results = [run.check(check) for check in semantic]
        results += schema.run(settings, schema_checks)
        notes = run.notes()
    return Report(settings, tuple(results), tuple(notes), time.monotonic() - started)
