"""The schemathesis part: what it is configured to check, and how its tallies become results."""

from __future__ import annotations

import pytest

from contracts import schema
from contracts.outcome import Finding, Status
from contracts.settings import Settings
from contracts.spec import load_spec

SETTINGS = Settings(
    base_url="http://127.0.0.1:1", admin_key="a", member_key="m", seed=3, max_examples=7
)


def test_the_spec_is_the_packaged_one() -> None:
    spec = load_spec()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/audit-log" in spec["paths"]


@pytest.mark.parametrize("wanted", [[], ["not_a_server_error"], list(schema.CHECK_SUMMARIES)])
def test_only_the_selected_checks_are_enabled_and_the_disabled_never(wanted: list[str]) -> None:
    config = schema.configuration(SETTINGS, wanted)
    checks = config.projects.default.checks
    for name in schema.CHECK_SUMMARIES:
        assert getattr(checks, name).enabled == (name in wanted)
    for name in schema.DISABLED:
        assert not getattr(checks, name).enabled


def test_the_run_is_seeded_and_sized_by_the_settings() -> None:
    config = schema.configuration(SETTINGS, [])
    assert config.seed == 3
    assert config.projects.default.base_url == "http://127.0.0.1:1"
    assert config.projects.default.generation.max_examples == 7


def test_nothing_selected_runs_nothing() -> None:
    assert schema.run(SETTINGS, []) == []


def test_every_check_is_named_with_the_prefix_in_summary_order() -> None:
    assert schema.check_names() == [f"schema.{name}" for name in schema.CHECK_SUMMARIES]


def test_a_tally_with_findings_fails_with_the_first_title() -> None:
    first = Finding("e", "Server error: 500")
    tally = schema.Tally(passed=4, findings={("Server error", "500"): first})
    result = schema.result("not_a_server_error", tally, ["ignored"], 1.0)
    assert (result.name, result.status, result.reason, result.findings) == (
        "schema.not_a_server_error",
        Status.FAILED,
        "Server error",
        (first,),
    )


def test_a_run_that_did_not_complete_fails_every_check_without_findings() -> None:
    result = schema.result("ignored_auth", schema.Tally(passed=9), ["schemathesis stopped"], 1.0)
    assert (result.status, result.reason) == (Status.FAILED, "schemathesis stopped")


def test_a_check_with_passes_and_nothing_else_passes_with_the_count() -> None:
    result = schema.result("ignored_auth", schema.Tally(passed=9), [], 1.0)
    assert (result.status, result.reason) == (Status.PASSED, "9 responses")


def test_a_check_no_request_exercised_is_skipped() -> None:
    result = schema.result("unsupported_method", schema.Tally(), [], 1.0)
    assert result.status is Status.SKIPPED
