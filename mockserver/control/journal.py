"""The request journal: what clients sent to the API, with their keys redacted.

The journal is on the path of every API request, and most servers are never asked for
it, so a request costs it only what arrived: an `Arrival` holding aiohttp's own parsed
values (method, URL, headers; all immutable), appended to a bounded deque, and its
outcome once answered. Copying, redacting and shaping it into a `RecordedRequest` waits
until someone reads the journal (the control API, the live stream, the dashboard), and
an answered request is shaped once. The live stream's listeners cost more only while
one is open (see `Journal.answer`).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy, MultiDict, MultiDictProxy
from yarl import URL

from mockserver.api.auth import credentials
from mockserver.domain.models import redact_key

MAX_RECORDED = 10_000
# Headers whose values are secrets: they are journaled with the secret redacted.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "x-mock-control-token"})


@dataclass(slots=True, kw_only=True)
class RecordedRequest:
    """One API request as the journal keeps it, on the server and in a client alike.

    `query` keeps every value of a repeated parameter (`query["since"]` is the first,
    `query.getall("since")` all); `headers` are case-insensitive, secrets redacted.
    It is recorded when the request arrives, so the journal is in the order clients
    sent; `status` stays None until it is answered, and for good when it is dropped.
    `duration_ms` (wall-clock time from arrival to the answer, whatever the mock clock
    says) stays None until then: with it set, the request is answered.
    """

    method: str
    path: str
    query: MultiDictProxy[str]
    headers: CIMultiDictProxy[str]
    time: int
    status: int | None = None
    faulted: bool = False
    duration_ms: float | None = None
    # The kind of the injected fault that failed it (`FaultKind`'s word), None if none.
    fault: str | None = None

    @property
    def answered(self) -> bool:
        return self.duration_ms is not None

    def to_dict(self) -> dict[str, Any]:
        query: dict[str, list[str]] = {}
        for name, value in self.query.items():
            query.setdefault(name, []).append(value)
        headers: dict[str, str] = {}
        for name in self.headers:
            if name.lower() not in (known.lower() for known in headers):
                headers[name] = ", ".join(self.headers.getall(name))
        return {
            "method": self.method,
            "path": self.path,
            "query": query,
            "headers": headers,
            "status": self.status,
            "time": self.time,
            "faulted": self.faulted,
            "durationMs": self.duration_ms,
            "fault": self.fault,
        }

    @classmethod
    def from_dict(cls, shown: dict[str, Any]) -> RecordedRequest:
        """The inverse of `to_dict`, for clients of `GET /__mock/requests`."""
        query = MultiDict((name, v) for name, values in shown["query"].items() for v in values)
        return cls(
            method=shown["method"],
            path=shown["path"],
            query=MultiDictProxy(query),
            headers=CIMultiDictProxy(CIMultiDict(shown["headers"])),
            status=shown["status"],
            time=shown["time"],
            faulted=shown["faulted"],
            duration_ms=shown.get("durationMs"),
            fault=shown.get("fault"),
        )

    @classmethod
    def of(cls, request: web.BaseRequest, *, time: int) -> RecordedRequest:
        """What the journal shows of `request` as it arrives: a copy, secrets redacted."""
        return cls.shaped(request.method, request.rel_url, request.headers, time)

    @classmethod
    def shaped(
        cls, method: str, url: URL, headers: CIMultiDictProxy[str], time: int
    ) -> RecordedRequest:
        """The journal's shape of a request's raw values: text that is valid Unicode,
        every query value kept, secrets redacted."""
        copied = CIMultiDict(
            (_text(name), _text(redact_header(name, value))) for name, value in headers.items()
        )
        query = MultiDict((_text(name), _text(value)) for name, value in url.query.items())
        return cls(
            method=_text(method),
            path=_text(url.path),
            query=MultiDictProxy(query),
            headers=CIMultiDictProxy(copied),
            time=time,
        )


class Arrival:
    """One API request as it arrived, and its outcome: what the journal keeps of it.

    It holds aiohttp's own values, which nothing changes once parsed, so recording costs
    no copy; `shown()` shapes them into a `RecordedRequest` when the journal is read.
    `status` stays None until it is answered, and for good when it is dropped;
    `duration_ms` (wall-clock time from arrival to the answer) stays None until then.
    """

    __slots__ = (
        "_shown",
        "duration_ms",
        "fault",
        "faulted",
        "headers",
        "method",
        "status",
        "time",
        "url",
    )

    def __init__(self, method: str, url: URL, headers: CIMultiDictProxy[str], time: int) -> None:
        self.method = method
        self.url = url
        self.headers = headers
        self.time = time
        self.status: int | None = None
        self.faulted = False
        # The kind of the injected fault that failed it (`FaultKind`'s word), None if none.
        self.fault: str | None = None
        self.duration_ms: float | None = None
        self._shown: RecordedRequest | None = None

    @classmethod
    def of(cls, request: web.BaseRequest, *, time: int) -> Arrival:
        return cls(request.method, request.rel_url, request.headers, time)

    @property
    def answered(self) -> bool:
        return self.duration_ms is not None

    def shown(self) -> RecordedRequest:
        """The request in the journal's shape; shaped once, when answered, then kept."""
        if self._shown is not None:
            return self._shown
        shown = RecordedRequest.shaped(self.method, self.url, self.headers, self.time)
        shown.status, shown.faulted, shown.fault = self.status, self.faulted, self.fault
        if self.duration_ms is not None:
            # Rounded here rather than on the request path: a journal nobody reads
            # should cost nothing more.
            shown.duration_ms = round(self.duration_ms, 3)
            self._shown = shown
        return shown


