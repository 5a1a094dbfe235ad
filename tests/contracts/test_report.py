"""The report for people: a line per check, each failure with its reproduction, no key shown."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from contracts.baseline import Baseline, Entry, compare, entries_of
from contracts.client import Auth, Request
from contracts.outcome import CheckResult, Finding, Status
from contracts.report import (
    ONE_LINE,
    check_line,
    failure_block,
    redactor,
    render,
    reproduction,
    traffic_line,
)
from contracts.runner import Report
from contracts.settings import Connection, Settings
from tests.contracts import samples

ADMIN_KEY = "alk_a_6435a5d56d7c5f50f5ab51bfdf203602"
SETTINGS = Settings(
    base_url="http://127.0.0.1:8080", admin_key=ADMIN_KEY, member_key="alk_m_x1y2z3w4", seed=42
)
REQUEST = Request("GET", "/api/v1/audit-log", (("limit", "0"),), Auth.none())
FAILED = CheckResult(
    "params.limit-range",
    "limit outside 1..200 gets 400.",
    Status.FAILED,
    "expected 400; got 200",
    (Finding("400", "200 OK", REQUEST, "http://127.0.0.1:8080", response="200 {}"),),
    0.5,
)
PASSED = CheckResult("auth.missing-key", "No key gets 401.", Status.PASSED, "", (), 0.1)
SKIPPED = CheckResult("isolation.other-project", "Keys see one project.", Status.SKIPPED, "no key")


def report(*results: CheckResult) -> Report:
    return Report(SETTINGS, results, ("data: 3 entries",), 1.25)


def test_a_passed_check_shows_its_summary_and_the_others_their_reason() -> None:
    assert check_line(PASSED, 20) == "  passed        auth.missing-key      No key gets 401."
    assert check_line(SKIPPED, 0) == "  skipped       isolation.other-project  no key"
    assert check_line(FAILED, 0).startswith("  FAILED        params.limit-range  expected 400")


@given(st.text())
def test_a_check_line_is_one_line_of_bounded_length(reason: str) -> None:
    line = check_line(CheckResult("a.b", "s", Status.FAILED, reason), 3)
    assert "\n" not in line
    assert len(line) <= len("  FAILED        a.b  ") + ONE_LINE


def test_a_reproduction_is_the_rendered_curl_else_the_request_else_none() -> None:
    assert reproduction(Finding("e", "g", REQUEST, "http://h", curl="curl x")) == "curl x"
    assert reproduction(Finding("e", "g", REQUEST, "http://h")) == (
        "curl -sS -i 'http://h/api/v1/audit-log?limit=0'"
    )
    assert reproduction(Finding("e", "g")) is None


def test_a_failure_without_findings_still_says_what_was_expected() -> None:
    result = CheckResult("a.b", "The rule.", Status.FAILED, "it broke")
    assert failure_block(result) == [
        "a.b: The rule.",
        "  expected:  The rule.",
        "  got:       it broke",
    ]


def test_the_report_shows_the_run_each_check_the_failures_and_the_counts() -> None:
    lines = render(report(PASSED, FAILED, SKIPPED)).splitlines()
    assert lines[0] == (
        "Checking http://127.0.0.1:8080 against the contract (seed 42, 50 examples per property)"
    )
    assert lines[1] == "data: 3 entries"
    assert "params.limit-range: limit outside 1..200 gets 400." in lines
    assert "  reproduce: curl -sS -i 'http://127.0.0.1:8080/api/v1/audit-log?limit=0'" in lines
    assert "  response:  200 {}" in lines
    assert lines[-2] == (
        "traffic: 0 requests, 0 retried; waited 0.0 s on rate limits and 0.0 s in backoff"
    )
    assert lines[-1] == (
        "3 checks: 1 passed, 1 failed, 1 skipped, 0 inconclusive in 1.2 s (repeat with --seed 42)"
    )


def test_a_report_without_failures_has_no_failures_section() -> None:
    assert "Failures" not in render(report(PASSED, SKIPPED))


@given(st.text(), st.sampled_from(list(Status)))
def test_no_key_given_is_ever_printed_even_when_echoed_back(text: str, status: Status) -> None:
    echoed = CheckResult(
        "a.b",
        "summary",
        status,
        f"{text}{ADMIN_KEY}",
        (Finding("e", f"got {ADMIN_KEY}", response=f"401 {{'key': '{ADMIN_KEY}'}}"),),
    )
    shown = render(report(echoed, FAILED))
    assert ADMIN_KEY not in shown
    assert SETTINGS.member_key not in shown


def test_an_inconclusive_check_has_its_own_label_and_count() -> None:
    shown = render(samples.report()).splitlines()
    assert "  inconclusive  audit.since                503 persisted through 4 retries" in shown
    assert shown[-1].startswith("5 checks: 1 passed, 2 failed, 1 skipped, 1 inconclusive in 9.8 s")


def test_the_traffic_line_counts_requests_retries_give_ups_and_waits() -> None:
    assert traffic_line(samples.TRAFFIC) == (
        "traffic: 1234 requests, 13 retried (429: 3, 503: 9, connection: 1), "
        "1 given up after every retry (503: 1); "
        "waited 12.5 s on rate limits and 3.2 s in backoff"
    )
    assert traffic_line(samples.TRAFFIC) in render(samples.report()).splitlines()


def test_with_a_baseline_failures_are_known_or_new_and_gone_ones_fixed() -> None:
    known = Baseline(
        frozenset(entries_of(samples.FAILED)) | {Entry("auth.missing-key", "f", "401", "200")}
    )
    comparison = compare(samples.RESULTS, known)
    shown = render(samples.report(), comparison).splitlines()
    assert any(line.startswith("  FAILED known  params.limit-bounds ") for line in shown)
    assert any(line.startswith("  FAILED new    schema.not_a_server_error ") for line in shown)
    assert (
        "New failures (keys appear as $CONTRACT_*_KEY: export them to run a reproduction)" in shown
    )
    # Only the new failure is told in full; the known one is counted.
    assert "schema.not_a_server_error: No generated request gets a 5xx." in shown
    assert not any(line.startswith("params.limit-bounds:") for line in shown)
    assert any(line.startswith("Known failures (1) are in the baseline") for line in shown)
    fixed = shown.index(
        "Fixed: in the baseline, no longer failing (--write-baseline writes it anew)"
    )
    assert shown[fixed + 1] == "  auth.missing-key  401; the answer was 200"
    assert "2 failed (1 known, 1 new)" in shown[-1]


def test_without_a_baseline_the_labels_stay_as_they_were() -> None:
    shown = render(samples.report())
    assert "known" not in shown
    assert "  FAILED        params.limit-bounds" in shown
    assert "Failures (keys appear" in shown


@given(st.text())
def test_no_header_value_given_is_ever_printed(text: str) -> None:
    shown = render(samples.report(samples.echoing(text)))
    for secret in samples.SECRETS:
        assert secret not in shown
    assert "<X-Gateway-Key>" in shown
    assert "$CONTRACT_OTHER_ADMIN_KEY" in shown


def test_a_header_value_too_short_to_be_a_secret_is_left_alone() -> None:
    settings = replace(SETTINGS, connection=Connection(headers=(("X-Shard", "7"),)))
    assert redactor(settings)("limit 7 of 70") == "limit 7 of 70"
