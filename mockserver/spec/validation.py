"""Query-string validation driven by the parameter schemas of `openapi.yaml`.

Every request is validated, so the schemas are checked with jsonschema-rs (which
schemathesis already depends on): it validates a value in well under a microsecond.

The rules (types, bounds, lengths, defaults) are read from the spec; this module
only turns query-string text into typed values and reports the first problem as an
`InvalidParameter` that names the parameter. The API and the control API answer it
with their `invalid_parameter` error: this layer knows no HTTP.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote_plus, unquote_to_bytes

from jsonschema_rs import Draft202012Validator
from multidict import MultiMapping
from yarl import URL

from mockserver.spec import Spec
from mockserver.spec.operations import query_parameters
from mockserver.spec.text import shorten

_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
# Longer digit strings cannot be in range of any int64 bound; rejecting them by
# length keeps a 10,000-digit number from costing a big-integer conversion.
_MAX_INTEGER_DIGITS = 20
# Characters of a rejected value quoted back: enough to recognise it, never a flood.
SHOWN_VALUE_CHARS = 40
# A `%` that does not start an escape of two hex digits.
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
# NUL, which no text field of a real implementation stores (C strings, PostgreSQL's
# text refuse it). Other control characters are text that the spec's schemas allow,
# and schemathesis's positive-data check holds the mock to them.
NUL = "\x00"
# Valid query strings kept with their values, per operation: clients repeat their
# queries, and a kept one costs a lookup instead of a parse and a validation.
CACHED_QUERY_STRINGS = 1024


@dataclass(eq=False)
class InvalidParameter(Exception):
    """A query parameter the spec's rules reject: which one, and why in words."""

    parameter: str
    reason: str

    @property
    def message(self) -> str:
        """`limit: given 2 times; give it at most once`: the name comes first."""
        return f"{self.parameter}: {self.reason}"

    def __str__(self) -> str:
        return self.message


def encoding_problem(raw: str) -> str | None:
    """Why the still percent-encoded query value `raw` is no text, or None if it is one.

    `encoding_problem("%zz")`, `encoding_problem("%C0%AF")` (overlong UTF-8) and
    `encoding_problem("%00")` each give a reason; `encoding_problem("%E2%82%AC")` is None.
    """
    shown = shorten(raw, SHOWN_VALUE_CHARS)
    if _BAD_ESCAPE.search(raw):
        return f"must be percent-encoded, but '%' starts no escape in {shown!r}"
    try:
        text = unquote_to_bytes(raw.replace("+", " ")).decode("utf-8")
    except UnicodeDecodeError:
        return f"must be percent-encoded UTF-8, got {shown!r}"
    if NUL in text:
        return f"must not hold a NUL character, got {shown!r}"
    return None


def check_encoding(raw_query: str, names: Sequence[str]) -> None:
    """Raise `InvalidParameter` for the first value of a parameter in `names` that
    `encoding_problem` refuses; the values of other parameters are not looked at (an
    unknown parameter is ignored, whatever it holds)."""
    for pair in raw_query.split("&"):
        raw_name, _, raw_value = pair.partition("=")
        if "%" not in raw_value and NUL not in raw_value:
            continue
        name = unquote_plus(raw_name)
        if name in names:
            problem = encoding_problem(raw_value)
            if problem is not None:
                raise InvalidParameter(name, problem)


@dataclass(frozen=True, slots=True)
class ParameterRule:
    name: str
    schema: Spec
    validator: Draft202012Validator

    @classmethod
    def from_spec(cls, parameter: Spec) -> ParameterRule:
        schema = parameter["schema"]
        return cls(parameter["name"], schema, Draft202012Validator(schema))

    @property
    def expectation(self) -> str:
        """What a valid value looks like, in words, from the schema."""
        schema = self.schema
        if schema.get("type") == "integer":
            low, high = schema.get("minimum"), schema.get("maximum")
            if low is not None and high is not None:
                return f"an integer from {low} to {high}"
            return "an integer"
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        if high is not None:
            return f"a string of {low} to {high} characters"
        return "a string"

    def parse(self, raw: str) -> Any:
        value: Any = raw
        if self.schema.get("type") == "integer":
            digits = raw.removeprefix("-")
            if not _INTEGER.fullmatch(raw) or len(digits) > _MAX_INTEGER_DIGITS:
                raise self.error(raw)
            value = int(raw)
        if not self.validator.is_valid(value):
            raise self.error(raw)
        return value

    def error(self, raw: str) -> InvalidParameter:
        shown = shorten(raw, SHOWN_VALUE_CHARS)
        return InvalidParameter(self.name, f"must be {self.expectation}, got {shown!r}")


class QueryValidator:
    """Validates the query string of one operation against its spec parameters."""

    def __init__(self, operation: Spec) -> None:
        self._rules = [ParameterRule.from_spec(param) for param in query_parameters(operation)]
        self._names = tuple(rule.name for rule in self._rules)
        self._by_query_string = lru_cache(maxsize=CACHED_QUERY_STRINGS)(self._validate_raw)

    def validate_query_string(self, raw: str) -> Mapping[str, Any]:
        """As `validate`, for a raw (still percent-encoded) query string; the answer is shared.

        Only valid query strings are kept: an invalid one raises every time.
        """
        return self._by_query_string(raw)

    def _validate_raw(self, raw: str) -> Mapping[str, Any]:
        # The parser below makes text of any bytes (`%FF` becomes U+FFFD, `%zz` stays as
        # it is): a value that is no text has to be refused before it.
        if "%" in raw or NUL in raw:
            check_encoding(raw, self._names)
        # Parsed as aiohttp parses the query of a request: the same values, the same errors.
        query = URL.build(query_string=raw, encoded=True).query
        return MappingProxyType(self.validate(query))

    @property
    def names(self) -> list[str]:
        return list(self._names)

    def validate(self, query: MultiMapping[str]) -> dict[str, Any]:
        """Typed values of the known parameters (defaults filled in); unknown ones are ignored."""
        values: dict[str, Any] = {}
        for rule in self._rules:
            given = query.getall(rule.name, [])
            if len(given) > 1:
                raise InvalidParameter(rule.name, f"given {len(given)} times; give it at most once")
            if given:
                values[rule.name] = rule.parse(given[0])
            elif "default" in rule.schema:
                values[rule.name] = rule.schema["default"]
        return values
