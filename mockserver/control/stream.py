"""The journal, live: `GET /__mock/requests/stream` as server-sent events.

Each open stream is a listener of the journal (see `Journal.listen`); the stream
writes what the listener collected, in one write per wake-up, so a burst of requests
costs the server one write per stream rather than one per request. A request is shaped
into the journal's form here, once a stream is there to send it: a journal nobody
streams costs the request path nothing of the kind.
"""

from __future__ import annotations

import json

from aiohttp import web

from mockserver.control.journal import Arrival, Cleared, Journal, RecordedRequest
from mockserver.control.keys import journal_key

# A comment line this often keeps proxies from timing the stream out and lets the
# server notice a client that went away.
KEEP_ALIVE_SECONDS = 15.0
KEEP_ALIVE = b": keep-alive\n\n"
# How soon a browser's EventSource reconnects after the stream ends.
RETRY_MS = 1000


def event_text(change: Arrival | RecordedRequest | Cleared) -> str:
    """One change as a server-sent event (its `data` is JSON, which holds no newline)."""
    if isinstance(change, Cleared):
        return "event: clear\ndata: \n\n"
    shown = change.shown() if isinstance(change, Arrival) else change
    data = json.dumps(shown.to_dict(), ensure_ascii=False, separators=(",", ":"))
    return f"event: request\ndata: {data}\n\n"


async def stream_requests(request: web.Request) -> web.StreamResponse:
    """Send the journal, then its changes, until the client leaves or the server stops."""
    journal = request.config_dict[journal_key]
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        }
    )
    listener = journal.listen()
    try:
        await response.prepare(request)
        await response.write(f"retry: {RETRY_MS}\n\n".encode())
        while True:
            changes = await listener.next_changes(KEEP_ALIVE_SECONDS)
            if listener.closed:
                break
            text = "".join(event_text(change) for change in changes)
            await response.write(text.encode("utf-8") if text else KEEP_ALIVE)
    except ConnectionResetError:
        pass  # the client went away; nothing is left to tell it
    finally:
        journal.unlisten(listener)
    return response


def setup_stream(app: web.Application, journal: Journal) -> None:
    """End the open streams when the server shuts down, so it need not wait for them."""

    async def close_streams(app: web.Application) -> None:
        journal.close_listeners()

    app.on_shutdown.append(close_streams)
