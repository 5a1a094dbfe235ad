"""A small client of the Audit Log & Project API: the kind of code the mock helps test.

- `AuditLogClient` sends authenticated requests; it retries a 429 or a 503 after the
  `Retry-After` they carry, and other 5xx, dropped or reset connections, bodies cut
  short and timeouts (a slow body included) after a short backoff; a body that arrives
  whole but is not JSON is an `ApiError` with the code `invalid_json`, not retried
  (the server answered, wrongly); it keeps the project's counts as long as
  `Cache-Control: max-age` allows and reads them again afterwards.
- `Poller` returns each new audit-log entry once, oldest first, using `since`.

Time is injected (`sleep`, `now`) so that tests neither wait nor depend on the wall
clock: hand it the mock's clock and both sides agree on what time it is.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
# What a request that got no whole answer raises: each is retried after a backoff.
BROKEN_ANSWERS = (urllib.error.URLError, ConnectionError, TimeoutError, http.client.IncompleteRead)


class ApiError(Exception):
    """An error answer of the API: its status, and its `error.code` and `error.message`."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


class AuditLogClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        max_retries: int = 3,
        timeout: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.max_retries = max_retries
        self.timeout = timeout
        self.sleep = sleep
        self.now = now
        self._project: dict[str, Any] | None = None
        self._project_fresh_until = 0.0
        # Straight to the server, whatever proxy the environment sets.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def entries(
        self,
        *,
        since: int | None = None,
        action: str | None = None,
        user_id: str | None = None,
        limit: int | None = None,
    ) -> dict[str, Any]:
        """One page of the audit log, newest first: `{"data", "total", "hasMore"}`."""
        params = {"since": since, "action": action, "userId": user_id, "limit": limit}
        page: dict[str, Any] = self._get("/api/v1/audit-log", params)[0]
        return page

    def project(self) -> dict[str, Any]:
        """The project and its counts; the counts are cached by the API, so are they here."""
        if self._project is None or self.now() >= self._project_fresh_until:
            body, headers = self._get("/api/v1/project", {})
            self._project = body["data"]
            self._project_fresh_until = self.now() + _max_age(headers.get("Cache-Control", ""))
        return self._project

    def _get(self, path: str, params: dict[str, Any]) -> tuple[Any, http.client.HTTPMessage]:
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        url = f"{self.base_url}{path}?{query}" if query else self.base_url + path
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {self.api_key}"})
        for attempt in range(self.max_retries + 1):
            last_attempt = attempt == self.max_retries
            try:
                with self._opener.open(request, timeout=self.timeout) as response:
                    content = response.read()
                    return _json(response.status, content), response.headers
            except urllib.error.HTTPError as error:
                if error.code not in RETRIED_STATUSES or last_attempt:
                    raise _api_error(error) from None
                retry_after = error.headers.get("Retry-After")
                wait = int(retry_after) if retry_after else _backoff(attempt)
            except BROKEN_ANSWERS:
                # Dropped or reset connections, bodies cut short, timeouts: the answer
                # never arrived whole, so the request may not have been served.
                if last_attempt:
                    raise
                wait = _backoff(attempt)
            self.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")


class Poller:
    """Each new entry of the audit log once, oldest first.

    `since` is strict (entries *after* it), and several entries may share a
    millisecond: asking from the newest timestamp seen would miss those recorded in
    that millisecond after the previous poll. So the poller asks from one millisecond
    earlier and skips, by id, the entries of that millisecond it already returned.
    """

    def __init__(self, client: AuditLogClient, *, since: int | None = None) -> None:
        self.client = client
        self.newest = since
        self._seen_at_newest: set[str] = set()
        # Entries a poll could not return: more arrived than one page holds, and the
        # API has no cursor to page back with. Poll more often when this grows.
        self.missed = 0

    def poll(self, page_size: int = 200) -> list[dict[str, Any]]:
        since = None if self.newest is None else max(self.newest - 1, 0)
        page = self.client.entries(since=since, limit=page_size)
        new = [e for e in reversed(page["data"]) if e["id"] not in self._seen_at_newest]
        if since is not None:
            # `total` also counts the entries of the newest millisecond already seen.
            seen_again = len(page["data"]) - len(new)
            self.missed += (
                page["total"] - len(page["data"]) - (len(self._seen_at_newest) - seen_again)
            )
        if new:
            newest = new[-1]["timestamp"]
            if newest != self.newest:
                self.newest, self._seen_at_newest = newest, set()
            self._seen_at_newest.update(e["id"] for e in new if e["timestamp"] == newest)
        return new


def _json(status: int, content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError as error:
        raise ApiError(status, "invalid_json", f"the answer is not JSON ({error})") from None


def _max_age(cache_control: str) -> int:
    for directive in cache_control.split(","):
        name, _, value = directive.strip().partition("=")
        if name.lower() == "max-age" and value.isdigit():
            return int(value)
    return 0


def _backoff(attempt: int) -> float:
    return 0.5 * 2.0**attempt


def _api_error(error: urllib.error.HTTPError) -> ApiError:
    try:
        envelope = json.loads(error.read())["error"]
        return ApiError(error.code, envelope["code"], envelope["message"])
    except (ValueError, KeyError, TypeError):
        return ApiError(error.code, "unknown", str(error.reason))
