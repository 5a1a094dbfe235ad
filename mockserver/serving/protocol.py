"""Answers for requests that never reach the app: the JSON envelope, and no echo.

aiohttp answers a request it cannot parse with a plain-text page that quotes the
offending bytes, which may be an `Authorization` header: an API key echoed in full.
Here those answers are the error envelope with a fixed message instead.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from mockserver.api.errors import ApiError, error_response

_MALFORMED = ApiError(400, "bad_request", "The request is not valid HTTP and was not processed.")
_FAILED = ApiError(500, "internal_error", "The mock server failed.")


class _EnvelopeRequestHandler(RequestHandler):
    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        # The parent logs the error and refuses when a response was already started.
        super().handle_error(request, status, exc, message)
        error = _FAILED if status >= 500 else ApiError(status, _MALFORMED.code, _MALFORMED.message)
        response = error_response(error)
        response.force_close()
        return response


class _EnvelopeServer(web.Server):
    def __call__(self) -> RequestHandler:
        return _EnvelopeRequestHandler(self, loop=self._loop, **self._kwargs)


class EnvelopeAppRunner(web.AppRunner):
    """An `AppRunner` whose protocol-level errors are JSON envelopes that echo nothing."""

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        # aiohttp builds its Server inside the app; only the handler it makes changes.
        server.__class__ = _EnvelopeServer
        return server
