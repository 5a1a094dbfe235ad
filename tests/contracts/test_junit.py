"""The report for CI: JUnit XML that parses whatever the answers held, one case per check."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from contracts.client import Auth, Request
from contracts.junit import to_xml, write
from contracts.outcome import CheckResult, Finding, Status
from contracts.runner import Report
from contracts.settings import Settings

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
    assert properties == {"base_url": "http://127.0.0.1:8080", "seed": "42", "max_examples": "50"}


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
