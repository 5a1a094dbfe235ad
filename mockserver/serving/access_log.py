"""One access-log line per request; API keys only ever appear redacted."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from mockserver.api.auth import bearer_key
from mockserver.domain.models import redact_key


def presented_key(request: web.BaseRequest) -> str:
    """The redacted key a request presents, or '-' when it presents none."""
    key = bearer_key(request.headers.get("Authorization"))
    return "-" if key is None else redact_key(key)


class AccessLogger(AbstractAccessLogger):
    @property
    def enabled(self) -> bool:
        # Below info (--log-level warning), aiohttp then skips the line and its timing.
        return self.logger.isEnabledFor(logging.INFO)

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            '%s "%s %s" %d %.2fms key=%s',
            request.remote,
            request.method,
            request.path_qs,
            response.status,
            time * 1000,
            presented_key(request),
        )
