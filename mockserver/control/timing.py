"""How long each API request took: stamped on its journal record when it is answered.

The middleware wraps the journal's own (it must be added before it), so it sees the
record that middleware made and the outcome it wrote, and tells the journal, whose
live streams then send the finished record.
"""

from __future__ import annotations

from time import perf_counter

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from mockserver.control.journal import Journal
from mockserver.control.keys import journal_record_key


def timing_middleware(journal: Journal) -> Middleware:
    """Times every request the journal records, from arrival to the answer (or the drop)."""

    @web.middleware
    async def timed(request: web.Request, handler: Handler) -> web.StreamResponse:
        # Wall-clock time, never the mock clock: a frozen clock must not make every
        # request take no time.
        started = perf_counter()
        try:
            return await handler(request)
        finally:
            recorded = request.get(journal_record_key)
            if recorded is not None:
                journal.answer(recorded, round((perf_counter() - started) * 1000, 3))

    return timed
