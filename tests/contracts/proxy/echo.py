"""A target that answers with what it received, or breaks its answer on request: what the
forwarding tests compare the proxy's behaviour with."""

from __future__ import annotations

import asyncio
import socket
import struct

from aiohttp import web

CUT_BODY = b"x" * 100
BIG_BODY = b"y" * (3 << 20)
SLOW_PIECES = (b"first,", b"second,", b"third")
SLOW_PAUSE_SECONDS = 0.4
TEAPOT = b"short and stout"
# Every request target the echo received, oldest first.
SEEN = web.AppKey("seen", list[str])


async def echo(request: web.Request) -> web.StreamResponse:
    request.app[SEEN].append(request.raw_path)
    body = await request.read()
    path = request.path
    if path == "/drop":
        assert request.transport is not None
        request.transport.close()
        return web.Response(status=444)
    if path == "/reset":
        assert request.transport is not None
        sock = request.transport.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        request.transport.abort()
        return web.Response(status=444)
    if path in ("/truncated", "/slow", "/big"):
        stream = web.StreamResponse(status=200)
        if path == "/truncated":
            stream.content_length = len(CUT_BODY)
        await stream.prepare(request)
        if path == "/truncated":
            await stream.write(CUT_BODY[:50])
            assert request.transport is not None
            request.transport.close()
            return stream
        pieces = SLOW_PIECES if path == "/slow" else [BIG_BODY]
        for piece in pieces:
            await stream.write(piece)
            if path == "/slow":
                await asyncio.sleep(SLOW_PAUSE_SECONDS)
        await stream.write_eof()
        return stream
    if path == "/teapot":
        response = web.Response(status=418, reason="I'm a teapot", body=TEAPOT)
        response.headers.add("Set-Cookie", "a=1")
        response.headers.add("Set-Cookie", "b=2")
        response.headers["X-Odd-Case"] = "Kept"
        return response
    answer = {
        "method": request.method,
        "raw_path": request.raw_path,
        "headers": [[k, v] for k, v in request.headers.items()],
        "body": body.decode("latin-1"),
    }
    return web.json_response(answer)


def echo_app() -> web.Application:
    app = web.Application(client_max_size=16 << 20)
    app[SEEN] = []
    app.router.add_route("*", "/{tail:.*}", echo)
    return app
