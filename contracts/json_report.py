"""The report for programs: one JSON document with every check, its findings and the run.

Its shape is `report.schema.json` beside this module (JSON Schema 2020-12), versioned by
`version`: a field is only ever added within a version. The settings are summarised
without keys or header values (only the header names), and every text is redacted, so the
file can be kept as a CI artifact.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from .baseline import Comparison, compare, entries_of, findings_of, verdict
from .outcome import CheckResult, Finding, Status
from .report import redactor, reproduction
from .runner import Report
from .settings import Settings
from .traffic import Traffic

VERSION = 1
SCHEMA = "report.schema.json"


def schema() -> dict[str, Any]:
    """The JSON Schema every report this version writes is valid against."""
    text = resources.files(__package__).joinpath(SCHEMA).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def settings_summary(settings: Settings) -> dict[str, Any]:
    connection = settings.connection
    return {
        "base_url": settings.base_url,
        "seed": settings.seed,
        "max_examples": settings.max_examples,
        "select": list(settings.select),
        "timeout": settings.timeout,
        "other_project": settings.other_admin_key is not None,
        "headers": [name for name, _ in connection.headers],
        "rate_limit": connection.rate_limit,
        "retries": connection.retries,
        "tls": {
            "ca_bundle": str(connection.ca_bundle) if connection.ca_bundle else None,
            "insecure": connection.insecure,
            "client_cert": connection.client_cert is not None,
        },
        "baseline": str(settings.baseline) if settings.baseline else None,
    }


def traffic_summary(traffic: Traffic) -> dict[str, Any]:
    return {
        "requests": traffic.requests,
        "retried": dict(sorted(traffic.retried.items())),
        "gave_up": dict(sorted(traffic.gave_up.items())),
        "rate_limit_wait_seconds": round(traffic.rate_limit_wait, 3),
        "retry_wait_seconds": round(traffic.retry_wait, 3),
    }


def finding_entry(finding: Finding, fingerprint: str, kind: str | None) -> dict[str, Any]:
    return {
        "expected": finding.expected,
        "got": finding.got,
        "reproduction": reproduction(finding),
        "response": finding.response,
        "fingerprint": fingerprint,
        "baseline": kind,
    }


def check_entry(result: CheckResult, comparison: Comparison) -> dict[str, Any]:
    kind = comparison.kind(result)
    findings: list[dict[str, Any]] = []
    if result.status is Status.FAILED:
        kinds = comparison.finding_kinds(result)
        for finding, entry, finding_kind in zip(
            findings_of(result), entries_of(result), kinds, strict=True
        ):
            findings.append(
                finding_entry(
                    finding, entry.fingerprint, str(finding_kind) if comparison.given else None
                )
            )
    return {
        "name": result.name,
        "summary": result.summary,
        "status": str(result.status),
        "baseline": str(kind) if kind is not None and comparison.given else None,
        "seconds": round(result.seconds, 3),
        "reason": result.reason,
        "findings": findings,
    }


def redacted(value: Any, clean: Callable[[str], str]) -> Any:
    """`value` with every string in it (keys of objects included) passed through `clean`."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(k): redacted(v, clean) for k, v in value.items()}
    if isinstance(value, list):
        return [redacted(item, clean) for item in value]
    return value


def to_document(report: Report, comparison: Comparison | None = None) -> dict[str, Any]:
    """The report as JSON values, every string redacted."""
    comparison = comparison or compare(report.results, None)
    results = report.results
    counts = {str(status): sum(r.status is status for r in results) for status in Status}
    document = {
        "version": VERSION,
        "outcome": str(verdict(results, comparison)),
        "seconds": round(report.seconds, 3),
        "settings": settings_summary(report.settings),
        "counts": {
            "checks": len(results),
            **counts,
            "known": len(comparison.known(results)),
            "new": len(comparison.new(results)),
        },
        "traffic": traffic_summary(report.traffic),
        "notes": list(report.notes),
        "checks": [check_entry(result, comparison) for result in results],
        "fixed": [
            {"check": e.check, "fingerprint": e.fingerprint, "rule": e.rule, "answer": e.answer}
            for e in comparison.fixed
        ],
    }
    cleaned: dict[str, Any] = redacted(document, redactor(report.settings))
    return cleaned


def render(report: Report, comparison: Comparison | None = None) -> str:
    return json.dumps(to_document(report, comparison), indent=2, ensure_ascii=False)


def write(report: Report, path: Path, comparison: Comparison | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(report, comparison) + "\n", encoding="utf-8")
