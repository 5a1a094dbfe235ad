"""The OpenAPI document, read from package data, and what the server takes from it."""

from __future__ import annotations

from importlib.resources import files

import yaml
from jsonschema import Draft202012Validator

from mockserver.spec import Spec as Spec
from mockserver.spec.operations import operation_table
from mockserver.spec.operations import query_parameters as query_parameters

SPEC_RESOURCE = "openapi.yaml"


def spec_text() -> str:
    """The spec exactly as shipped, for serving and for tools."""
    return (files("mockserver") / SPEC_RESOURCE).read_text(encoding="utf-8")


def load_yaml(text: str) -> Spec:
    """Parse a spec. Every app parses its specs (the pytest plugin makes one per test):
    libyaml's parser, when PyYAML has it, is several times faster than the pure-Python one."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spec: Spec = yaml.load(text, Loader=loader)
    return spec


def load_spec() -> Spec:
    return load_yaml(spec_text())


def operations(spec: Spec) -> dict[str, tuple[str, Spec]]:
    """operationId -> (path, operation object) for every GET operation of `operation_table`."""
    return {
        operation_id: (operation.path, operation.definition)
        for operation_id, operation in operation_table(spec).items()
        if operation.method == "GET"
    }


def schema_validator(spec: Spec, schema: Spec) -> Draft202012Validator:
    """A JSON Schema validator for a schema of the spec, with its `#/components/...` refs.

    OpenAPI 3.1 schemas are JSON Schema 2020-12; carrying the spec's components in
    the root schema (an unknown keyword there, hence ignored) lets local refs resolve.
    """
    return Draft202012Validator({**schema, "components": spec.get("components", {})})
