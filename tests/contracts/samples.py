"""Reports as the runner makes them, for the tests of every report format: one check of each
status, a failure of our own and one of schemathesis, the traffic of a run through a
gateway, and settings with every kind of secret (keys and header values)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

from contracts.client import Auth, Request
from contracts.outcome import CheckResult, Finding, Status
from contracts.runner import Report
from contracts.settings import Connection, Settings
from contracts.traffic import Traffic

ADMIN_KEY = "alk_a_6435a5d56d7c5f50f5ab51bfdf203602"
MEMBER_KEY = "alk_m_x1y2z3w4"
OTHER_ADMIN_KEY = "alk_a_other_99f0e1d2c3b4a5"
GATEWAY_KEY = "gw-7f3e9a1c-secret"
TENANT = "tenant-acme-42"
SECRETS = (ADMIN_KEY, MEMBER_KEY, OTHER_ADMIN_KEY, GATEWAY_KEY, TENANT)
SETTINGS = Settings(
    base_url="https://staging.example.com/gateway",
    admin_key=ADMIN_KEY,
    member_key=MEMBER_KEY,
    other_admin_key=OTHER_ADMIN_KEY,
    seed=42,
    connection=Connection(
        headers=(("X-Gateway-Key", GATEWAY_KEY), ("X-Tenant", TENANT)), rate_limit=40.0
    ),
)
REQUEST = Request("GET", "/api/v1/audit-log", (("limit", "0"),), Auth.none())
PASSED = CheckResult("auth.missing-key", "No key gets 401.", Status.PASSED, "", (), 0.1)
FAILED = CheckResult(
    "params.limit-bounds",
    "limit outside 1..200 gets 400.",
    Status.FAILED,
    "expected 400 (limit='0': outside 1 to 200); got 200 OK",
    (
        Finding(
            "400 (limit='0': outside 1 to 200)",
            "200 OK",
            REQUEST,
            SETTINGS.base_url,
            response='200 application/json {"data": []}',
        ),
    ),
    0.5,
)
SCHEMA_FAILED = CheckResult(
    "schema.not_a_server_error",
    "No generated request gets a 5xx.",
    Status.FAILED,
    "Server error",
    (
        Finding(
            "No generated request gets a 5xx.",
            "Server error: Received: 500",
            curl="curl -sS -i 'https://staging.example.com/gateway/api/v1/project?x=%00'",
            response="500 Internal Server Error",
        ),
    ),
    2.0,
)
SKIPPED = CheckResult("isolation.tenants", "Keys see one project.", Status.SKIPPED, "no key")
INCONCLUSIVE = CheckResult(
    "audit.since",
    "since=t keeps entries after t.",
    Status.INCONCLUSIVE,
    "503 persisted through 4 retries",
    (),
    3.0,
)
RESULTS = (PASSED, FAILED, SCHEMA_FAILED, SKIPPED, INCONCLUSIVE)
TRAFFIC = Traffic(
    requests=1234,
    retried=Counter({"503": 9, "429": 3, "connection": 1}),
    gave_up=Counter({"503": 1}),
    rate_limit_wait=12.5,
    retry_wait=3.25,
)


def report(*results: CheckResult, **changes: Any) -> Report:
    """A report of `results` (all the samples when none are given)."""
    made = Report(SETTINGS, results or RESULTS, ("data: 3 entries",), 9.75, TRAFFIC)
    return replace(made, **changes)


def echoing(text: str) -> CheckResult:
    """A failure whose every text holds `text` and every secret, as a server that echoes
    what it was sent would produce."""
    everything = text + " ".join(SECRETS)
    return CheckResult(
        "auth.key-not-echoed",
        "No answer contains a key.",
        Status.FAILED,
        everything,
        (
            Finding(
                f"no key ({everything})",
                everything,
                Request("GET", "/api/v1/project", (("q", everything),), Auth.none()),
                SETTINGS.base_url,
                response=f"200 text/plain {everything}",
            ),
            Finding("no key", everything, curl=f"curl -H 'X-Echo: {everything}' x"),
        ),
    )
