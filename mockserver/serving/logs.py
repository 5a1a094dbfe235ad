"""Logging setup: readable lines, and no tracebacks for requests that are merely malformed."""

from __future__ import annotations

import logging

from aiohttp.http_exceptions import HttpProcessingError


class MalformedRequestFilter(logging.Filter):
    """Turns aiohttp's traceback for an unparsable request into one line.

    aiohttp answers such a request with a 400 itself (it never reaches the app) and
    logs it as an error with a traceback; it is the client's mistake, not ours.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError):
            record.msg = "rejected a malformed request: %s"
            record.args = (str(error.message).splitlines()[0].strip().rstrip(":"),)
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info = record.exc_text = None
            return logging.getLogger(record.name).isEnabledFor(logging.INFO)
        return True


def setup_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def quiet_malformed_requests() -> None:
    """Install the filter once on aiohttp's server logger (logging itself is process-wide)."""
    server_log = logging.getLogger("aiohttp.server")
    if not any(isinstance(f, MalformedRequestFilter) for f in server_log.filters):
        server_log.addFilter(MalformedRequestFilter())
