"""Judging off the forwarding path: lines as violations are found, bounded memory."""

from __future__ import annotations

from contracts.proxy.capture import Captured
from contracts.proxy.monitor import MAX_FINDINGS, MAX_QUEUED, Monitor, violation_line
from tests.contracts.proxy.exchanges import captured, entry, page

T = 1_735_600_000_000


def test_a_violation_is_one_line_with_its_redacted_reproduction() -> None:
    lines: list[str] = []
    monitor = Monitor("http://staging.example/gw", lines.append)
    monitor.record(
        captured("/api/v1/audit-log?limit=2", 200, page(entry("a", T), entry("b", T + 1), total=9))
    )
    (line,) = lines
    assert line.startswith("violation (target) audit.newest-first: expected entries sorted")
    assert line.endswith(
        'reproduce: curl -sS -i -H "Authorization: Bearer $CONTRACT_API_KEY" '
        "'http://staging.example/gw/api/v1/audit-log?limit=2'"
    )
    assert "alk_a_0123456789abcdef" not in line


def test_findings_kept_are_bounded_and_every_violation_counted() -> None:
    monitor = Monitor("http://t", lambda _: None)
    for _ in range(MAX_FINDINGS * 4):
        monitor.record(captured("/api/v1/audit-log", 500, {"error": {}}))
    tally = monitor.tallies["errors.no-server-error"]
    assert tally.violations == MAX_FINDINGS * 4
    assert len(tally.findings) == MAX_FINDINGS


def test_a_full_queue_leaves_exchanges_unchecked_and_never_waits() -> None:
    monitor = Monitor("http://t", lambda _: None)  # not started: nothing drains the queue
    for _ in range(MAX_QUEUED + 5):
        monitor.submit(captured("/api/v1/project"))
    assert monitor.unchecked == 5


class Stumbling(Monitor):
    """A monitor whose judging fails on the project: a defect it must survive."""

    def record(self, captured: Captured) -> None:
        if captured.path == "/api/v1/project":
            raise RuntimeError("boom")
        super().record(captured)


def test_judging_that_fails_is_a_line_and_the_rest_is_judged() -> None:
    lines: list[str] = []
    with Stumbling("http://t", lines.append) as monitor:
        monitor.submit(captured("/api/v1/project"))
        monitor.submit(captured("/api/v1/audit-log", 500, {"error": {}}))
    assert monitor.failures == 1
    assert "judging GET /api/v1/project failed (RuntimeError: boom" in lines[0]
    assert lines[1].startswith("violation (target) errors.no-server-error")


def test_client_and_target_lines_say_whose_mistake() -> None:
    from contracts.outcome import Finding

    assert violation_line("request.repeated-parameter", Finding("a", "b")).startswith(
        "violation (client) request.repeated-parameter: expected a; got b"
    )
