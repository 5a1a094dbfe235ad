"""The report for CI systems: JUnit XML, one test case per check."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from .curl import redact
from .outcome import CheckResult, Status
from .report import finding_lines
from .runner import Report

# Characters XML 1.0 cannot carry at all, even escaped; an odd response body may hold them.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def details(result: CheckResult) -> str:
    lines = [result.summary]
    for finding in result.findings:
        lines.append("")
        lines.extend(finding_lines(finding))
    return "\n".join(lines)


def to_xml(report: Report) -> ET.Element:
    """The report as XML; every text is redacted before it is escaped."""
    keys = report.settings.keys()

    def clean(text: str) -> str:
        return NOT_IN_XML.sub("\ufffd", redact(text, keys))

    return _document(report, clean)


def _document(report: Report, clean: Callable[[str], str]) -> ET.Element:
    results = report.results
    suite = ET.Element(
        "testsuite",
        name="contracts",
        tests=str(len(results)),
        failures=str(sum(r.status is Status.FAILED for r in results)),
        errors="0",
        skipped=str(sum(r.status is Status.SKIPPED for r in results)),
        time=f"{report.seconds:.3f}",
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("base_url", report.settings.base_url),
        ("seed", str(report.settings.seed)),
        ("max_examples", str(report.settings.max_examples)),
    ):
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
        if result.status is Status.FAILED:
            failure = ET.SubElement(
                case, "failure", message=clean(result.reason), type="ContractViolation"
            )
            failure.text = clean(details(result))
        elif result.status is Status.SKIPPED:
            ET.SubElement(case, "skipped", message=clean(result.reason))
    root = ET.Element("testsuites")
    root.append(suite)
    return root


def write(report: Report, path: Path) -> None:
    """Write the report to `path`, every key replaced by its environment variable."""
    tree = to_xml(report)
    ET.indent(tree)
    text = ET.tostring(tree, encoding="unicode")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n", encoding="utf-8")
