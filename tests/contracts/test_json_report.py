"""The JSON report: valid against its own schema, every check and finding, no secret."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.baseline import Baseline, Entry, compare, entries_of
from contracts.json_report import render, schema, to_document, write
from tests.contracts import samples


def validated(document: Any) -> dict[str, Any]:
    jsonschema.Draft202012Validator(schema()).validate(document)
    assert isinstance(document, dict)
    return document


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())


def test_the_report_holds_the_run_its_counts_and_its_traffic(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "contracts.json"
    write(samples.report(), path)
    document = validated(json.loads(path.read_text(encoding="utf-8")))
    assert (document["version"], document["outcome"], document["seconds"]) == (1, "failed", 9.75)
    assert document["settings"] == {
        "base_url": "https://staging.example.com/gateway",
        "seed": 42,
        "max_examples": 50,
        "select": [],
        "timeout": 10.0,
        "other_project": True,
        "headers": ["X-Gateway-Key", "X-Tenant"],
        "rate_limit": 40.0,
        "retries": 4,
        "tls": {"ca_bundle": None, "insecure": False, "client_cert": False},
        "baseline": None,
    }
    assert document["counts"] == {
        "checks": 5,
        "passed": 1,
        "failed": 2,
        "skipped": 1,
        "inconclusive": 1,
        "known": 0,
        "new": 2,
    }
    assert document["traffic"] == {
        "requests": 1234,
        "retried": {"429": 3, "503": 9, "connection": 1},
        "gave_up": {"503": 1},
        "rate_limit_wait_seconds": 12.5,
        "retry_wait_seconds": 3.25,
    }
    assert document["notes"] == ["data: 3 entries"]


def test_each_check_has_its_status_duration_reason_and_findings() -> None:
    checks = {c["name"]: c for c in validated(to_document(samples.report()))["checks"]}
    assert list(checks) == [result.name for result in samples.RESULTS]
    assert checks["audit.since"] == {
        "name": "audit.since",
        "summary": "since=t keeps entries after t.",
        "status": "inconclusive",
        "baseline": None,
        "seconds": 3.0,
        "reason": "503 persisted through 4 retries",
        "findings": [],
    }
    (finding,) = checks["params.limit-bounds"]["findings"]
    assert finding == {
        "expected": "400 (limit='0': outside 1 to 200)",
        "got": "200 OK",
        "reproduction": "curl -sS -i 'https://staging.example.com/gateway/api/v1/audit-log?limit=0'",
        "response": '200 application/json {"data": []}',
        "fingerprint": entries_of(samples.FAILED)[0].fingerprint,
        "baseline": None,
    }
    (schema_finding,) = checks["schema.not_a_server_error"]["findings"]
    assert schema_finding["reproduction"] == samples.SCHEMA_FAILED.findings[0].curl


def test_with_a_baseline_checks_and_findings_say_known_or_new_and_fixed_are_listed() -> None:
    fixed = Entry("auth.missing-key", "0123456789abcdef", "401", "200")
    known = Baseline(frozenset(entries_of(samples.FAILED)) | {fixed})
    document = validated(to_document(samples.report(), compare(samples.RESULTS, known)))
    checks = {c["name"]: c for c in document["checks"]}
    assert checks["params.limit-bounds"]["baseline"] == "known"
    assert checks["params.limit-bounds"]["findings"][0]["baseline"] == "known"
    assert checks["schema.not_a_server_error"]["baseline"] == "new"
    assert checks["auth.missing-key"]["baseline"] is None
    assert (document["counts"]["known"], document["counts"]["new"]) == (1, 1)
    assert document["fixed"] == [
        {
            "check": "auth.missing-key",
            "fingerprint": "0123456789abcdef",
            "rule": "401",
            "answer": "200",
        }
    ]


@pytest.mark.parametrize(
    ("results", "outcome"),
    [
        ((samples.PASSED, samples.SKIPPED), "passed"),
        ((samples.PASSED, samples.INCONCLUSIVE), "inconclusive"),
        ((samples.FAILED, samples.INCONCLUSIVE), "failed"),
    ],
)
def test_the_outcome_is_the_exit_status_in_words(results: tuple[Any, ...], outcome: str) -> None:
    assert to_document(samples.report(*results))["outcome"] == outcome


@given(st.text())
def test_no_key_or_header_value_is_ever_written_and_the_shape_holds(text: str) -> None:
    shown = render(samples.report(samples.echoing(text)))
    for secret in samples.SECRETS:
        assert secret not in shown
    validated(json.loads(shown))
