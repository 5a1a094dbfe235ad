"""A client's request read against its operation in `openapi.yaml`: which documented
parameters it gives, with which values, and what the spec refuses in it.

This is the side of the contract that binds the client: an SDK that sends `limit=500`,
a repeated `action` or a parameter the API does not know is told so. It also decides
what the answer must be: a request the spec refuses must get 400, one it accepts must
not (unless authentication or authorization refuses it first).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus, unquote_to_bytes

from yarl import URL

from ..model import Query
from .operations import Operation

# A `%` that starts no escape of two hex digits.
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


class Kind(enum.StrEnum):
    INVALID = "invalid"  # a value the parameter's schema refuses
    REPEATED = "repeated"  # a documented parameter given more than once
    UNKNOWN = "unknown"  # a parameter the operation does not document
    UNDECODABLE = "undecodable"  # a value that is no text (bad escapes, invalid UTF-8, NUL)


@dataclass(frozen=True, slots=True)
class Problem:
    parameter: str
    kind: Kind
    value: str
    reason: str


@dataclass(frozen=True, slots=True)
class Reading:
    """The documented parameters of one request, typed, and the problems of the rest."""

    operation: Operation
    values: dict[str, Any]
    given: tuple[str, ...]
    problems: tuple[Problem, ...]

    def refused(self) -> list[Problem]:
        """What makes the spec refuse the request (a 400 is due)."""
        return [p for p in self.problems if p.kind in (Kind.INVALID, Kind.REPEATED)]

    @property
    def undecodable(self) -> bool:
        """A value that is no text: the contract leaves its answer open (400 or a filter)."""
        return any(p.kind is Kind.UNDECODABLE for p in self.problems)

    def query(self) -> Query:
        """The audit-log query the request asks, when the spec accepts it."""
        values = self.values
        return Query(
            action=values.get("action"),
            user_id=values.get("userId"),
            since=values.get("since"),
            limit=values.get("limit"),
        )


def undecodable(raw_value: str) -> bool:
    if _BAD_ESCAPE.search(raw_value):
        return True
    try:
        text = unquote_to_bytes(raw_value.replace("+", " ")).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return "\x00" in text


def _shown(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def read_request(operation: Operation, raw_query: str | None) -> Reading:
    """Read `raw_query` (as sent, still percent-encoded) against `operation`."""
    documented = {p.name for p in operation.parameters}
    problems: list[Problem] = []
    broken: set[str] = set()
    raw = raw_query or ""
    if "%" in raw or "\x00" in raw:
        for pair in raw.split("&"):
            raw_name, _, raw_value = pair.partition("=")
            name = unquote_plus(raw_name)
            if name in documented and name not in broken and undecodable(raw_value):
                broken.add(name)
                problems.append(
                    Problem(name, Kind.UNDECODABLE, raw_value, "a value that is no UTF-8 text")
                )
    # Parsed as aiohttp parses a request's query: the values an aiohttp server sees.
    query = URL.build(query_string=raw, encoded=True).query if raw else None
    values: dict[str, Any] = {}
    given: list[str] = []
    unknown: list[str] = []
    for name in dict.fromkeys(query.keys() if query is not None else ()):
        assert query is not None
        parameter = operation.parameter(name)
        if parameter is None:
            unknown.append(name)
            continue
        given.append(name)
        texts = query.getall(name)
        if name in broken:
            continue
        if len(texts) > 1:
            problems.append(
                Problem(name, Kind.REPEATED, "&".join(texts), f"given {len(texts)} times")
            )
            continue
        value = parameter.value(texts[0])
        if value is None:
            problems.append(
                Problem(
                    name,
                    Kind.INVALID,
                    texts[0],
                    f"must be {parameter.expectation()}, got {_shown(texts[0])!r}",
                )
            )
        else:
            values[name] = value
    problems += [
        Problem(name, Kind.UNKNOWN, "", f"{operation.operation_id} has no parameter {name!r}")
        for name in unknown
    ]
    return Reading(operation, values, tuple(given), tuple(problems))
