"""Outcomes: a violation names what was expected and what came, with the exchange that shows it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from contracts.client import Auth, Exchange, Request, Response
from contracts.outcome import CheckResult, Finding, Status, Violation

REQUEST = Request("GET", "/api/v1/audit-log", (("limit", "0"),), Auth.literal("Bearer x"))


def exchange(response: Response) -> Exchange:
    return Exchange("http://127.0.0.1:8080", REQUEST, response)


@given(st.text(), st.text())
def test_a_violation_reads_as_expected_then_got(expected: str, got: str) -> None:
    violation = Violation(expected, got)
    assert str(violation) == f"expected {expected}; got {got}"
    assert violation.finding() == Finding(expected, got)


def test_a_finding_keeps_the_request_and_shows_the_response() -> None:
    response = Response(500, {"Content-Type": "application/json"}, b'{"oops": true}')
    finding = Violation("400", "500 Internal Server Error", exchange(response)).finding()
    assert finding == Finding(
        "400",
        "500 Internal Server Error",
        request=REQUEST,
        base_url="http://127.0.0.1:8080",
        response='500 application/json {"oops": true}',
    )


def test_a_response_without_a_body_or_content_type_is_shown_as_such() -> None:
    finding = Violation("200", "204", exchange(Response(204, {}, b""))).finding()
    assert finding.response == "204 (no Content-Type)"


def test_a_long_body_is_shown_as_an_excerpt() -> None:
    response = Response(200, {"Content-Type": "text/plain"}, b"x" * 1000)
    shown = Violation("json", "text", exchange(response)).finding().response
    assert shown == "200 text/plain " + "x" * 300 + "…"


def test_a_result_has_no_reason_findings_or_time_unless_given() -> None:
    result = CheckResult("auth.missing-key", "No key gets 401.", Status.PASSED)
    assert (result.reason, result.findings, result.seconds) == ("", (), 0.0)
    assert [status.value for status in Status] == ["passed", "failed", "skipped", "inconclusive"]