def _text(value: str) -> str:
    """`value` as valid Unicode: bytes a client sent that decode to nothing (kept by
    aiohttp as lone surrogates) become U+FFFD, so the journal can always be served.
    Nearly every value is ASCII, and checking that is far cheaper than re-encoding."""
    if value.isascii():
        return value
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def redact_header(name: str, value: str) -> str:
    """`Bearer alk_a_6435…` for a credential: the scheme stays, the secret does not."""
    if name.lower() not in SECRET_HEADERS:
        return value
    scheme, secret = credentials(value)
    if not secret:
        return redact_key(scheme)
    return f"{scheme} {redact_key(secret)}"


@dataclass(frozen=True, slots=True)
class Cleared:
    """The journal was emptied (a reset or `DELETE /__mock/requests`)."""


CLEARED: Final = Cleared()
JournalChange = Arrival | Cleared


class JournalListener:
    """What one live stream has still to send: the journal's changes, in order.

    A listener that falls `limit` changes behind (a client that stopped reading) is
    closed rather than left to grow: its stream ends, and a client that opens a new one
    gets the whole journal again.
    """

    def __init__(self, backlog: Iterable[JournalChange], limit: int) -> None:
        self._pending: deque[JournalChange] = deque(backlog)
        self._limit = limit
        self._ready = asyncio.Event()
        self.closed = False
        if self._pending:
            self._ready.set()

    def push(self, change: JournalChange) -> None:
        if self.closed:
            return
        if len(self._pending) >= self._limit:
            self.close()
            return
        self._pending.append(change)
        self._ready.set()

    def close(self) -> None:
        self.closed = True
        self._ready.set()

    async def next_changes(self, timeout: float) -> list[JournalChange]:
        """Every pending change, waiting up to `timeout` seconds for one (`[]` when none
        came in time); check `closed` after each call."""
        if not self._pending and not self.closed:
            try:
                await asyncio.wait_for(self._ready.wait(), timeout)
            except TimeoutError:
                return []
        self._ready.clear()
        changes = list(self._pending)
        self._pending.clear()
        return changes


class Journal:
    """The newest `MAX_RECORDED` API requests, oldest first, and the live streams of it."""

    def __init__(self, capacity: int = MAX_RECORDED) -> None:
        self._requests: deque[Arrival] = deque(maxlen=capacity)
        self._listeners: set[JournalListener] = set()
        # Requests in flight when the journal was last emptied: answered later, they
        # are in no journal, so no stream gets them.
        self._forgotten: list[Arrival] = []

    def record(self, request: Arrival) -> None:
        self._requests.append(request)

    def answer(self, request: Arrival, duration_ms: float) -> None:
        """`request` has been answered (or dropped) after `duration_ms`: the live streams
        get it now. With no stream open this is one attribute set and one test."""
        request.duration_ms = duration_ms
        if self._listeners:
            if any(forgotten is request for forgotten in self._forgotten):
                return
            for listener in self._listeners:
                listener.push(request)

    def requests(self, path: str | None = None) -> list[RecordedRequest]:
        """The journal in its shape, oldest first; only the requests to `path` if given."""
        shown = [arrival.shown() for arrival in self._requests]
        return [r for r in shown if path is None or r.path == path]

    def clear(self) -> None:
        self._forgotten = [r for r in self._requests if not r.answered]
        self._requests.clear()
        for listener in self._listeners:
            listener.push(CLEARED)

    def listen(self) -> JournalListener:
        """A listener that first gets the journal as it is (`CLEARED`, then each answered
        request) and then every change; `unlisten` it when its stream ends. Requests
        still in flight come later, when they are answered, so none comes twice."""
        backlog: list[JournalChange] = [CLEARED]
        backlog.extend(r for r in self._requests if r.answered)
        # Room for the whole journal twice over: a burst while a stream sends the
        # backlog must not close it.
        listener = JournalListener(backlog, limit=2 * (self._requests.maxlen or MAX_RECORDED))
        self._listeners.add(listener)
        return listener

    @property
    def listening(self) -> int:
        """How many live streams are open."""
        return len(self._listeners)

    def unlisten(self, listener: JournalListener) -> None:
        self._listeners.discard(listener)

    def close_listeners(self) -> None:
        """End every live stream (the server is shutting down)."""
        for listener in self._listeners:
            listener.close()
