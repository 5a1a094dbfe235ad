"""The parsers of option values: one text in, a typed value out, or `Invalid`.

Each parser serves an option's flag, its environment variable and its key in the
configuration file alike (`contracts.options` turns a file's value into the text a flag
would carry). `Invalid` says what the option takes; the resolver adds where the text
came from and, unless the option is a secret, the text itself.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

# Texts of a switch in a variable (a flag turns it on; a file writes true or false).
ON = ("1", "true", "yes", "on")
OFF = ("0", "false", "no", "off")
# RFC 9110 token characters: what a header name may be made of.
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# Headers the suite or the HTTP library writes itself; one given for every request
# would fight them (the checks send their own Authorization, with and without keys).
_RESERVED_HEADERS = ("authorization", "content-length", "transfer-encoding")
# Said in place of a value that must not be shown: keys and header values are secrets.
_NOT_SHOWN = "a value not shown here"


class Invalid(ValueError):
    """A text an option's parser refuses: `expected` says what the option takes, `got`
    what came instead (the text itself unless said, and never that of a secret)."""

    def __init__(self, expected: str, got: str | None = None) -> None:
        super().__init__(expected)
        self.expected = expected
        self.got = got

    def line(self, source: str, text: str, *, secret: bool) -> str:
        got = self.got or (_NOT_SHOWN if secret else repr(text))
        return f"{source} must be {self.expected}, got {got}"


class Refused(Invalid):
    """A refusal that says it all itself: `--select: no check or group named x`."""

    def line(self, source: str, text: str, *, secret: bool) -> str:
        return f"{source}: {self.expected}"


def whole_number(low: int, high: int | None, expected: str) -> Callable[[str], int]:
    """A parser of integers from `low` to `high` (no upper bound when None)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise Invalid(f"a whole number, {expected}") from None
        if value < low or (high is not None and value > high):
            raise Invalid(f"a whole number, {expected}", got=str(value))
        return value

    return parse


def number(low: float, high: float, expected: str, *, low_included: bool) -> Callable[[str], float]:
    """A parser of finite numbers above `low` (or from it, when `low_included`) to `high`."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise Invalid(expected) from None
        above = value >= low if low_included else value > low
        # math.isfinite also refuses nan, which compares false with everything.
        if not (math.isfinite(value) and above and value <= high):
            raise Invalid(expected)
        return value

    return parse


def http_url(text: str) -> str:
    """An http(s) URL with a host, perhaps a path prefix; no query, fragment or password."""
    expected = (
        "an http(s) URL like http://127.0.0.1:8080 or https://staging.example.com/gateway "
        "(a path prefix is kept; no query, fragment or credentials)"
    )
    try:
        parts = urlsplit(text)
        # urlsplit checks the port only when it is read.
        if parts.port == 0:
            raise ValueError("port 0")
    except ValueError:
        raise Invalid(expected) from None
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or "?" in text
        or "#" in text
        or parts.username is not None
        or any(character.isspace() for character in text)
    ):
        raise Invalid(expected)
    return text.rstrip("/")


def api_key(text: str) -> str:
    """An API key: sent as `Bearer <key>`, so no spaces or control characters."""
    if any(character.isspace() or not character.isprintable() for character in text):
        raise Invalid("a key without spaces or control characters")
    return text


def header(text: str) -> tuple[str, str]:
    """`Name: value`: a header name (an RFC 9110 token) and a value of one line."""
    name, colon, value = text.partition(":")
    expected = '"Name: value" with a header name of letters, digits and -_.!#$&\'*+^`|~'
    if not colon:
        raise Invalid(expected, got="no ':'")
    if not _HEADER_NAME.fullmatch(name):
        raise Invalid(expected, got=f"the name {name!r}")
    if name.lower() in _RESERVED_HEADERS:
        raise Refused(f"{name} is set by the suite itself; it cannot be sent on every request")
    value = value.strip(" \t")
    if any(character != "\t" and not character.isprintable() for character in value):
        raise Invalid('"Name: value" with a value of one line', got="a control character")
    return name, value


def switch(text: str) -> bool:
    word = text.strip().lower()
    if word not in ON + OFF:
        raise Invalid(f"one of {', '.join(ON + OFF)}")
    return word in ON


def existing_path(text: str) -> Path:
    """A path to something that exists: a certificate, a key, a bundle."""
    path = Path(text).expanduser()
    if not path.exists():
        raise Invalid("an existing file", got=f"{text!r}, which does not exist")
    return path


def path(text: str) -> Path:
    return Path(text).expanduser()
