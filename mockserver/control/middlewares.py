"""The control API's hook into every API request: the journal (with coverage and each
request's duration) and faults, in one middleware."""

from __future__ import annotations

from time import perf_counter

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from mockserver.api.injection import DROPPED_STATUS, FaultKind, inject
from mockserver.control.coverage import Coverage
from mockserver.control.faults import FaultTable
from mockserver.control.journal import Arrival, Journal
from mockserver.control.keys import journal_record_key
from mockserver.control.security import is_control_path
from mockserver.domain.clock import Clock


def control_middleware(
    journal: Journal, faults: FaultTable, coverage: Coverage, clock: Clock
) -> Middleware:
    """Records every API request as it arrives, fails it when an active fault matches it,
    then records its outcome and its duration and counts its coverage. The journal's
    live streams get each request once answered.

    One middleware for all of it: each layer aiohttp runs costs every request, and this
    one wraps the whole answer anyway. What it records are the raw values aiohttp has
    already parsed (see `Arrival` and `Coverage.count`): shaping them waits until the
    journal or the coverage is read, so a server nobody asks pays little for them.
    """

    # Bound once: this runs on every request, and each lookup saved is saved on each.
    record_arrival, count_use, now_ms = journal.record, coverage.count, clock.now_ms

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        if is_control_path(path):
            return await handler(request)
        # Wall-clock time, never the mock clock: a frozen clock must not make every
        # request take no time.
        started = perf_counter()
        method, url = request.method, request.rel_url
        arrival = Arrival(method, url, request.headers, now_ms())
        record_arrival(arrival)
        request[journal_record_key] = arrival
        response: web.StreamResponse | None = None
        try:
            # Matched only while a fault is active: nearly always there is none.
            fault = faults.take(method, path) if faults else None
            if fault is None:
                response = await handler(request)
            else:
                mark_faulted(request, fault.kind)
                response = await inject(request, handler, fault.injection)
            return response
        finally:
            status = None if response is None else response.status
            if arrival.faulted and status == DROPPED_STATUS:
                status = None
            arrival.status = status
            count_use(
                request.match_info.route.name,
                url.raw_query_string,
                status,
                None if status is None or status < 400 else _error_body(response),
            )
            journal.answer(arrival, (perf_counter() - started) * 1000)

    return record


def _error_body(response: web.StreamResponse | None) -> bytes | None:
    """The body of an error response, which holds its `error.code` (see `Coverage.count`)."""
    if not isinstance(response, web.Response):
        return None
    return response.body if isinstance(response.body, bytes) else None


def mark_faulted(request: web.Request, kind: FaultKind) -> None:
    """Mark an API request in the journal as failed by an injected fault of `kind`.

    Called before the fault acts: a client that gives up on a delay reads the journal
    while the request still waits, and must see it marked.
    """
    arrival = request[journal_record_key]
    arrival.faulted, arrival.fault = True, kind.value
