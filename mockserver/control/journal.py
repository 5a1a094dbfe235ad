"""The request journal: what clients sent to the API, with their keys redacted.

The journal is on the path of every API request, so keeping it costs one append when a
request arrives and one timing when it is answered; the live stream's listeners cost
more only while one is open (see `Journal.answer`).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy, MultiDict, MultiDictProxy

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
        """What the journal keeps of `request` as it arrives: a copy, secrets redacted."""
        headers = CIMultiDict(
            (_text(name), _text(redact_header(name, value)))
            for name, value in request.headers.items()
        )
        query = MultiDict((_text(name), _text(value)) for name, value in request.query.items())
        return cls(
            method=_text(request.method),
            path=_text(request.path),
            query=MultiDictProxy(query),
            headers=CIMultiDictProxy(headers),
            time=time,
        )


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
JournalChange = RecordedRequest | Cleared


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
        self._requests: deque[RecordedRequest] = deque(maxlen=capacity)
        self._listeners: set[JournalListener] = set()
        # Requests in flight when the journal was last emptied: answered later, they
        # are in no journal, so no stream gets them.
        self._forgotten: list[RecordedRequest] = []

    def record(self, request: RecordedRequest) -> None:
        self._requests.append(request)

    def answer(self, request: RecordedRequest, duration_ms: float) -> None:
        """`request` has been answered (or dropped) after `duration_ms`: the live streams
        get it now. With no stream open this is one attribute set and one test."""
        request.duration_ms = duration_ms
        if self._listeners:
            if any(forgotten is request for forgotten in self._forgotten):
                return
            for listener in self._listeners:
                listener.push(request)

    def requests(self, path: str | None = None) -> list[RecordedRequest]:
        return [r for r in self._requests if path is None or r.path == path]

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
