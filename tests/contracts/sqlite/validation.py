"""The audit log's query string, read into `Filters` or refused with the parameter at fault.

The rules are this server's own reading of the contract, written out here rather than
read from `openapi.yaml`: a real implementation carries its own copy of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote_plus

from tests.contracts.sqlite.mistakes import Mistake
from tests.contracts.sqlite.store import Filters

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_FILTER_LENGTH = 100
MAX_SINCE = 2**63 - 1
KNOWN = ("action", "userId", "since", "limit")
# ASCII digits only: `str.isdigit` and `int` also take other scripts' digits.
DIGITS = re.compile(r"[0-9]+")
# Values are quoted back to the caller, cut to this length.
SHOWN = 40


@dataclass(frozen=True, slots=True)
class InvalidParameter(Exception):
    """A parameter the contract refuses, with a message that names it."""

    name: str
    problem: str

    @property
    def message(self) -> str:
        return f"{self.name}: {self.problem}"


def _shown(value: str) -> str:
    return repr(value if len(value) <= SHOWN else value[:SHOWN] + "…")


def parse_query(raw: str, mistakes: frozenset[Mistake] = frozenset()) -> Filters:
    """The filters of `raw` (the query string as sent); `InvalidParameter` if one is wrong."""
    values: dict[str, str] = {}
    for pair in raw.split("&") if raw else ():
        raw_name, _, raw_value = pair.partition("=")
        name = unquote_plus(raw_name, errors="replace")
        if name not in KNOWN:
            if Mistake.UNKNOWN_REJECTED in mistakes and name:
                raise InvalidParameter(name, "unknown parameter")
            continue
        if name in values and Mistake.REPEATED_LAST_WINS not in mistakes:
            raise InvalidParameter(name, "given more than once")
        try:
            values[name] = unquote_plus(raw_value, errors="strict")
        except UnicodeDecodeError:
            raise InvalidParameter(name, "not valid UTF-8 once percent-decoded") from None
    for name in ("action", "userId"):
        value = values.get(name)
        if value is not None and not 1 <= len(value) <= MAX_FILTER_LENGTH:
            raise InvalidParameter(
                name, f"must be 1 to {MAX_FILTER_LENGTH} characters, got {len(value)}"
            )
    return Filters(
        action=values.get("action"),
        user_id=values.get("userId"),
        since=_since(values.get("since"), mistakes),
        limit=_limit(values.get("limit"), mistakes),
    )


def _integer(name: str, value: str, mistakes: frozenset[Mistake], expected: str) -> int:
    if Mistake.LENIENT_INTEGERS in mistakes:
        try:
            return int(value)
        except ValueError:
            raise InvalidParameter(name, f"must be {expected}, got {_shown(value)}") from None
    if not DIGITS.fullmatch(value):
        raise InvalidParameter(name, f"must be {expected}, got {_shown(value)}")
    return int(value)


def _since(value: str | None, mistakes: frozenset[Mistake]) -> int | None:
    if value is None:
        return None
    expected = f"an integer from 0 to {MAX_SINCE} (Unix ms)"
    since = _integer("since", value, mistakes, expected)
    unbounded = Mistake.SINCE_UNBOUNDED in mistakes
    if since < 0 or (since > MAX_SINCE and not unbounded):
        raise InvalidParameter("since", f"must be {expected}, got {_shown(value)}")
    return since


def _limit(value: str | None, mistakes: frozenset[Mistake]) -> int:
    if value is None:
        return DEFAULT_LIMIT
    expected = f"an integer from 1 to {MAX_LIMIT}"
    limit = _integer("limit", value, mistakes, expected)
    if Mistake.LIMIT_CLAMPED in mistakes:
        return max(1, min(limit, MAX_LIMIT))
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameter("limit", f"must be {expected}, got {_shown(value)}")
    return limit
