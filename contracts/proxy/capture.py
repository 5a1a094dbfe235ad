"""One exchange as the proxy saw it pass: the request and the answer, bodies bounded.

The forwarding path fills a `Captured` and hands it on; everything that judges it works
on this value, off that path. Bodies are kept up to `MAX_BODY_BYTES` only, so a huge
answer costs the proxy a fixed amount of memory however large it is: past the bound,
the body is marked incomplete and the checks that need it are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The largest page of the audit log (200 entries with their metadata) is well under
# this; an answer beyond it is not one the contract describes.
MAX_BODY_BYTES = 1 << 20

Headers = tuple[tuple[str, str], ...]


@dataclass(slots=True)
class Body:
    """A body as it streams past: the first `limit` bytes, and whether that is all of it."""

    limit: int = MAX_BODY_BYTES
    chunks: list[bytes] = field(default_factory=list)
    size: int = 0
    # False when the body was cut (past `limit`) or its stream broke before its end.
    complete: bool = True

    def add(self, chunk: bytes) -> None:
        room = self.limit - min(self.size, self.limit)
        if len(chunk) > room:
            self.complete = False
        if room:
            self.chunks.append(chunk[:room])
        self.size += len(chunk)

    def broken(self) -> None:
        self.complete = False

    def whole(self) -> None:
        """The stream reached its end: complete, unless it went past `limit`."""
        self.complete = self.size <= self.limit

    def bytes(self) -> bytes:
        return b"".join(self.chunks)


@dataclass(frozen=True, slots=True)
class Captured:
    """A forwarded request and the answer the target gave it.

    `target` is the request's path and query string exactly as the client sent them;
    `status` is None when the target gave no answer (the connection dropped, reset or
    refused), and then the answer's fields are empty.
    """

    method: str
    target: str
    request_headers: Headers
    request_body: bytes
    status: int | None
    response_headers: Headers
    body: bytes
    body_complete: bool
    started: float
    seconds: float

    @property
    def path(self) -> str:
        return self.target.partition("?")[0]

    @property
    def raw_query(self) -> str | None:
        """The query string as sent, or None when the target had no `?`."""
        _path, mark, query = self.target.partition("?")
        return query if mark else None

    def request_header(self, name: str) -> str | None:
        return _first(self.request_headers, name)

    def response_header(self, name: str) -> str | None:
        return _first(self.response_headers, name)


def _first(headers: Headers, name: str) -> str | None:
    lowered = name.lower()
    return next((value for key, value in headers if key.lower() == lowered), None)
