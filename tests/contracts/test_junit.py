"""The report for CI: JUnit XML that parses whatever the answers held, one case per check."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from contracts.baseline import Baseline, compare, entries_of
from contracts.client import Auth, Request
from contracts.junit import to_xml, write
from contracts.outcome import CheckResult, Finding, Status
from contracts.runner import Report
from contracts.settings import Settings
from tests.contracts import samples

ADMIN_KEY = "alk_a_6435a5d56d7c5f50f5ab51bfdf203602"
SETTINGS = Settings(
    base_url="http://127.0.0.1:8080", admin_key=ADMIN_KEY, member_key="alk_m_x1y2z3w4", seed=42
)
REQUEST = Request("GET", "/api/v1/audit-log", (("limit", "0"),), Auth.none())
RESULTS = (
    CheckResult("auth.missing-key", "No key gets 401.", Status.PASSED, "", (), 0.1),
    CheckResult(
        "params.limit-range",
        "limit outside 1..200 gets 400.",
        Status.FAILED,
        "expected 400; got 200",
        (Finding("400", "200 OK", REQUEST, "http://127.0.0.1:8080"),),
        0.25,
    ),
    CheckResult("isolation.other-project", "Keys see one project.", Status.SKIPPED, "no key"),
)


def parsed(results: tuple[CheckResult, ...], tmp_path: Path) -> ET.Element:
    """The report as written to a file and parsed back."""
    path = tmp_path / "reports" / "contracts.xml"
    write(Report(SETTINGS, results, (), 2.0), path)
    assert path.read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="utf-8"?>')
    return ET.parse(path).getroot()


def test_the_suite_counts_tests_failures_and_skips(tmp_path: Path) -> None:
    suite = parsed(RESULTS, tmp_path).find("testsuite")
    assert suite is not None
    assert suite.attrib == {
        "name": "contracts",
        "tests": "3",
        "failures": "1",
        "errors": "0",
        "skipped": "1",
        "time": "2.000",
    }
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties == {
        "base_url": "http://127.0.0.1:8080",
        "seed": "42",
        "max_examples": "50",
        "inconclusive": "0",
        "requests": "0",
        "rate_limit_wait_seconds": "0.000",
        "retry_wait_seconds": "0.000",
    }


def test_each_check_is_a_case_of_its_group_with_its_status(tmp_path: Path) -> None:
    cases = list(parsed(RESULTS, tmp_path).iter("testcase"))
    assert [(c.get("classname"), c.get("name"), c.get("time")) for c in cases] == [
        ("contracts.auth", "auth.missing-key", "0.100"),
        ("contracts.params", "params.limit-range", "0.250"),
        ("contracts.isolation", "isolation.other-project", "0.000"),
    ]
    assert [[child.tag for child in case] for case in cases] == [[], ["failure"], ["skipped"]]
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.get("message") == "expected 400; got 200"
    assert failure.get("type") == "ContractViolation"
    assert "reproduce: curl -sS -i 'http://127.0.0.1:8080/api/v1/audit-log?limit=0'" in (
        failure.text or ""
    )
    skipped = cases[2].find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "no key"


@given(st.text(), st.binary())
def test_any_text_an_answer_held_makes_valid_xml_without_the_keys(reason: str, body: bytes) -> None:
    response = body.decode("utf-8", "replace") + ADMIN_KEY
    result = CheckResult(
        "errors.no-5xx",
        "No 5xx.",
        Status.FAILED,
        reason + ADMIN_KEY,
        (Finding("no 5xx", reason, response=response),),
    )
    text = ET.tostring(to_xml(Report(SETTINGS, (result,), (), 0.0)), encoding="unicode")
    root = ET.fromstring(text)
    assert ADMIN_KEY not in text
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert (failure.get("message") or "").endswith("$CONTRACT_ADMIN_KEY")


def cases_of(root: ET.Element) -> dict[str, ET.Element]:
    return {case.get("name") or "": case for case in root.iter("testcase")}


def test_an_inconclusive_check_is_skipped_with_a_message_that_says_so() -> None:
    root = to_xml(samples.report())
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("5", "2", "2")
    skipped = cases_of(root)["audit.since"].find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "inconclusive: 503 persisted through 4 retries"


def test_a_known_failure_is_skipped_with_its_reproduction_and_a_new_one_fails() -> None:
    comparison = compare(samples.RESULTS, Baseline(frozenset(entries_of(samples.FAILED))))
    root = to_xml(samples.report(), comparison)
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("failures"), suite.get("skipped")) == ("1", "3")
    cases = cases_of(root)
    known = cases["params.limit-bounds"]
    assert [child.tag for child in known] == ["skipped"]
    skipped = known.find("skipped")
    assert skipped is not None
    assert (skipped.get("message") or "").startswith(
        "known failure (in the baseline): expected 400"
    )
    assert "reproduce: curl -sS -i" in (skipped.text or "")
    assert [child.tag for child in cases["schema.not_a_server_error"]] == ["failure"]
    properties = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert (properties["known_failures"], properties["new_failures"]) == ("1", "1")
    assert properties["fixed_failures"] == "0"


def test_the_traffic_is_kept_as_properties() -> None:
    properties = {p.get("name"): p.get("value") for p in to_xml(samples.report()).iter("property")}
    assert properties["base_url"] == "https://staging.example.com/gateway"
    assert {
        name: properties[name]
        for name in properties
        if name and name.startswith(("re", "gave", "rate"))
    } == {
        "requests": "1234",
        "retried.429": "3",
        "retried.503": "9",
        "retried.connection": "1",
        "gave_up.503": "1",
        "rate_limit_wait_seconds": "12.500",
        "retry_wait_seconds": "3.250",
    }


@given(st.text())
def test_no_header_value_is_ever_written(text: str) -> None:
    written = ET.tostring(to_xml(samples.report(samples.echoing(text))), encoding="unicode")
    for secret in samples.SECRETS:
        assert secret not in written
