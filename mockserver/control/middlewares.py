"""The control API's hooks into every API request: the journal (with coverage and each
request's duration) and faults."""

from __future__ import annotations

import json
from time import perf_counter

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from mockserver.api.injection import DROPPED_STATUS, FaultKind, inject
from mockserver.control.coverage import Coverage
from mockserver.control.faults import FaultTable
from mockserver.control.journal import Journal, RecordedRequest
from mockserver.control.keys import journal_record_key
from mockserver.control.security import is_control_path
from mockserver.domain.clock import Clock


def _error_code(response: web.StreamResponse | None) -> str | None:
    """The `error.code` of an error response (every error goes through one envelope)."""
    if not isinstance(response, web.Response) or response.status < 400:
        return None
    if not isinstance(response.body, bytes):
        return None
    try:
        code = json.loads(response.body)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None
    return code if isinstance(code, str) else None


def journal_middleware(journal: Journal, coverage: Coverage, clock: Clock) -> Middleware:
    """Records every API request as it arrives, then its outcome and its duration, and
    counts its coverage. The journal's live streams get each request once answered.

    One middleware rather than a second one for the duration: each layer aiohttp runs
    costs every request, and this one already wraps the whole answer.
    """

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        if is_control_path(request.path):
            return await handler(request)
        # Wall-clock time, never the mock clock: a frozen clock must not make every
        # request take no time.
        started = perf_counter()
        recorded = RecordedRequest.of(request, time=clock.now_ms())
        journal.record(recorded)
        request[journal_record_key] = recorded
        response: web.StreamResponse | None = None
        try:
            response = await handler(request)
            return response
        finally:
            dropped = response is None or (recorded.faulted and response.status == DROPPED_STATUS)
            if response is not None and not dropped:
                recorded.status = response.status
            coverage.record(
                request.match_info.route.name,
                set(request.query),
                recorded.status,
                _error_code(response) if recorded.status is not None else None,
            )
            journal.answer(recorded, round((perf_counter() - started) * 1000, 3))

    return record


def mark_faulted(request: web.Request, kind: FaultKind) -> None:
    """Mark an API request in the journal as failed by an injected fault of `kind`.

    Called before the fault acts: a client that gives up on a delay reads the journal
    while the request still waits, and must see it marked.
    """
    recorded = request[journal_record_key]
    recorded.faulted, recorded.fault = True, kind.value


def fault_middleware(faults: FaultTable) -> Middleware:
    """Fails the requests an active fault matches, before any other check."""

    @web.middleware
    async def inject_faults(request: web.Request, handler: Handler) -> web.StreamResponse:
        if is_control_path(request.path):
            return await handler(request)
        fault = faults.take(request.method, request.path)
        if fault is None:
            return await handler(request)
        mark_faulted(request, fault.kind)
        return await inject(request, handler, fault.injection)

    return inject_faults
