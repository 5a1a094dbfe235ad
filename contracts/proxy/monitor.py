"""Judging the exchanges off the forwarding path, and keeping the tally of a run.

The forwarding path only queues each exchange (`submit`, which never blocks: when the
queue is full the exchange is counted as unchecked and passed on unjudged); a thread of
its own judges them in order, reports each violation as one line the moment it is
found, and keeps the counts the summary is made of. Memory stays bounded whatever the
traffic: the queue, the findings kept per check and the history are all capped.
"""

from __future__ import annotations

import queue
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import curl
from ..outcome import Finding
from .capture import Captured
from .coverage import Coverage
from .history import History, cache_period
from .judge import RULES, TRANSIENT, Breach, judge, token_of
from .operations import Operations, operations
from .redaction import Redactor

MAX_QUEUED = 1024
# Findings kept per check for the reports; every violation is still counted and printed.
MAX_FINDINGS = 3
BY_CLIENT = frozenset(rule.name for rule in RULES if rule.by_client)


@dataclass(slots=True)
class Tally:
    """One check over the run: how many exchanges it judged, how many broke it."""

    judged: int = 0
    violations: int = 0
    findings: list[Finding] = field(default_factory=list)


def violation_line(check: str, finding: Finding) -> str:
    """The line printed as a violation is found: check, expectation, answer, reproduction."""
    side = "client" if check in BY_CLIENT else "target"
    line = f"violation ({side}) {check}: expected {finding.expected}; got {finding.got}"
    return f"{line}; reproduce: {finding.curl}" if finding.curl else line


class Monitor:
    """Judges what the proxy forwards; `report` gets one line per violation as it is found."""

    def __init__(
        self,
        target: str,
        report: Callable[[str], None],
        redactor: Redactor | None = None,
        spec: Operations | None = None,
    ) -> None:
        self.target = target.rstrip("/")
        self.report = report
        self.redactor = redactor or Redactor()
        self.operations = spec or operations()
        self.tallies = {rule.name: Tally() for rule in RULES}
        self.coverage = Coverage(self.operations)
        self.history = History()
        self.exchanges = 0
        self.unchecked = 0
        # Exchanges whose judging raised: a defect of the proxy, reported as it happens.
        self.failures = 0
        self.started = time.monotonic()
        self._queue: queue.Queue[Captured | None] = queue.Queue(MAX_QUEUED)
        self._thread = threading.Thread(target=self._work, name="contracts-judge", daemon=True)

    def submit(self, captured: Captured) -> None:
        """Queue an exchange for judging; never waits (a full queue leaves it unchecked)."""
        try:
            self._queue.put_nowait(captured)
        except queue.Full:
            self.unchecked += 1

    def start(self) -> Monitor:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Judge what is queued, then stop."""
        self._queue.put(None)
        self._thread.join()

    def __enter__(self) -> Monitor:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _work(self) -> None:
        while (captured := self._queue.get()) is not None:
            # Let the forwarding thread have the interpreter between two exchanges: it
            # would otherwise wait up to a switch interval (5 ms) for each answer it sends.
            time.sleep(0)
            try:
                self.record(captured)
            except Exception as error:  # one odd exchange must not stop the judging
                self.failures += 1
                where = traceback.extract_tb(error.__traceback__)[-1]
                self.report(
                    f"contracts proxy: judging {captured.method} {captured.path} failed "
                    f"({type(error).__name__}: {error} at {where.name}:{where.lineno}); "
                    "please report it"
                )

    def annotate(self, captured: Captured) -> list[str]:
        """The checks one exchange breaks by itself, for `X-Contract-Violations`."""
        return sorted({breach.check for breach in judge(captured, self.operations).breaches})

    def record(self, captured: Captured) -> None:
        """Judge one exchange, alone and against the history, and count what it showed."""
        self.exchanges += 1
        verdict = judge(captured, self.operations)
        self.coverage.add(captured, verdict.reading, captured.status in TRANSIENT)
        breaches = list(verdict.breaches)
        judged = set(verdict.judged)
        key = token_of(captured.request_header("Authorization")) or ""
        if verdict.page is not None and verdict.query is not None:
            compared, breach = self.history.page(key, verdict.query, verdict.page, captured.started)
            if compared:
                judged.add("audit.repeatable")
            if breach is not None:
                breaches.append(breach)
        if verdict.counts is not None:
            period = cache_period(
                captured.response_header("Age"), captured.response_header("Cache-Control")
            )
            judged.add("project.stable-counts")
            breach = self.history.counts(key, verdict.counts, period, captured.started)
            if breach is not None:
                breaches.append(breach)
        for name in judged:
            self.tallies[name].judged += 1
        for breach in breaches:
            self._found(captured, breach)

    def _found(self, captured: Captured, breach: Breach) -> None:
        finding = self.finding(captured, breach)
        tally = self.tallies[breach.check]
        tally.violations += 1
        if len(tally.findings) < MAX_FINDINGS:
            tally.findings.append(finding)
        self.report(violation_line(breach.check, finding))

    def finding(self, captured: Captured, breach: Breach) -> Finding:
        """The violation with its reproduction, sent to the target directly; keys redacted."""
        redactor = self.redactor
        command = curl.render(
            captured.method.upper(),
            self.target + captured.target,
            authorization=redactor.authorization(captured.request_header("Authorization")),
            headers=dict(captured.request_headers),
            body=captured.request_body or None,
            hidden=redactor.hidden,
        )
        response = None
        if captured.status is not None:
            kind = captured.response_header("Content-Type") or "(no Content-Type)"
            excerpt = captured.body[:300].decode("utf-8", "replace")
            response = f"{captured.status} {kind} {excerpt}".strip()
        return Finding(
            expected=redactor.text(breach.expected),
            got=redactor.text(breach.got),
            curl=redactor.text(command),
            response=redactor.text(response) if response is not None else None,
        )
