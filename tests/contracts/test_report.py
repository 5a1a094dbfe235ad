"""The report for people: a line per check, each failure with its reproduction, no key shown."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from contracts.client import Auth, Request
from contracts.outcome import CheckResult, Finding, Status
from contracts.report import ONE_LINE, check_line, failure_block, render, reproduction
from contracts.runner import Report
from contracts.settings import Settings

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
    assert lines[-1] == "3 checks: 1 passed, 1 failed, 1 skipped in 1.2 s (repeat with --seed 42)"


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
