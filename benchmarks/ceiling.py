"""The floor: a bare aiohttp handler that returns a precomputed body, nothing else.

    python -m benchmarks.ceiling --port 8090 --body page.json [--loop uvloop]

No routing beyond one path, no middlewares, no logging: the simplest aiohttp app a
user could write, and what any aiohttp server on this machine can do at most on that
event loop (asyncio's own by default, as `web.run_app` runs it). The benchmark serves
the mock's own page with it, so the two answer with the same bytes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from aiohttp import web

from mockserver.serving.loops import ASYNCIO, LOOPS, loop_factory


def ceiling_app(body: bytes, path: str) -> web.Application:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json", charset="utf-8")

    app = web.Application()
    app.router.add_get(path, handler)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--body", type=Path, required=True, help="file holding the body to return")
    parser.add_argument("--path", default="/api/v1/audit-log")
    parser.add_argument("--loop", choices=LOOPS, default=ASYNCIO, help="event loop (asyncio)")
    args = parser.parse_args()
    app = ceiling_app(args.body.read_bytes(), args.path)
    factory = loop_factory(args.loop)
    loop = factory() if factory is not None else None
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None, loop=loop)


if __name__ == "__main__":
    main()
