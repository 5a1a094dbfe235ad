"""Scenario files: a world written in YAML or JSON, checked against a shipped JSON Schema.

`load_scenario` reads a file, lists every problem it has (where, what is wrong, what
was expected) and fills in the schema's literal defaults; `scenario_world.py` turns
the result into a `World`. `write_scenario` writes one atomically, for snapshots.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable, Iterator, Sequence
from copy import deepcopy
from dataclasses import dataclass
from difflib import get_close_matches
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml
from jsonschema import Draft202012Validator, ValidationError, validators

from mockserver.spec.problems import location as problem_location
from mockserver.spec.text import shorten

SCHEMA_RESOURCE = "schema.json"
FORMAT_VERSION = 1
# Characters of a wrong value quoted in a problem: the line still fits a terminal.
SHOWN_VALUE_CHARS = 60
_YAML_SUFFIXES = (".yaml", ".yml")

Document = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a scenario: where in the file, and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(the file)'}: {self.message}"


class ScenarioError(Exception):
    """A scenario that cannot be served, with every problem found in it."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        super().__init__(source, problems)
        self.source = source
        self.problems = list(problems)

    def __str__(self) -> str:
        count = len(self.problems)
        heading = f"{self.source}: {count} problem{'s' if count != 1 else ''}"
        return "\n  ".join([heading, *map(str, self.problems)])


def load_schema() -> Document:
    schema: Document = json.loads(
        (files("mockserver.scenario") / SCHEMA_RESOURCE).read_text("utf-8")
    )
    return schema


def _strict_integer(checker: Any, instance: Any) -> bool:
    # JSON Schema counts 1.0 as an integer; a timestamp of 1.0 would be served as a float.
    return isinstance(instance, int) and not isinstance(instance, bool)


_Validator = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _strict_integer),
)


class _Loader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """YAML without implicit dates: `2024-01-01` stays the string the user wrote."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_document(path: Path) -> Any:
    """The parsed file: JSON for `.json`, YAML (which includes JSON) otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise ScenarioError(str(path), [Problem("", f"cannot read the file: {reason}")]) from None
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_Loader)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        problem = Problem("", f"{where}: invalid JSON: {error.msg}")
        raise ScenarioError(str(path), [problem]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        reason = getattr(error, "problem", None) or str(error)
        raise ScenarioError(str(path), [Problem("", f"{where}invalid YAML: {reason}")]) from None


def validate(document: Any, schema: Document | None = None) -> list[Problem]:
    """Every problem of `document` against the scenario schema, ordered by path."""
    schema = schema or load_schema()
    # jsonschema-rs tells in milliseconds whether a large file has any problem;
    # jsonschema (a hundred times slower) then finds them with the words of the schema.
    fast = jsonschema_rs.Draft202012Validator(schema)
    if fast.is_valid(document) and not _float_integers(document, schema, schema):
        return []
    validator = _Validator(schema)
    found: dict[tuple[tuple[tuple[int, int | str], ...], Problem], None] = {}
    for error in validator.iter_errors(document):
        for location, problem in _problems(error):
            found[(_sort_key(location), problem)] = None
    ordered = sorted(found, key=lambda item: (item[0], item[1].message))
    return [problem for _, problem in ordered]


def load_scenario(path: Path) -> Document:
    """The scenario in `path`, checked, with the schema's literal defaults filled in."""
    return checked(read_document(path), str(path))


def checked(document: Any, source: str) -> Document:
    """`document` with the schema's literal defaults filled in, or every problem it has."""
    if document is None:
        empty = Problem("", "the file is empty; expected an object with a list of projects")
        raise ScenarioError(source, [empty])
    schema = load_schema()
    problems = validate(document, schema)
    if problems:
        raise ScenarioError(source, problems)
    _fill_defaults(document, schema, schema)
    filled: Document = document
    return filled


def write_scenario(document: Document, path: Path) -> None:
    """Write `document` to `path` (YAML for .yaml/.yml, JSON otherwise), whole or not at all.

    The text goes to a temporary file beside `path` that replaces it only when
    complete, so an interrupted run never leaves a half-written scenario behind.
    """
    if path.suffix.lower() in _YAML_SUFFIXES:
        dumper = yaml.CSafeDumper if yaml.__with_libyaml__ else yaml.SafeDumper
        text = yaml.dump(document, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
    else:
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    # Unlike mkstemp's 0600, 0666 lets the umask decide, as for any file the user writes.
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def format_path(parts: Iterable[int | str]) -> str:
    """`projects[0].auditLog[17].timestamp` for ("projects", 0, "auditLog", 17, "timestamp")."""
    return problem_location("", parts).removeprefix(".")


def shown(value: Any) -> str:
    """A value as the user wrote it, in JSON, shortened."""
    return shorten(json.dumps(value, ensure_ascii=False, default=str), SHOWN_VALUE_CHARS)


def _problems(error: ValidationError) -> Iterator[tuple[list[int | str], Problem]]:
    location = list(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    instance: Any = error.instance
    if error.validator == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        for name in instance:
            if name not in allowed:
                yield _unknown_field(location, name, allowed)
    elif error.validator == "required":
        required: Any = error.validator_value
        for name in required:
            if name not in instance:
                expected = schema["properties"][name].get("x-expected", "a value")
                where = [*location, name]
                yield where, Problem(format_path(where), f"missing; expected {expected}")
    else:
        expected = schema.get("x-expected")
        message = f"expected {expected}" if expected else error.message
        yield location, Problem(format_path(location), f"{message}, got {shown(instance)}")


def _unknown_field(
    location: list[int | str], name: Any, allowed: list[str]
) -> tuple[list[int | str], Problem]:
    where = [*location, str(name)]
    message = f"unknown field; expected one of {', '.join(allowed)}"
    guess = get_close_matches(str(name), allowed, n=1)
    if guess:
        message = f"unknown field, did you mean {guess[0]}? Expected one of {', '.join(allowed)}"
    return where, Problem(format_path(where), message)


def _sort_key(location: Iterable[int | str]) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, part) if isinstance(part, int) else (1, part) for part in location)


def _resolve(schema: Document, root: Document) -> Document:
    reference = schema.get("$ref")
    if reference is None:
        return schema
    node: Document = root
    for part in reference.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _float_integers(value: Any, schema: Document, root: Document) -> bool:
    """Whether a float such as 1.0 stands where the schema wants an integer.

    JSON Schema accepts it, and so does jsonschema-rs; `_Validator` does not.
    """
    schema = _resolve(schema, root)
    if isinstance(value, float):
        types = schema.get("type")
        return types == "integer" or (isinstance(types, list) and "integer" in types)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        return any(
            _float_integers(value[name], field, root)
            for name, field in properties.items()
            if name in value
        )
    if isinstance(value, list) and "items" in schema:
        return any(_float_integers(item, schema["items"], root) for item in value)
    return False


def _fill_defaults(value: Any, schema: Document, root: Document) -> None:
    """Set every absent field that has a literal `default` in the schema, recursively."""
    schema = _resolve(schema, root)
    if isinstance(value, dict):
        for name, field_schema in schema.get("properties", {}).items():
            if name not in value and "default" in field_schema:
                value[name] = deepcopy(field_schema["default"])
            if name in value:
                _fill_defaults(value[name], field_schema, root)
    elif isinstance(value, list) and "items" in schema:
        for item in value:
            _fill_defaults(item, schema["items"], root)
