"""The end of a proxy run: a summary for people, and the suite's `Report` for the writers.

The summary says how many exchanges passed, what each check found, and what the
traffic exercised (see `coverage.py`). `as_report` turns the same tallies into the
`runner.Report` that `junit.write` (and every report writer of the suite) takes: one
result per check, failed with its first findings, passed when it judged at least one
exchange, skipped when no exchange could show it.
"""

from __future__ import annotations

import time

from ..outcome import CheckResult, Status
from ..report import finding_lines
from ..runner import Report
from ..settings import Settings
from .judge import RULES
from .monitor import Monitor


def results(monitor: Monitor) -> tuple[CheckResult, ...]:
    out = []
    for rule in RULES:
        tally = monitor.tallies[rule.name]
        if tally.violations:
            first = tally.findings[0]
            status, reason = (
                Status.FAILED,
                f"{tally.violations} of {tally.judged} exchanges: expected {first.expected}; "
                f"got {first.got}",
            )
        elif tally.judged:
            status, reason = Status.PASSED, f"{tally.judged} exchanges"
        else:
            status, reason = Status.SKIPPED, "no exchange of the traffic could show it"
        out.append(CheckResult(rule.name, rule.summary, status, reason, tuple(tally.findings), 0.0))
    return tuple(out)


def traffic_line(monitor: Monitor, seconds: float) -> str:
    coverage = monitor.coverage
    parts = [f"{monitor.exchanges} exchanges in {seconds:.1f} s"]
    if coverage.outside:
        parts.append(f"{coverage.outside} outside the spec's paths (forwarded, not judged)")
    if coverage.transient:
        counts = ", ".join(f"{s} x{c}" for s, c in sorted(coverage.transient.items()))
        parts.append(f"transient answers not judged: {counts}")
    if coverage.unanswered:
        parts.append(f"{coverage.unanswered} without an answer from the target")
    if monitor.failures:
        parts.append(f"{monitor.failures} whose judging failed (see the lines above)")
    if monitor.unchecked:
        parts.append(f"{monitor.unchecked} not checked (the queue was full)")
    return "; ".join(parts)


def render(monitor: Monitor, seconds: float | None = None) -> str:
    """The summary printed when the proxy stops."""
    elapsed = time.monotonic() - monitor.started if seconds is None else seconds
    checked = results(monitor)
    failed = [r for r in checked if r.status is Status.FAILED]
    lines = [
        f"contracts proxy, forwarding to {monitor.target}: {traffic_line(monitor, elapsed)}",
        "",
    ]
    if failed:
        lines.append("Violations by check (keys appear as $CONTRACT_API_KEY):")
        width = max(len(r.name) for r in failed)
        for result in failed:
            tally = monitor.tallies[result.name]
            lines.append(f"  {result.name.ljust(width)}  {tally.violations}")
        for result in failed:
            lines += ["", f"{result.name}: {result.summary}"]
            lines += finding_lines(result.findings[0], "  ")
    else:
        lines.append("No violations.")
    lines += ["", "Coverage (what the traffic exercised):", *monitor.coverage.lines()]
    judged = sum(r.status is Status.PASSED for r in checked)
    never = [r.name for r in checked if r.status is Status.SKIPPED]
    lines += [
        "",
        f"{len(checked)} checks: {judged} passed, {len(failed)} failed, "
        f"{len(never)} never exercised by the traffic",
    ]
    return monitor.redactor.text("\n".join(lines))


def as_report(monitor: Monitor, seconds: float | None = None) -> Report:
    """The run as the suite's report, for `junit.write` and the other writers."""
    elapsed = time.monotonic() - monitor.started if seconds is None else seconds
    settings = Settings(base_url=monitor.target, admin_key="", member_key="", seed=0)
    notes = (traffic_line(monitor, elapsed), *monitor.coverage.lines())
    return Report(settings, results(monitor), notes, elapsed)
