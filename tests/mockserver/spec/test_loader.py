"""openapi.yaml is valid, its examples match their schemas, and it ships as package data."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from mockserver.spec.loader import load_spec, schema_validator, spec_text
from tests import REPO_ROOT

ROOT = REPO_ROOT


def test_spec_is_valid_openapi() -> None:
    validate(load_spec())


def test_root_openapi_yaml_is_the_packaged_spec() -> None:
    assert (ROOT / "openapi.yaml").read_text(encoding="utf-8") == spec_text()


def test_spec_is_read_from_the_package_not_the_working_directory(tmp_path: Path) -> None:
    before = Path.cwd()
    os.chdir(tmp_path)
    try:
        assert load_spec()["info"]["title"] == "Audit Log & Project API"
    finally:
        os.chdir(before)


def _examples(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any], Any]]:
    """(where, schema, example) for every example the spec gives."""
    found = []
    components = spec["components"]
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for param in operation.get("parameters", []):
                for name, example in param.get("examples", {}).items():
                    found.append(
                        (f"{path} {param['name']} {name}", param["schema"], example["value"])
                    )
            for status, response in operation["responses"].items():
                if "$ref" in response:
                    response = components["responses"][response["$ref"].split("/")[-1]]
                media = response.get("content", {}).get("application/json", {})
                for name, example in media.get("examples", {}).items():
                    if "$ref" in example:
                        example = components["examples"][example["$ref"].split("/")[-1]]
                    found.append(
                        (f"{method} {path} {status} {name}", media["schema"], example["value"])
                    )
    for name, response in components["responses"].items():
        media = response["content"]["application/json"]
        found.append((f"responses/{name}", media["schema"], media["example"]))
    return found


def test_every_kind_of_example_is_present() -> None:
    where = [w for w, _, _ in _examples(load_spec())]
    assert any("audit-log 200" in w for w in where)
    assert any("project 200" in w for w in where)
    assert sum(w.startswith("responses/") for w in where) == 5


EXAMPLES = _examples(load_spec())


@pytest.mark.parametrize(
    ("schema", "example"), [e[1:] for e in EXAMPLES], ids=[e[0] for e in EXAMPLES]
)
def test_examples_validate_against_their_schemas(schema: dict[str, Any], example: Any) -> None:
    errors = list(schema_validator(load_spec(), schema).iter_errors(example))
    assert not errors, errors[0].message
