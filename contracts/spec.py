"""What the suite reads from the API's spec: the paths of the two operations and the
bounds of the audit log's parameters, so no module of the suite types them again.

The spec is the one packaged with `mockserver`, read as package data (no code of the
mock is used): the suite checks against the spec it was released with, wherever it runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

Spec = dict[str, Any]
SPEC_PACKAGE = "mockserver"
SPEC_RESOURCE = "openapi.yaml"
AUDIT_LOG_OPERATION = "listAuditLogEntries"
PROJECT_OPERATION = "getProject"
# The keys of a path item that hold operations.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def load_spec() -> Spec:
    """The packaged spec, parsed afresh each time (schemathesis may change what it gets)."""
    text = (files(SPEC_PACKAGE) / SPEC_RESOURCE).read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spec: Spec = yaml.load(text, Loader=loader)
    return spec


def operation(spec: Spec, operation_id: str) -> tuple[str, Spec]:
    """The path and the definition of the operation with this operationId."""
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            definition = item.get(method)
            if definition is not None and definition.get("operationId") == operation_id:
                return path, definition
    raise LookupError(f"the spec has no operation {operation_id!r}")


def query_schema(spec: Spec, operation_id: str, name: str) -> Spec:
    """The schema of one query parameter of an operation."""
    _, definition = operation(spec, operation_id)
    for parameter in definition.get("parameters", []):
        if parameter.get("in") == "query" and parameter["name"] == name:
            schema: Spec = parameter["schema"]
            return schema
    raise LookupError(f"{operation_id} has no query parameter {name!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiFacts:
    """The paths and bounds the checks probe, as the spec states them."""

    audit_log_path: str
    project_path: str
    default_limit: int
    max_limit: int
    max_filter_length: int
    """The longest `action` and `userId`: the checks treat the two filters alike."""
    max_since: int

    @classmethod
    def from_spec(cls, spec: Spec) -> ApiFacts:
        def schema(name: str) -> Spec:
            return query_schema(spec, AUDIT_LOG_OPERATION, name)

        lengths = {schema(name)["maxLength"] for name in ("action", "userId")}
        if len(lengths) != 1:
            raise ValueError(f"action and userId have different maximum lengths: {lengths}")
        return cls(
            audit_log_path=operation(spec, AUDIT_LOG_OPERATION)[0],
            project_path=operation(spec, PROJECT_OPERATION)[0],
            default_limit=schema("limit")["default"],
            max_limit=schema("limit")["maximum"],
            max_filter_length=lengths.pop(),
            max_since=schema("since")["maximum"],
        )


@cache
def api_facts() -> ApiFacts:
    """The facts of the packaged spec, read once."""
    return ApiFacts.from_spec(load_spec())
