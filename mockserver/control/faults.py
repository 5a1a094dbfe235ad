"""The control API's faults: the next N requests to a method and path fail as one says.

How each kind fails a request is `api/injection.py`, shared with `--chaos`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.api.errors import ApiError
from mockserver.api.injection import (
    DEFAULT_RETRY_AFTER_SECONDS,
    STATUSES,
    FaultKind,
    Injection,
    status_injection,
)
from mockserver.control.security import is_control_path

ANY_METHOD = "*"
# The kinds a body names with `kind`: the others follow from `status`, `drop`, `delayMs`.
NAMED_KINDS = frozenset({FaultKind.RESET, FaultKind.TRUNCATED, FaultKind.MALFORMED, FaultKind.SLOW})


class InvalidFault(ValueError):
    """A fault that cannot be injected; the message says why."""


@dataclass(slots=True, kw_only=True)
class Fault:
    """A fault of the control API: which requests it matches, how many more, what it does."""

    id: int
    method: str
    path: str
    remaining: int
    injection: Injection

    @classmethod
    def from_request(cls, fault_id: int, body: dict[str, Any]) -> Fault:
        """A fault from a request body the control spec's schema already accepted."""
        if is_control_path(body["path"]):
            raise InvalidFault("path: faults apply to the API, never to the control API")
        return cls(
            id=fault_id,
            method=body.get("method", "GET"),
            path=body["path"],
            remaining=body.get("count", 1),
            injection=_injection(body),
        )

    @property
    def kind(self) -> FaultKind:
        return self.injection.kind

    def matches(self, method: str, path: str) -> bool:
        return self.path == path and self.method in (ANY_METHOD, method)

    def error(self) -> ApiError:
        """The error this fault answers with; only for faults with a status."""
        return self.injection.error()

    def to_dict(self) -> dict[str, Any]:
        injection = self.injection
        shown: dict[str, Any] = {
            "id": self.id,
            "method": self.method,
            "path": self.path,
            "remaining": self.remaining,
            "kind": injection.kind.value,
            "drop": injection.kind is FaultKind.DROP,
        }
        if injection.status is not None:
            shown["status"] = injection.status
        if injection.retry_after is not None:
            shown["retryAfter"] = injection.retry_after
        if injection.delay_ms:
            shown["delayMs"] = injection.delay_ms
        if injection.slow_ms:
            shown["slowMs"] = injection.slow_ms
        return shown


def _injection(body: dict[str, Any]) -> Injection:
    """What the fault does: one of `kind`, `status` or `drop`, or only a delay."""
    status, drop, named = body.get("status"), body.get("drop", False), body.get("kind")
    given = [word for word, value in (("kind", named), ("status", status), ("drop", drop)) if value]
    if len(given) > 1:
        raise InvalidFault(f"give either status or drop or a kind, not {' and '.join(given)}")
    delay_ms, slow_ms = body.get("delayMs", 0), body.get("slowMs")
    if (slow_ms is not None) != (named == FaultKind.SLOW):
        raise InvalidFault("slowMs goes with kind slow, and kind slow needs it")
    retry_after = body.get("retryAfter")
    if retry_after is not None and status is None:
        raise InvalidFault("retryAfter goes with a status")
    if status is not None:
        injection = status_injection(status, retry_after)
        return Injection(
            kind=injection.kind, status=status, retry_after=injection.retry_after, delay_ms=delay_ms
        )
    if drop:
        return Injection(kind=FaultKind.DROP, delay_ms=delay_ms)
    if named is not None:
        return Injection(kind=FaultKind(named), delay_ms=delay_ms, slow_ms=slow_ms or 0)
    if not delay_ms:
        raise InvalidFault("give a status, a kind, a delayMs or drop: true")
    return Injection(kind=FaultKind.DELAY, delay_ms=delay_ms)


class FaultTable:
    """Active faults in the order they were added; the first that matches a request wins."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._next_id = 1

    def add(self, body: dict[str, Any]) -> Fault:
        fault = Fault.from_request(self._next_id, body)
        self._next_id += 1
        self._faults.append(fault)
        return fault

    def __bool__(self) -> bool:
        """Whether any fault is active: with none, a request need not be matched."""
        return bool(self._faults)

    def take(self, method: str, path: str) -> Fault | None:
        """The fault for this request, counted as used; None when no fault matches."""
        for fault in self._faults:
            if fault.matches(method, path):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return fault
        return None

    def active(self) -> list[Fault]:
        return list(self._faults)

    def clear(self) -> None:
        self._faults.clear()


__all__ = [
    "ANY_METHOD",
    "DEFAULT_RETRY_AFTER_SECONDS",
    "STATUSES",
    "Fault",
    "FaultTable",
    "InvalidFault",
]
