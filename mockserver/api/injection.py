"""Injected faults, carried out: each kind of failure a client can meet, done to a request.

Both the control API's faults (`POST /__mock/faults`) and the `--chaos` and `--latency`
flags fail requests the same ways, so the ways live here, below both: the control API
may import the API, never the other way round, and chaos works with the control API off.

The kinds, and what a client sees:

- `status`: an error status (429, 500, 502, 503, 504) with the error envelope; a 429
  always carries `Retry-After`.
- `drop`: the connection closes without an answer (a graceful close, FIN).
- `reset`: the connection is reset (RST), as by a crashed server or a firewall.
- `truncated`: the real answer's status and headers, `Content-Length` of the whole
  body, half the body, then the connection closes: the JSON ends mid-way.
- `malformed`: the real answer's status and headers, with half its JSON as the whole
  body (a strict prefix of a JSON object is never valid JSON): invalid JSON, delivered.
- `slow`: the real answer, its body trickling in `SLOW_CHUNKS` pieces over `slow_ms`.
- `delay`: the real answer, after `delay_ms` (any other kind may wait first, too).
"""

from __future__ import annotations

import asyncio
import enum
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Handler

from mockserver.api.errors import ApiError, error_response

# Every injectable status, with the error code and message of its envelope.
STATUSES: dict[int, tuple[str, str]] = {
    429: ("rate_limited", "Too many requests."),
    500: ("internal_error", "The server failed (injected fault)."),
    502: ("bad_gateway", "The upstream server failed (injected fault)."),
    503: ("unavailable", "The service is unavailable (injected fault)."),
    504: ("gateway_timeout", "The upstream server timed out (injected fault)."),
}
# A 429 without Retry-After would leave clients guessing; this is what they get.
DEFAULT_RETRY_AFTER_SECONDS = 1
# nginx's code for "closed the connection without a response": what the access log
# shows for a dropped or reset request, which no client ever receives.
DROPPED_STATUS = 444
# A slow body arrives in this many pieces (fewer when it is shorter), evenly spaced.
SLOW_CHUNKS = 10
# SO_LINGER on with a timeout of 0: closing the socket sends RST instead of FIN.
_RESET_ON_CLOSE = struct.pack("ii", 1, 0)


class FaultKind(enum.StrEnum):
    """How an injected fault fails a request; the journal shows it as `fault`."""

    STATUS = "status"
    DELAY = "delay"
    DROP = "drop"
    RESET = "reset"
    TRUNCATED = "truncated"
    MALFORMED = "malformed"
    SLOW = "slow"


# Told of each fault before it acts (the control API's journal marks the request).
FaultListener = Callable[[web.Request, FaultKind], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class Injection:
    """One fault to do to one request: its kind, and how long it waits or trickles."""

    kind: FaultKind
    status: int | None = None
    retry_after: int | None = None
    delay_ms: int = 0
    slow_ms: int = 0

    def error(self) -> ApiError:
        """The error a `status` fault answers with."""
        assert self.status is not None
        code, message = STATUSES[self.status]
        headers = {}
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
            message += f" Retry after {self.retry_after} seconds."
        return ApiError(self.status, code, message, headers)


def status_injection(status: int, retry_after: int | None = None) -> Injection:
    """A `status` fault; a 429 gets `Retry-After` even when none is given."""
    if status == 429 and retry_after is None:
        retry_after = DEFAULT_RETRY_AFTER_SECONDS
    return Injection(kind=FaultKind.STATUS, status=status, retry_after=retry_after)


async def inject(
    request: web.Request, handler: Handler, injection: Injection
) -> web.StreamResponse:
    """Answer `request` as `injection` says: wait, then fail, break or serve it."""
    if injection.delay_ms:
        await asyncio.sleep(injection.delay_ms / 1000)
    kind = injection.kind
    if kind is FaultKind.STATUS:
        return error_response(injection.error())
    if kind in (FaultKind.DROP, FaultKind.RESET):
        _close(request, reset=kind is FaultKind.RESET)
        # aiohttp finds the transport closed when it writes this, and moves on.
        return web.Response(status=DROPPED_STATUS)
    response = await handler(request)
    if kind is FaultKind.DELAY or not isinstance(response, web.Response):
        return response
    body = response.body if isinstance(response.body, bytes) else b""
    if kind is FaultKind.MALFORMED:
        response.body = body[: len(body) // 2] if len(body) > 1 else b"{"
        return response
    if kind is FaultKind.TRUNCATED:
        return await _truncated(request, response, body)
    return await _trickled(request, response, body, injection.slow_ms)


def _close(request: web.Request, *, reset: bool) -> None:
    transport = request.transport
    if transport is None:
        return
    if reset:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RESET_ON_CLOSE)
        transport.abort()
    else:
        transport.close()


def _streamed(response: web.Response, length: int) -> web.StreamResponse:
    """A stream with `response`'s status and headers, promising `length` bytes."""
    stream = web.StreamResponse(status=response.status, reason=response.reason)
    stream.headers.update(response.headers)
    stream.content_length = length
    return stream


async def _truncated(
    request: web.Request, response: web.Response, body: bytes
) -> web.StreamResponse:
    stream = _streamed(response, len(body))
    await stream.prepare(request)
    await stream.write(body[: len(body) // 2])
    # close() sends what is buffered first, then FIN: the client gets half the promise.
    _close(request, reset=False)
    return stream


async def _trickled(
    request: web.Request, response: web.Response, body: bytes, slow_ms: int
) -> web.StreamResponse:
    stream = _streamed(response, len(body))
    await stream.prepare(request)
    pieces = max(1, min(SLOW_CHUNKS, len(body)))
    size = -(-len(body) // pieces)
    try:
        for start in range(0, len(body), size):
            await asyncio.sleep(slow_ms / 1000 / pieces)
            await stream.write(body[start : start + size])
        await stream.write_eof()
    except ConnectionError:
        pass  # the client gave up waiting (a read timeout): what this fault is for
    return stream


__all__ = [
    "DEFAULT_RETRY_AFTER_SECONDS",
    "DROPPED_STATUS",
    "STATUSES",
    "FaultKind",
    "FaultListener",
    "Injection",
    "inject",
    "status_injection",
]
