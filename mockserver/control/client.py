"""`MockApi`: a running mock server, driven from Python through its control API.

This is the object the pytest plugin's fixtures yield; it works without pytest too:

>>> with ThreadedServer(create_app()) as server:
...     mock_api = MockApi(server.url)
...     mock_api.clock.freeze()

Every method is one blocking HTTP call to the server, which runs on its own thread
and loop (or in its own process): safe from synchronous and from async tests alike.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from mockserver.control.journal import RecordedRequest
from mockserver.control.security import CONTROL_PREFIX, TOKEN_HEADER
from mockserver.spec.text import shorten

# Characters of an answer that is not the error envelope (a proxy's page, say) kept in
# the `ControlError`: enough to tell what answered.
SHOWN_BODY_CHARS = 200


class ControlError(Exception):
    """The control API refused a call; `code` and `message` come from its error envelope."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


class MockClock:
    """The mock server's clock: new events take their time from it, the counts cache runs on it."""

    def __init__(self, mock_api: MockApi) -> None:
        self._mock_api = mock_api

    def now_ms(self) -> int:
        """The mock's now, in Unix milliseconds."""
        now: int = self._mock_api.call("GET", "clock")["now"]
        return now

    def time(self) -> float:
        """The mock's now in seconds, like `time.time()`: hand it to a client as its clock."""
        return self.now_ms() / 1000

    def freeze(self) -> None:
        """Stop the clock at its now."""
        self._mock_api.call("POST", "clock", {"freeze": True})

    def set(self, unix_ms: int) -> None:
        """Move the clock to an instant; frozen, it stays frozen there."""
        self._mock_api.call("POST", "clock", {"set": unix_ms})

    def advance(self, seconds: float) -> None:
        """Move the clock forward, e.g. `advance(61)` past the 60-second cache of the counts."""
        self._mock_api.call("POST", "clock", {"advance": round(seconds * 1000)})

    def real(self) -> None:
        """Follow real time again."""
        self._mock_api.call("POST", "clock", {"real": True})


class MockApi:
    """A running mock: its URL and keys, its clock, its world, its journal and its faults."""

    def __init__(
        self,
        url: str,
        *,
        control_token: str | None = None,
        timeout: float = 30.0,
        before_reset: Callable[[MockApi], None] | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self._token = control_token
        self._timeout = timeout
        self._before_reset = before_reset
        # The mock is reached directly, whatever proxy the environment configures.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self.clock = MockClock(self)
        self.keys: list[dict[str, str]] = self.call("GET", "keys")["data"]

    def _key(self, project_index: int, role: str) -> str:
        projects = list(dict.fromkeys(key["project"] for key in self.keys))
        if project_index >= len(projects):
            raise LookupError(f"the mock's world has {len(projects)} project(s)")
        project = projects[project_index]
        return next(k["key"] for k in self.keys if k["project"] == project and k["role"] == role)

    @property
    def admin_key(self) -> str:
        """An admin key of the first project."""
        return self._key(0, "admin")

    @property
    def member_key(self) -> str:
        """A member key of the first project (403 on the audit log)."""
        return self._key(0, "member")

    @property
    def other_admin_key(self) -> str:
        """An admin key of the second project: it must never see the first one's entries."""
        return self._key(1, "admin")

    def add_events(
        self, entries: Iterable[Mapping[str, Any]], project: str | None = None
    ) -> list[dict[str, Any]]:
        """Append entries to a project's audit log (the first project by default; else its
        id or slug) and return them as stored, with `id` and `timestamp` filled in."""
        body: dict[str, Any] = {"events": list(entries)}
        if project is not None:
            body["project"] = project
        stored: list[dict[str, Any]] = self.call("POST", "events", body)["data"]
        return stored

    @property
    def requests(self) -> list[RecordedRequest]:
        """The API requests the server received, newest last (see `RecordedRequest`)."""
        shown = self.call("GET", "requests")["data"]
        return [RecordedRequest.from_dict(item) for item in shown]

    def clear_requests(self) -> None:
        self.call("DELETE", "requests")

    def fail_next(
        self,
        path: str,
        status: int | None = 503,
        count: int = 1,
        retry_after: int | None = None,
        delay_ms: int | None = None,
        *,
        method: str = "GET",
        drop: bool = False,
    ) -> dict[str, Any]:
        """Make the next `count` requests to `method path` fail, and return the fault.

        They wait `delay_ms`, then lose their connection (`drop=True`) or get `status`
        (429, 500, 502, 503 or 504; a 429 carries `Retry-After: retry_after`, 1 by
        default). With `status=None` and a delay, they are served normally, late.
        """
        body: dict[str, Any] = {"path": path, "method": method, "count": count}
        if drop:
            body["drop"] = True
        elif status is not None:
            body["status"] = status
        return self._add_fault(body, retryAfter=retry_after, delayMs=delay_ms)

    def add_fault(
        self,
        path: str,
        kind: str,
        count: int = 1,
        *,
        slow_ms: int | None = None,
        delay_ms: int | None = None,
        method: str = "GET",
    ) -> dict[str, Any]:
        """Break the next `count` answers to `method path` as `kind` says; return the fault.

        `truncated`: the connection closes mid-JSON; `malformed`: the whole answer
        arrives, its JSON cut in half; `slow`: the body trickles over `slow_ms`
        (for read timeouts); `reset`: the connection is reset. See `POST /__mock/faults`.
        """
        body: dict[str, Any] = {"path": path, "method": method, "count": count, "kind": kind}
        return self._add_fault(body, slowMs=slow_ms, delayMs=delay_ms)

    def _add_fault(self, body: dict[str, Any], **optional: int | None) -> dict[str, Any]:
        """`POST /__mock/faults` with `body` and the optional fields that were given."""
        body.update({name: value for name, value in optional.items() if value is not None})
        fault: dict[str, Any] = self.call("POST", "faults", body)["data"]
        return fault

    @property
    def faults(self) -> list[dict[str, Any]]:
        """The faults still waiting for requests."""
        active: list[dict[str, Any]] = self.call("GET", "faults")["data"]
        return active

    def clear_faults(self) -> None:
        self.call("DELETE", "faults")

    def reset(self) -> None:
        """Back to the seeded world and the starting clock; journal, faults, coverage cleared."""
        if self._before_reset is not None:
            self._before_reset(self)
        self.call("POST", "reset")

    def coverage(self) -> dict[str, Any]:
        """What clients exercised since the last reset (see `GET /__mock/coverage`)."""
        report: dict[str, Any] = self.call("GET", "coverage")
        return report

    def call(self, method: str, endpoint: str, body: Any = None) -> Any:
        """One call of the control API: `endpoint` is the path after `/__mock/`."""
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self._token is not None:
            headers[TOKEN_HEADER] = self._token
        request = urllib.request.Request(
            self.url + CONTROL_PREFIX + endpoint, data=data, headers=headers, method=method
        )
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                content = response.read()
        except urllib.error.HTTPError as error:
            raise _control_error(error.code, error.read()) from None
        return json.loads(content) if content else None


def _control_error(status: int, content: bytes) -> ControlError:
    try:
        error = json.loads(content)["error"]
        return ControlError(status, str(error["code"]), str(error["message"]))
    except (ValueError, KeyError, TypeError):
        return ControlError(
            status, "unknown", shorten(content.decode("utf-8", "replace"), SHOWN_BODY_CHARS)
        )
