"""Forwarding one request to the target and its answer back, unchanged, as it streams.

Method, path and query string (byte for byte, as the client sent them), headers except
the hop-by-hop ones, body, status and headers of the answer all pass as they are; the
answer's body is written to the client as it arrives. What passed is captured (bodies
bounded, see `capture.py`) and handed to `on_exchange`, which must only queue it: the
checks run elsewhere and never delay an answer. The one exception is `annotate`, asked
for with `--annotate`: the answer is then read whole before it is sent, to carry the
violations found in it.

Where the target breaks an exchange, the client sees the same break: a connection the
target drops or resets before answering is dropped or reset, and a body it cuts short
is cut short. A target that cannot be reached at all gets the client a 502.
"""

from __future__ import annotations

import socket
import struct
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass

import aiohttp
from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from ..tls import certificate_failure
from .capture import MAX_BODY_BYTES, Body, Captured, Headers

# Headers that belong to one connection, not to the message (RFC 9110, 7.6.1), and
# `Host`, which names the target once the request is forwarded.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
    }
)
# The header `--annotate` adds to an answer: the checks it broke, comma-separated.
ANNOTATION = "X-Contract-Violations"
# SO_LINGER on with a timeout of 0: closing the socket sends RST instead of FIN.
_RESET_ON_CLOSE = struct.pack("ii", 1, 0)
# What the access log of a proxy shows for a request answered with nothing.
NO_ANSWER = 444

Annotate = Callable[[Captured], Sequence[str]]


def forwarded_headers(headers: CIMultiDictProxy[str], extra: Headers = ()) -> CIMultiDict[str]:
    """`headers` without the hop-by-hop ones (and those `Connection` names), plus `extra`,
    which replace any header of the same name."""
    named = {
        token.strip().lower()
        for value in headers.getall("Connection", ())
        for token in value.split(",")
    }
    kept = CIMultiDict(
        (name, value)
        for name, value in headers.items()
        if name.lower() not in HOP_BY_HOP and name.lower() not in named
    )
    for name, value in extra:
        kept[name] = value
    return kept


@dataclass(frozen=True, slots=True)
class Forwarder:
    """The proxy's request handler: forwards to `target` (a base URL, path prefix allowed)."""

    target: str
    session: aiohttp.ClientSession
    on_exchange: Callable[[Captured], None]
    headers: Headers = ()
    annotate: Annotate | None = None
    # Told, in one line, of each request the target could not be reached for.
    on_problem: Callable[[str], None] | None = None

    async def __call__(self, request: web.BaseRequest) -> web.StreamResponse:
        started = time.monotonic()
        raw = request.raw_path
        if not raw.startswith("/"):
            # Absolute-form or `*`: a request for a forward proxy, which this is not.
            return web.Response(status=400, text="contracts proxy: origin-form requests only\n")
        sent = forwarded_headers(request.headers, self.headers)
        request_body = Body()
        data = _streamed(request.content, request_body) if request.body_exists else None
        url = URL(self.target + raw, encoded=True)
        status: int | None = None
        answer_headers: Headers = ()
        body = Body()
        try:
            try:
                upstream = await self.session.request(
                    request.method, url, headers=sent, data=data, allow_redirects=False
                )
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as error:
                if isinstance(error, aiohttp.ClientConnectorError):
                    return self._unreachable(request, error)
                # The target took the request and closed without an answer: so do we.
                close(request, reset=_was_reset(error))
                return web.Response(status=NO_ANSWER)
            except (TimeoutError, aiohttp.ClientError) as error:
                return self._unreachable(request, error)
            status = upstream.status
            answer_headers = tuple(upstream.headers.items())
            try:
                return await self._relay(request, upstream, body)
            finally:
                upstream.release()
        finally:
            self.on_exchange(
                Captured(
                    method=request.method,
                    target=raw,
                    request_headers=tuple(request.headers.items()),
                    request_body=request_body.bytes(),
                    status=status,
                    response_headers=answer_headers,
                    body=body.bytes(),
                    body_complete=body.complete and request_body.complete,
                    started=started,
                    seconds=time.monotonic() - started,
                )
            )

    def _unreachable(self, request: web.BaseRequest, error: BaseException) -> web.Response:
        """A 502 naming why the target could not be reached (a certificate, in one line)."""
        host = URL(self.target).host or self.target
        if isinstance(error, aiohttp.ClientConnectorCertificateError):
            # aiohttp's error claims to be an SSLCertVerificationError without its
            # fields; the ssl module's own error, which it wraps, has them.
            error = error.certificate_error
        problem = certificate_failure(error, host)
        reason = str(problem) if problem is not None else str(error) or type(error).__name__
        line = f"contracts proxy: the target did not answer {request.method} {request.path}: "
        if self.on_problem is not None:
            self.on_problem(line + reason)
        return web.Response(status=502, text=line + reason + "\n", headers={"Connection": "close"})

    async def _relay(
        self, request: web.BaseRequest, upstream: aiohttp.ClientResponse, body: Body
    ) -> web.StreamResponse:
        # Marked whole only once it is: a client that goes away cancels this handler.
        body.broken()
        response = web.StreamResponse(status=upstream.status, reason=upstream.reason)
        response.headers.extend(forwarded_headers(upstream.headers))
        chunks: AsyncIterator[bytes] = upstream.content.iter_any()
        if self.annotate is not None:
            chunks = await self._annotated(request, upstream, response, chunks)
        try:
            await response.prepare(request)
            async for chunk in chunks:
                body.add(chunk)
                await response.write(chunk)
        except aiohttp.ClientPayloadError:
            # The target cut its body short: the client gets the same cut.
            close(request, reset=False)
            return response
        except ConnectionError:
            # The client went away mid-body; the target's connection is not reused.
            upstream.close()
            return response
        await response.write_eof()
        body.whole()
        return response

    async def _annotated(
        self,
        request: web.BaseRequest,
        upstream: aiohttp.ClientResponse,
        response: web.StreamResponse,
        chunks: AsyncIterator[bytes],
    ) -> AsyncIterator[bytes]:
        """Read the answer whole (up to the capture bound), judge it, name what it broke."""
        assert self.annotate is not None
        held = Body()
        async for chunk in chunks:
            held.add(chunk)
            if not held.complete:
                break
        if held.complete:
            captured = Captured(
                method=request.method,
                target=request.raw_path,
                request_headers=tuple(request.headers.items()),
                request_body=b"",
                status=upstream.status,
                response_headers=tuple(upstream.headers.items()),
                body=held.bytes(),
                body_complete=True,
                started=time.monotonic(),
                seconds=0.0,
            )
            broken = self.annotate(captured)
            if broken:
                response.headers[ANNOTATION] = ", ".join(broken)
        return _replayed(held.chunks, chunks if not held.complete else None)


async def _replayed(first: list[bytes], rest: AsyncIterator[bytes] | None) -> AsyncIterator[bytes]:
    for chunk in first:
        yield chunk
    if rest is not None:
        async for chunk in rest:
            yield chunk


async def _streamed(content: aiohttp.StreamReader, body: Body) -> AsyncIterator[bytes]:
    """The request's body as it arrives, captured on the way."""
    async for chunk in content.iter_any():
        body.add(chunk)
        yield chunk


def _was_reset(error: BaseException) -> bool:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ConnectionResetError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def close(request: web.BaseRequest, *, reset: bool) -> None:
    """Close the client's connection: FIN after what is buffered, or RST at once."""
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


__all__ = ["ANNOTATION", "HOP_BY_HOP", "MAX_BODY_BYTES", "Forwarder", "close", "forwarded_headers"]
