"""What `openapi.yaml` says about each operation, read once for judging live traffic.

For each operation: its method and path, the rules of its query parameters, and for
each documented status the schema of the body and the headers it documents. The
schemas are compiled with jsonschema-rs (as the mock's validation is): the proxy judges
every exchange of a busy staging run, so a validation must cost microseconds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from jsonschema_rs import Draft202012Validator

from ..spec import HTTP_METHODS, Spec, load_spec

# A query value that is an integer, as the spec's integer parameters take them.
INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
# Longer digit strings are out of range of any int64 bound whatever they hold.
MAX_INTEGER_DIGITS = 20


def resolve(spec: Spec, node: Spec) -> Spec:
    """`node`, or what its `$ref` (within the document) points at."""
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def compiled(spec: Spec, schema: Spec) -> Draft202012Validator:
    """A validator of `schema` whose `$ref`s into the spec's components resolve."""
    return Draft202012Validator({**schema, "components": spec.get("components", {})})


@dataclass(frozen=True, slots=True)
class Parameter:
    """A query parameter and its schema; `problem` says what is wrong with a value."""

    name: str
    schema: Spec
    validator: Draft202012Validator

    @property
    def is_integer(self) -> bool:
        return self.schema.get("type") == "integer"

    def expectation(self) -> str:
        schema = self.schema
        if self.is_integer:
            return f"an integer from {schema.get('minimum')} to {schema.get('maximum')}"
        return f"a string of {schema.get('minLength', 0)} to {schema.get('maxLength')} characters"

    def value(self, text: str) -> Any:
        """The typed value of `text`, or None when it breaks the schema."""
        value: Any = text
        if self.is_integer:
            if not INTEGER.fullmatch(text) or len(text.removeprefix("-")) > MAX_INTEGER_DIGITS:
                return None
            value = int(text)
        return value if self.validator.is_valid(value) else None

    def typed(self, text: str) -> bool:
        """Whether `text` is of the parameter's type at all (an integer for an integer)."""
        return not self.is_integer or INTEGER.fullmatch(text) is not None


@dataclass(frozen=True, slots=True)
class Header:
    name: str
    required: bool
    validator: Draft202012Validator | None


@dataclass(frozen=True, slots=True)
class Answer:
    """A documented answer of an operation: its body's schema, by media type, and headers."""

    status: int
    media_types: tuple[str, ...]
    body: Draft202012Validator | None
    headers: tuple[Header, ...]


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    method: str
    path: str
    parameters: tuple[Parameter, ...]
    answers: Mapping[int, Answer]

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


def _answer(spec: Spec, status: int, definition: Spec) -> Answer:
    definition = resolve(spec, definition)
    content = definition.get("content", {})
    schema = next((media["schema"] for media in content.values() if "schema" in media), None)
    headers = []
    for name, header in definition.get("headers", {}).items():
        header = resolve(spec, header)
        validator = compiled(spec, header["schema"]) if "schema" in header else None
        headers.append(Header(name, bool(header.get("required")), validator))
    return Answer(
        status,
        tuple(media.lower() for media in content),
        compiled(spec, schema) if schema is not None else None,
        tuple(headers),
    )


def _operation(spec: Spec, path: str, method: str, definition: Spec) -> Operation:
    parameters = []
    for parameter in definition.get("parameters", []):
        parameter = resolve(spec, parameter)
        if parameter.get("in") == "query":
            schema = parameter["schema"]
            parameters.append(Parameter(parameter["name"], schema, compiled(spec, schema)))
    answers = {
        int(status): _answer(spec, int(status), answer)
        for status, answer in definition.get("responses", {}).items()
        if status.isdigit()
    }
    return Operation(definition["operationId"], method.upper(), path, tuple(parameters), answers)


@dataclass(frozen=True, slots=True)
class Operations:
    """Every operation of the spec, found by path and method."""

    by_path: Mapping[str, Mapping[str, Operation]]
    # The statuses the contract gives every operation beyond those the spec lists.
    error_answers: Mapping[int, Answer]

    @classmethod
    def from_spec(cls, spec: Spec) -> Operations:
        by_path: dict[str, dict[str, Operation]] = {}
        for path, item in spec["paths"].items():
            for method in HTTP_METHODS:
                if method in item:
                    by_path.setdefault(path, {})[method.upper()] = _operation(
                        spec, path, method, item[method]
                    )
        responses = spec.get("components", {}).get("responses", {})
        error_answers = {
            status: _answer(spec, status, responses[name])
            for status, name in ((404, "NotFound"), (405, "MethodNotAllowed"))
            if name in responses
        }
        return cls(by_path, error_answers)

    def at(self, path: str) -> Mapping[str, Operation] | None:
        """The operations served at `path`, by method; None for a path the spec lacks."""
        return self.by_path.get(path)

    def all(self) -> list[Operation]:
        return [op for methods in self.by_path.values() for op in methods.values()]


@cache
def operations() -> Operations:
    """The operations of the packaged spec, read once."""
    return Operations.from_spec(load_spec())
