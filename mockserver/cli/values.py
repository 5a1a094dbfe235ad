"""The parsers of flag values: text in, a typed value out, or one line saying what was expected.

Each parser serves a flag and its environment variable alike; it raises
`argparse.ArgumentTypeError`, whose message argparse prefixes with the flag and the
resolver with the variable.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime

from yarl import URL

from mockserver.api.chaos import InvalidChaos, Shares, parse_chaos, parse_latency
from mockserver.control.security import MIN_TOKEN_CHARS
from mockserver.generate.activity import MAX_EVENTS_PER_SECOND
from mockserver.serving.loops import LOOPS

LOG_LEVELS = ("debug", "info", "warning", "error")
MAX_SECONDS = 86_400
ON = ("1", "true", "yes", "on")
OFF = ("", "0", "false", "no", "off")


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """A parser of integers from `low` to `high`, both included."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {low} to {high}, got {value}")
        return value

    return parse


def instant(text: str) -> int:
    """Unix milliseconds, or an ISO 8601 date-time with a time zone, as Unix milliseconds."""
    if text.isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected Unix milliseconds or an ISO 8601 date-time, got {text!r}"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give a time zone, for example {text}Z")
    return int(moment.timestamp() * 1000)


def bounded_float(high: float, *, expected: str, unit: str = "") -> Callable[[str], float]:
    """A parser of numbers from 0 to `high`; `expected` and `unit` word its refusals."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        # `not low <= value <= high` also refuses nan, which compares false with everything.
        if not 0 <= value <= high:
            raise argparse.ArgumentTypeError(f"expected 0 to {high:g}{unit}, got {text}")
        return value

    return parse


# Seconds from 0 to a day.
seconds = bounded_float(MAX_SECONDS, expected="a number of seconds", unit=" seconds")
# Events per second, from 0 to what the live activity can generate.
rate = bounded_float(MAX_EVENTS_PER_SECOND, expected="events per second")


def clock(text: str) -> int | None:
    """`real`, or `frozen:<instant>` (Unix ms or ISO 8601): None means real time."""
    if text == "real":
        return None
    kind, _, frozen_at = text.partition(":")
    if kind != "frozen" or not frozen_at:
        raise argparse.ArgumentTypeError(f"expected real or frozen:<unix-ms>, got {text!r}")
    return instant(frozen_at)


def token(text: str) -> str:
    """A control token long enough not to be guessed."""
    if len(text) < MIN_TOKEN_CHARS:
        raise argparse.ArgumentTypeError(
            f"use at least {MIN_TOKEN_CHARS} characters, for example the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe())'"
        )
    return text


def log_level(text: str) -> str:
    """One of `LOG_LEVELS`, in any case."""
    level = text.lower()
    if level not in LOG_LEVELS:
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(LOG_LEVELS)}")
    return level


def event_loop(text: str) -> str:
    """One of the event loops (`LOOPS`: asyncio, uvloop), in any case."""
    name = text.strip().lower()
    if name not in LOOPS:
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(LOOPS)}")
    return name


def http_url(text: str) -> str:
    """An http:// or https:// URL with a host, kept as written."""
    try:
        url = URL(text)
    except ValueError:
        url = URL()
    if url.scheme not in ("http", "https") or not url.host:
        raise argparse.ArgumentTypeError(f"expected an http:// or https:// URL, got {text!r}")
    return text


def on_off(text: str) -> bool:
    """The value of an on/off variable: 1, true, yes, on; 0, false, no, off or empty."""
    word = text.strip().lower()
    if word in ON:
        return True
    if word in OFF:
        return False
    raise argparse.ArgumentTypeError(
        f"expected {', '.join(ON)} or {', '.join(OFF[1:])}, got {word!r}"
    )


def latency(text: str) -> tuple[int, int]:
    """`MS` or `LO-HI` milliseconds, as the range each request's delay is drawn from."""
    try:
        return parse_latency(text)
    except InvalidChaos as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def chaos(text: str) -> Shares:
    """`KIND:SHARE,...`, e.g. `503:0.05,429:0.02,drop:0.01` (see `api/chaos.py`)."""
    try:
        return parse_chaos(text)
    except InvalidChaos as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def origin(text: str) -> str:
    """A web origin as a browser sends it in `Origin`: `scheme://host[:port]`, lowercase,
    without the scheme's default port or a trailing slash."""
    try:
        url = URL(text.strip())
    except ValueError:
        url = URL()
    if (
        url.scheme not in ("http", "https")
        or not url.host
        or url.path not in ("", "/")
        or url.query_string
        or url.fragment
        or url.user is not None
    ):
        raise argparse.ArgumentTypeError(
            f"expected an origin such as http://localhost:3000, got {text!r}"
        )
    host = f"[{url.host}]" if ":" in url.host else url.host
    port = "" if url.is_default_port() else f":{url.port}"
    return f"{url.scheme}://{host.lower()}{port}"


def origins(text: str) -> tuple[str, ...]:
    """Origins separated by commas (the form of an environment variable), each as `origin`."""
    return tuple(origin(part) for part in text.split(",") if part.strip())
