from __future__ import annotations

import logging

import pytest
from aiohttp.http_exceptions import BadHttpMessage

from mockserver.serving.logs import MalformedRequestFilter


def record(error: BaseException | None) -> logging.LogRecord:
    exc_info = (type(error), error, None) if error else None
    return logging.LogRecord(
        "aiohttp.server", logging.ERROR, __file__, 1, "Error handling request", (), exc_info
    )


@pytest.mark.parametrize("level", [logging.INFO, logging.WARNING])
def test_a_malformed_request_is_one_info_line_without_traceback(level: int) -> None:
    logging.getLogger("aiohttp.server").setLevel(level)
    try:
        entry = record(BadHttpMessage("Invalid header value char:\n\n  b'X: \\x00'"))
        kept = MalformedRequestFilter().filter(entry)
    finally:
        logging.getLogger("aiohttp.server").setLevel(logging.NOTSET)
    assert kept == (level == logging.INFO)
    assert entry.levelno == logging.INFO
    assert entry.exc_info is None
    assert entry.getMessage() == "rejected a malformed request: Invalid header value char"


def test_other_errors_keep_their_traceback() -> None:
    entry = record(RuntimeError("bug"))
    assert MalformedRequestFilter().filter(entry)
    assert entry.levelno == logging.ERROR
    assert entry.exc_info is not None
