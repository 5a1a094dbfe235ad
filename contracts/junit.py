"""The report for CI systems: JUnit XML, one test case per check.

JUnit knows passed, failed, errored and skipped. A check that is *inconclusive* (a
transient answer outlasted the retries) judged nothing, so it is a `<skipped>` whose
message starts with "inconclusive": an `<error>` would count as a failure in every CI
view, the very false alarm the status exists to avoid; the run's exit status (3) still
tells it apart. A *known* failure (in the baseline) is a `<skipped>` too, whose message
starts with "known failure" and whose text holds the reproduction: the run passes, and
test-report tools that fail a pipeline on any `<failure>` must agree with it. The traffic
counters and those counts are properties of the suite.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from .baseline import Comparison, Kind, compare
from .outcome import CheckResult, Status
from .report import finding_lines, redactor
from .runner import Report

# Characters XML 1.0 cannot carry at all, even escaped; an odd response body may hold them.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def details(result: CheckResult) -> str:
    lines = [result.summary]
    for finding in result.findings:
        lines.append("")
        lines.extend(finding_lines(finding))
    return "\n".join(lines)


def to_xml(report: Report, comparison: Comparison | None = None) -> ET.Element:
    """The report as XML; every text is redacted before it is escaped."""
    redacted = redactor(report.settings)

    def clean(text: str) -> str:
        return NOT_IN_XML.sub("\ufffd", redacted(text))

    return _document(report, comparison or compare(report.results, None), clean)


def _properties(report: Report, comparison: Comparison) -> list[tuple[str, str]]:
    settings, traffic = report.settings, report.traffic
    properties = [
        ("base_url", settings.base_url),
        ("seed", str(settings.seed)),
        ("max_examples", str(settings.max_examples)),
    ]
    if comparison.given:
        properties += [
            ("known_failures", str(len(comparison.known(report.results)))),
            ("new_failures", str(len(comparison.new(report.results)))),
            ("fixed_failures", str(len(comparison.fixed))),
        ]
    properties += [
        ("inconclusive", str(len(report.inconclusive))),
        ("requests", str(traffic.requests)),
        *((f"retried.{cause}", str(n)) for cause, n in sorted(traffic.retried.items())),
        *((f"gave_up.{cause}", str(n)) for cause, n in sorted(traffic.gave_up.items())),
        ("rate_limit_wait_seconds", f"{traffic.rate_limit_wait:.3f}"),
        ("retry_wait_seconds", f"{traffic.retry_wait:.3f}"),
    ]
    return properties


def _document(report: Report, comparison: Comparison, clean: Callable[[str], str]) -> ET.Element:
    results = report.results
    known = {result.name for result in comparison.known(results)}
    failed = [r for r in results if r.status is Status.FAILED and r.name not in known]
    suite = ET.Element(
        "testsuite",
        name="contracts",
        tests=str(len(results)),
        failures=str(len(failed)),
        errors="0",
        skipped=str(len(results) - len(failed) - sum(r.status is Status.PASSED for r in results)),
        time=f"{report.seconds:.3f}",
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in _properties(report, comparison):
        ET.SubElement(properties, "property", name=name, value=clean(value))
    for result in results:
        group = result.name.split(".", 1)[0]
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"contracts.{group}",
            name=result.name,
            time=f"{result.seconds:.3f}",
        )
        if comparison.kind(result) is Kind.KNOWN:
            skipped = ET.SubElement(
                case, "skipped", message=clean(f"known failure (in the baseline): {result.reason}")
            )
            skipped.text = clean(details(result))
        elif result.status is Status.FAILED:
            failure = ET.SubElement(
                case, "failure", message=clean(result.reason), type="ContractViolation"
            )
            failure.text = clean(details(result))
        elif result.status is Status.SKIPPED:
            ET.SubElement(case, "skipped", message=clean(result.reason))
        elif result.status is Status.INCONCLUSIVE:
            ET.SubElement(case, "skipped", message=clean(f"inconclusive: {result.reason}"))
    root = ET.Element("testsuites")
    root.append(suite)
    return root


def write(report: Report, path: Path, comparison: Comparison | None = None) -> None:
    """Write the report to `path`, every key replaced by its environment variable."""
    tree = to_xml(report, comparison)
    ET.indent(tree)
    text = ET.tostring(tree, encoding="unicode")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n", encoding="utf-8")
