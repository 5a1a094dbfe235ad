"""Injected faults: the next N requests to a method and path fail, wait, or are dropped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.api.errors import ApiError
from mockserver.control.security import is_control_path

ANY_METHOD = "*"
# Every injected status, with the error code and message of its envelope.
STATUSES: dict[int, tuple[str, str]] = {
    429: ("rate_limited", "Too many requests."),
    500: ("internal_error", "The server failed (injected fault)."),
    502: ("bad_gateway", "The upstream server failed (injected fault)."),
    503: ("unavailable", "The service is unavailable (injected fault)."),
    504: ("gateway_timeout", "The upstream server timed out (injected fault)."),
}
# A 429 without Retry-After would leave clients guessing; this is what they get.
DEFAULT_RETRY_AFTER_SECONDS = 1


class InvalidFault(ValueError):
    """A fault that cannot be injected; the message says why."""


@dataclass(slots=True, kw_only=True)
class Fault:
    id: int
    method: str
    path: str
    remaining: int
    status: int | None = None
    retry_after: int | None = None
    delay_ms: int = 0
    drop: bool = False

    @classmethod
    def from_request(cls, fault_id: int, body: dict[str, Any]) -> Fault:
        """A fault from a request body the control spec's schema already accepted."""
        if is_control_path(body["path"]):
            raise InvalidFault("path: faults apply to the API, never to the control API")
        status, drop = body.get("status"), body.get("drop", False)
        if status is not None and drop:
            raise InvalidFault("give either status or drop: a dropped connection has no status")
        if status is None and not drop and not body.get("delayMs"):
            raise InvalidFault("give a status, a delayMs or drop: true")
        retry_after = body.get("retryAfter")
        if status == 429 and retry_after is None:
            retry_after = DEFAULT_RETRY_AFTER_SECONDS
        if retry_after is not None and status is None:
            raise InvalidFault("retryAfter goes with a status")
        return cls(
            id=fault_id,
            method=body.get("method", "GET"),
            path=body["path"],
            remaining=body.get("count", 1),
            status=status,
            retry_after=retry_after,
            delay_ms=body.get("delayMs", 0),
            drop=drop,
        )

    def matches(self, method: str, path: str) -> bool:
        return self.path == path and self.method in (ANY_METHOD, method)

    def error(self) -> ApiError:
        """The error this fault answers with; only for faults with a status."""
        assert self.status is not None
        code, message = STATUSES[self.status]
        headers = {}
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
            message += f" Retry after {self.retry_after} seconds."
        return ApiError(self.status, code, message, headers)

    def to_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "id": self.id,
            "method": self.method,
            "path": self.path,
            "remaining": self.remaining,
            "drop": self.drop,
        }
        if self.status is not None:
            shown["status"] = self.status
        if self.retry_after is not None:
            shown["retryAfter"] = self.retry_after
        if self.delay_ms:
            shown["delayMs"] = self.delay_ms
        return shown


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
