"""The report for people: one line per check, then each new failure with its reproduction.

All text goes through `redactor`, so no key and no header value given to the suite is
ever printed, even when the implementation echoes one back in a body.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from .baseline import Comparison, Entry, Kind, compare, findings_of
from .curl import for_request, redact
from .outcome import CheckResult, Finding, Status
from .runner import Report
from .settings import Settings
from .traffic import Traffic

LABELS = {
    Status.PASSED: "passed      ",
    Status.FAILED: "FAILED      ",
    Status.SKIPPED: "skipped     ",
    Status.INCONCLUSIVE: "inconclusive",
}
# With a baseline, a failure says where it stands; the labels keep one width.
FAILED_LABELS = {Kind.KNOWN: "FAILED known", Kind.NEW: "FAILED new  "}
ONE_LINE = 110
# Header values shorter than this are not replaced: a tenant id such as "7" would turn
# every 7 in a report into a placeholder, and a value that short guards nothing.
SHORTEST_SECRET_HEADER = 4


def redactor(settings: Settings) -> Callable[[str], str]:
    """Replaces every key (by its environment variable, as `curl.redact` does) and every
    value of `--header` (by `<Name>`) in a text: the one redaction of every report."""
    keys = settings.keys()
    headers = sorted(
        (
            (value, f"<{name}>")
            for name, value in settings.connection.headers
            if len(value) >= SHORTEST_SECRET_HEADER
        ),
        key=lambda item: -len(item[0]),
    )

    def clean(text: str) -> str:
        text = redact(text, keys)
        for value, placeholder in headers:
            text = text.replace(value, placeholder)
        return text

    return clean


def scrubbed(report: Report) -> Report:
    """`report` with every text of its results and notes redacted, and each reproduction
    rendered and redacted: for a format that escapes text (HTML, Markdown), which must
    redact before it escapes, or an escaped key would slip past."""
    clean = redactor(report.settings)

    def finding(found: Finding) -> Finding:
        command = reproduction(found)
        return replace(
            found,
            expected=clean(found.expected),
            got=clean(found.got),
            request=None,
            curl=clean(command) if command is not None else None,
            response=clean(found.response) if found.response is not None else None,
        )

    results = tuple(
        replace(
            result,
            summary=clean(result.summary),
            reason=clean(result.reason),
            findings=tuple(finding(found) for found in result.findings),
        )
        for result in report.results
    )
    return replace(report, results=results, notes=tuple(clean(n) for n in report.notes))


def reproduction(finding: Finding) -> str | None:
    if finding.curl is not None:
        return finding.curl
    if finding.request is not None:
        return for_request(finding.base_url, finding.request)
    return None


def check_line(result: CheckResult, width: int, kind: Kind | None = None) -> str:
    why = result.reason if result.status is not Status.PASSED else result.summary
    why = " ".join(why.split())
    if len(why) > ONE_LINE:
        why = why[: ONE_LINE - 1] + "…"
    label = FAILED_LABELS[kind] if kind in FAILED_LABELS else LABELS[result.status]
    return f"  {label}  {result.name.ljust(width)}  {why}".rstrip()


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
    for finding in findings_of(result):
        lines.extend(finding_lines(finding, "  "))
    return lines


def seconds(value: float) -> str:
    return f"{value:.1f} s"


def by_cause(counts: Counter[str]) -> str:
    return ", ".join(f"{cause}: {n}" for cause, n in sorted(counts.items()))


def traffic_line(traffic: Traffic) -> str:
    """What the run cost the server: requests, transient answers retried and given up on
    (by status, or "connection"), and the time spent waiting."""
    retried = sum(traffic.retried.values())
    line = f"traffic: {traffic.requests} requests, {retried} retried"
    if retried:
        line += f" ({by_cause(traffic.retried)})"
    gave_up = sum(traffic.gave_up.values())
    if gave_up:
        line += f", {gave_up} given up after every retry ({by_cause(traffic.gave_up)})"
    return (
        f"{line}; waited {seconds(traffic.rate_limit_wait)} on rate limits "
        f"and {seconds(traffic.retry_wait)} in backoff"
    )


def counts_line(report: Report, comparison: Comparison) -> str:
    counts = Counter(result.status for result in report.results)
    failed = f"{counts[Status.FAILED]} failed"
    if comparison.given:
        failed += (
            f" ({len(comparison.known(report.results))} known, "
            f"{len(comparison.new(report.results))} new)"
        )
    return (
        f"{len(report.results)} checks: {counts[Status.PASSED]} passed, {failed}, "
        f"{counts[Status.SKIPPED]} skipped, {counts[Status.INCONCLUSIVE]} inconclusive "
        f"in {seconds(report.seconds)} (repeat with --seed {report.settings.seed})"
    )


def fixed_lines(fixed: tuple[Entry, ...]) -> list[str]:
    if not fixed:
        return []
    width = max(len(entry.check) for entry in fixed)
    return [
        "",
        "Fixed: in the baseline, no longer failing (--write-baseline writes it anew)",
        *(f"  {e.check.ljust(width)}  {e.rule}; the answer was {e.answer}" for e in fixed),
    ]


def render(report: Report, comparison: Comparison | None = None) -> str:
    """The whole report; `comparison` is the run against its baseline (none: all new)."""
    if comparison is None:
        comparison = compare(report.results, None)
    settings = report.settings
    lines = [
        f"Checking {settings.base_url} against the contract "
        f"(seed {settings.seed}, {settings.max_examples} examples per property)",
        *report.notes,
        "",
    ]
    width = max((len(result.name) for result in report.results), default=0)
    lines += [
        check_line(result, width, comparison.kind(result) if comparison.given else None)
        for result in report.results
    ]
    new = comparison.new(report.results)
    if new:
        title = "New failures" if comparison.given else "Failures"
        lines += [
            "",
            f"{title} (keys appear as $CONTRACT_*_KEY: export them to run a reproduction)",
        ]
        for result in new:
            lines += ["", *failure_block(result)]
    known = comparison.known(report.results)
    if known:
        lines += [
            "",
            f"Known failures ({len(known)}) are in the baseline and do not fail the run; "
            "--json-report and --markdown-report hold their reproductions",
        ]
    lines += fixed_lines(comparison.fixed)
    lines += ["", traffic_line(report.traffic), counts_line(report, comparison)]
    return redactor(settings)("\n".join(lines))
