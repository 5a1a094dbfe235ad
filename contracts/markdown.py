"""The report a person reads in a CI page: counts, the checks that did not pass, and each
failure with its `curl` in a code block (GitHub's job summary, a merge request comment).

Everything that comes from an answer is escaped for where it lands: table cells lose
their newlines and pipes, code blocks get a fence longer than any run of backticks
inside them. Every text is redacted first.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from .baseline import Comparison, Kind, compare, findings_of, verdict
from .outcome import CheckResult, Status
from .report import redactor, reproduction, scrubbed, traffic_line
from .runner import Report

ICONS = {
    Status.PASSED: "✅ passed",
    Status.FAILED: "❌ failed",
    Status.SKIPPED: "⏭️ skipped",
    Status.INCONCLUSIVE: "⚠️ inconclusive",
}
HEADLINES = {
    Status.PASSED: "✅ Contract suite passed",
    Status.FAILED: "❌ Contract suite failed",
    Status.INCONCLUSIVE: "⚠️ Contract suite inconclusive",
}
BACKTICKS = re.compile("`+")
CELL = 200


def cell(text: str) -> str:
    """`text` as one line of a table cell or a list: bounded, pipes and HTML escaped (a
    body excerpt may hold tags a page would otherwise render)."""
    text = " ".join(text.split())
    if len(text) > CELL:
        text = text[: CELL - 1] + "…"
    text = html.escape(text, quote=False).replace("\\", "\\\\").replace("|", "\\|")
    return text or " "


def code(text: str, language: str = "") -> list[str]:
    """`text` in a fenced block that nothing inside it can close."""
    longest = max((len(run) for run in BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{language}", text, fence]


def inline(text: str) -> str:
    longest = max((len(run) for run in BACKTICKS.findall(text)), default=0)
    ticks = "`" * (longest + 1)
    return f"{ticks} {text} {ticks}" if longest else f"`{text}`"


def status_cell(result: CheckResult, comparison: Comparison) -> str:
    kind = comparison.kind(result) if comparison.given else None
    return f"{ICONS[result.status]} ({kind})" if kind else ICONS[result.status]


def failure_section(result: CheckResult, comparison: Comparison) -> list[str]:
    kind = comparison.kind(result) if comparison.given else None
    lines = [f"### {inline(result.name)}" + (f" ({kind})" if kind else ""), "", result.summary]
    for finding in findings_of(result):
        lines.append("")
        command = reproduction(finding)
        if command:
            lines += code(command, "sh")
        lines += [f"- **expected:** {cell(finding.expected)}", f"- **got:** {cell(finding.got)}"]
        if finding.response:
            lines += ["- **response:**", "", *code(" ".join(finding.response.split()))]
    return lines


def render(report: Report, comparison: Comparison | None = None) -> str:
    """The summary; the comparison is made on the report as given (fingerprints are of
    the findings as found), the text from the report redacted."""
    comparison = comparison or compare(report.results, None)
    report = scrubbed(report)
    results, settings = report.results, report.settings
    counts = {status: sum(r.status is status for r in results) for status in Status}
    failed = f"{counts[Status.FAILED]} failed"
    if comparison.given:
        failed += f" ({len(comparison.known(results))} known, {len(comparison.new(results))} new)"
    lines = [
        f"## {HEADLINES[verdict(results, comparison)]}",
        "",
        f"**{len(results)} checks:** {counts[Status.PASSED]} passed, {failed}, "
        f"{counts[Status.SKIPPED]} skipped, {counts[Status.INCONCLUSIVE]} inconclusive "
        f"in {report.seconds:.1f} s",
        "",
        f"{inline(settings.base_url)} · seed {settings.seed} (repeat with "
        f"`--seed {settings.seed}`) · {settings.max_examples} examples per property",
        "",
        traffic_line(report.traffic).replace("traffic: ", "Traffic: ", 1),
    ]
    for note in report.notes:
        lines += ["", f"> {cell(note)}"]
    shown = [r for r in results if r.status is not Status.PASSED]
    if shown:
        lines += ["", "| status | check | why |", "|---|---|---|"]
        lines += [
            f"| {status_cell(r, comparison)} | {inline(r.name)} | {cell(r.reason)} |" for r in shown
        ]
    if comparison.fixed:
        lines += [
            "",
            "**Fixed** (in the baseline, no longer failing; `--write-baseline` writes it anew):",
            "",
        ]
        lines += [
            f"- {inline(e.check)}: {cell(e.rule)} (the answer was {e.answer})"
            for e in comparison.fixed
        ]
    failures = [r for r in results if r.status is Status.FAILED]
    # New failures first: they are what fails the run.
    failures.sort(key=lambda r: comparison.kind(r) is Kind.KNOWN)
    if failures:
        lines += ["", "Keys appear as `$CONTRACT_*_KEY`: export them to run a reproduction."]
    for result in failures:
        lines += ["", *failure_section(result, comparison)]
    return redactor(settings)("\n".join(lines)) + "\n"


def write(
    report: Report, path: Path, comparison: Comparison | None = None, *, append: bool = False
) -> None:
    """Write the summary to `path`; `append` adds it after what is there (a CI job summary
    that other steps write to as well)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a" if append else "w", encoding="utf-8") as file:
        file.write(render(report, comparison))
