"""The report for people: one line per check, then each failure with its reproduction.

All text goes through `curl.redact`, so no key given to the suite is ever printed, even
when the implementation echoes one back in a body.
"""

from __future__ import annotations

from .curl import for_request, redact
from .outcome import CheckResult, Finding, Status
from .runner import Report

LABELS = {
    Status.PASSED: "passed      ",
    Status.FAILED: "FAILED      ",
    Status.SKIPPED: "skipped     ",
    Status.INCONCLUSIVE: "inconclusive",
}
ONE_LINE = 110


def reproduction(finding: Finding) -> str | None:
    if finding.curl is not None:
        return finding.curl
    if finding.request is not None:
        return for_request(finding.base_url, finding.request)
    return None


def check_line(result: CheckResult, width: int) -> str:
    why = result.reason if result.status is not Status.PASSED else result.summary
    why = " ".join(why.split())
    if len(why) > ONE_LINE:
        why = why[: ONE_LINE - 1] + "…"
    return f"  {LABELS[result.status]}  {result.name.ljust(width)}  {why}".rstrip()


def finding_lines(finding: Finding, indent: str = "") -> list[str]:
    """How to reproduce a finding, what the contract expects and what came back."""
    command = reproduction(finding)
    lines = [f"{indent}reproduce: {command}"] if command else []
    lines.append(f"{indent}expected:  {finding.expected}")
    lines.append(f"{indent}got:       {finding.got}")
    if finding.response:
        lines.append(f"{indent}response:  {' '.join(finding.response.split())}")
    return lines


def failure_block(result: CheckResult) -> list[str]:
    lines = [f"{result.name}: {result.summary}"]
    for finding in result.findings or (Finding(result.summary, result.reason),):
        lines.extend(finding_lines(finding, "  "))
    return lines


def render(report: Report) -> str:
    settings = report.settings
    lines = [
        f"Checking {settings.base_url} against the contract "
        f"(seed {settings.seed}, {settings.max_examples} examples per property)",
        *report.notes,
        "",
    ]
    width = max((len(result.name) for result in report.results), default=0)
    lines += [check_line(result, width) for result in report.results]
    if report.failed:
        lines += [
            "",
            "Failures (keys appear as $CONTRACT_*_KEY: export them to run a reproduction)",
        ]
        for result in report.failed:
            lines += ["", *failure_block(result)]
    counts = {status: sum(r.status is status for r in report.results) for status in Status}
    lines += [
        "",
        f"{len(report.results)} checks: {counts[Status.PASSED]} passed, "
        f"{counts[Status.FAILED]} failed, {counts[Status.SKIPPED]} skipped "
        f"in {report.seconds:.1f} s (repeat with --seed {settings.seed})",
    ]
    return redact("\n".join(lines), settings.keys())
