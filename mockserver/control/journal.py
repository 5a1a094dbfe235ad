"""The request journal: what clients sent to the API, with their keys redacted."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

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
    """

    method: str
    path: str
    query: MultiDictProxy[str]
    headers: CIMultiDictProxy[str]
    time: int
    status: int | None = None
    faulted: bool = False
    # The kind of the injected fault that failed it (`FaultKind`'s word), None if none.
    fault: str | None = None

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


class Journal:
    """The newest `MAX_RECORDED` API requests, oldest first."""

    def __init__(self, capacity: int = MAX_RECORDED) -> None:
        self._requests: deque[RecordedRequest] = deque(maxlen=capacity)

    def record(self, request: RecordedRequest) -> None:
        self._requests.append(request)

    def requests(self, path: str | None = None) -> list[RecordedRequest]:
        return [r for r in self._requests if path is None or r.path == path]

    def clear(self) -> None:
        self._requests.clear()
