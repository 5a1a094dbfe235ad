"""The control API's own OpenAPI document, and the validators it gives its requests.

It is package data beside this module, never part of the API's `openapi.yaml`.
"""

from __future__ import annotations

from importlib.resources import files

from jsonschema import Draft202012Validator

from mockserver.spec import Spec
from mockserver.spec.loader import load_yaml, schema_validator
from mockserver.spec.operations import operation_table
from mockserver.spec.validation import QueryValidator

SPEC_RESOURCE = "openapi.yaml"


def control_spec_text() -> str:
    return (files("mockserver.control") / SPEC_RESOURCE).read_text(encoding="utf-8")


def load_control_spec() -> Spec:
    return load_yaml(control_spec_text())


class ControlValidators:
    """Validators of the request bodies and query parameters the control spec declares,
    by operationId."""

    def __init__(self, spec: Spec) -> None:
        self.bodies: dict[str, Draft202012Validator] = {}
        self.queries: dict[str, QueryValidator] = {}
        for operation_id, operation in operation_table(spec).items():
            body = operation.definition.get("requestBody")
            if body is not None:
                schema = body["content"]["application/json"]["schema"]
                self.bodies[operation_id] = schema_validator(spec, schema)
            if operation.query_parameters:
                self.queries[operation_id] = QueryValidator(operation.definition)
