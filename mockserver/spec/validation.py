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
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

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
        self._by_query_string = lru_cache(maxsize=CACHED_QUERY_STRINGS)(self._validate_raw)

    def validate_query_string(self, raw: str) -> Mapping[str, Any]:
        """As `validate`, for a raw (still percent-encoded) query string; the answer is shared.

        Only valid query strings are kept: an invalid one raises every time.
        """
        return self._by_query_string(raw)

    def _validate_raw(self, raw: str) -> Mapping[str, Any]:
        # Parsed as aiohttp parses the query of a request: the same values, the same errors.
        query = URL.build(query_string=raw, encoded=True).query
        return MappingProxyType(self.validate(query))

    @property
    def names(self) -> list[str]:
        return [rule.name for rule in self._rules]

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
