"""What a check can conclude: passed, failed with findings, or skipped with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .client import Exchange, Request
from .transport import Inconclusive

__all__ = ["CheckResult", "Finding", "Inconclusive", "Skip", "Status", "Violation"]


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    # A transient answer (429, 502-504, a dropped connection) persisted through every
    # retry: the check judged nothing, and neither passed nor failed.
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True, slots=True)
class Finding:
    """One way the implementation breaks the contract, with what reproduces it.

    `request` is the smallest request found that shows the problem; `curl` replaces it
    when the request comes from outside this package (schemathesis) already rendered.
    """

    expected: str
    got: str
    request: Request | None = None
    base_url: str = ""
    curl: str | None = None
    response: str | None = None


class Violation(Exception):
    """Raised by a check at the first broken rule; carries the exchange that shows it."""

    def __init__(self, expected: str, got: str, exchange: Exchange | None = None) -> None:
        super().__init__(f"expected {expected}; got {got}")
        self.expected = expected
        self.got = got
        self.exchange = exchange

    def finding(self) -> Finding:
        exchange = self.exchange
        if exchange is None:
            return Finding(self.expected, self.got)
        response = exchange.response
        shown = f"{response.status} {response.header('Content-Type') or '(no Content-Type)'}"
        if response.body:
            shown += f" {response.excerpt()}"
        return Finding(
            self.expected,
            self.got,
            request=exchange.request,
            base_url=exchange.base_url,
            response=shown,
        )


class Skip(Exception):
    """Raised by a check that cannot say anything about this implementation."""


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    summary: str
    status: Status
    reason: str = ""
    findings: tuple[Finding, ...] = ()
    seconds: float = 0.0
