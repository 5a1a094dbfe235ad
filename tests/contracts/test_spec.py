"""The suite's paths and bounds are the packaged spec's, read as data."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from contracts import client, model
from contracts.spec import (
    AUDIT_LOG_OPERATION,
    ApiFacts,
    api_facts,
    load_spec,
    operation,
    query_schema,
)
from mockserver.spec.loader import spec_text


def test_the_spec_read_is_the_packaged_one() -> None:
    assert load_spec() == yaml.safe_load(spec_text())


def test_each_read_is_a_fresh_document() -> None:
    first = load_spec()
    first["paths"].clear()
    assert load_spec()["paths"], "changing one read does not change the next"


def test_the_facts_of_the_packaged_spec() -> None:
    # The documented values (CONTRACT.md), typed here once to check the reading.
    assert api_facts() == ApiFacts(
        audit_log_path="/api/v1/audit-log",
        project_path="/api/v1/project",
        default_limit=50,
        max_limit=200,
        max_filter_length=100,
        max_since=2**63 - 1,
    )


def test_the_client_and_the_model_take_theirs_from_the_spec() -> None:
    facts = api_facts()
    assert (facts.audit_log_path, facts.project_path) == (client.AUDIT_LOG, client.PROJECT)
    assert (
        facts.default_limit,
        facts.max_limit,
        facts.max_filter_length,
        facts.max_since,
    ) == (model.DEFAULT_LIMIT, model.MAX_LIMIT, model.MAX_FILTER_LENGTH, model.MAX_SINCE)


def _audit_log_parameters(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    _, definition = operation(spec, AUDIT_LOG_OPERATION)
    return {parameter["name"]: parameter["schema"] for parameter in definition["parameters"]}


def test_another_spec_gives_other_facts() -> None:
    spec = copy.deepcopy(load_spec())
    spec["paths"]["/v2/log"] = spec["paths"].pop("/api/v1/audit-log")
    schemas = _audit_log_parameters(spec)
    schemas["limit"].update(default=20, maximum=500)
    schemas["action"]["maxLength"] = schemas["userId"]["maxLength"] = 64
    schemas["since"]["maximum"] = 10**12
    facts = ApiFacts.from_spec(spec)
    assert (facts.audit_log_path, facts.project_path) == ("/v2/log", "/api/v1/project")
    assert (facts.default_limit, facts.max_limit) == (20, 500)
    assert (facts.max_filter_length, facts.max_since) == (64, 10**12)


def test_filters_of_different_lengths_are_refused() -> None:
    spec = copy.deepcopy(load_spec())
    _audit_log_parameters(spec)["userId"]["maxLength"] = 50
    with pytest.raises(ValueError, match="different maximum lengths"):
        ApiFacts.from_spec(spec)


def test_an_unknown_operation_or_parameter_is_a_lookup_error() -> None:
    spec = load_spec()
    with pytest.raises(LookupError, match="no operation 'deleteProject'"):
        operation(spec, "deleteProject")
    with pytest.raises(LookupError, match="no query parameter 'page'"):
        query_schema(spec, AUDIT_LOG_OPERATION, "page")
    assert query_schema(spec, AUDIT_LOG_OPERATION, "limit")["minimum"] == 1
