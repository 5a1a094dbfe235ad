"""Load test of the mock: many keep-alive connections on loopback, bounded in time and count.

    python -m benchmarks.load            # 256 connections, 30 s, memory checked up to 1M requests
    python -m benchmarks.load --short    # the same gates in a few seconds (what CI runs)

Gates: zero socket errors, zero non-2xx answers (every request sent is valid), and the
server's memory after all requests within 10% of its memory after the warm-up requests.
Exit 0 when every gate holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from random import Random

from benchmarks.harness import (
    AUDIT_LOG,
    PROJECT,
    Request,
    Started,
    cores,
    drive,
    get_json,
    key_of,
    memory_mb,
    mock,
    mock_keys,
)
from benchmarks.wrk import WrkResult

MEMORY_GROWTH_LIMIT = 0.10


def memory_grew(rss_warm: float, rss_end: float) -> str | None:
    """The failure when memory after the whole load exceeds memory after the warm-up by
    more than `MEMORY_GROWTH_LIMIT` (a leak), else None."""
    if rss_end > rss_warm * (1 + MEMORY_GROWTH_LIMIT):
        return f"memory grew {rss_end / rss_warm - 1:.0%} (limit {MEMORY_GROWTH_LIMIT:.0%})"
    return None


@dataclass(frozen=True, slots=True)
class Plan:
    connections: int
    seconds: float
    warm_requests: int
    total_requests: int
    entries: int


FULL = Plan(
    connections=256, seconds=30, warm_requests=100_000, total_requests=1_000_000, entries=100_000
)
SHORT = Plan(
    connections=256, seconds=5, warm_requests=20_000, total_requests=100_000, entries=10_000
)


def request_mix(url: str, keys: Sequence[Mapping[str, str]], seed: int = 1) -> list[Request]:
    """Valid audit-log queries of every shape, built from the data the server holds."""
    admin = key_of(keys, "admin")
    member = key_of(keys, "member")
    page = get_json(f"{url}{AUDIT_LOG}?limit=200", admin)
    assert isinstance(page, dict)
    entries = page["data"]
    rng = Random(seed)
    mix: list[Request] = []
    for _ in range(60):
        entry = rng.choice(entries)
        filters = {
            "action": entry["action"] if rng.random() < 0.5 else None,
            "userId": entry["userId"] if rng.random() < 0.4 else None,
            "since": str(entry["timestamp"] - rng.randint(0, 10**9))
            if rng.random() < 0.4
            else None,
            "limit": str(rng.choice([1, 10, 50, 100, 200])) if rng.random() < 0.7 else None,
        }
        query = "&".join(f"{k}={v}" for k, v in filters.items() if v is not None)
        mix.append((f"{AUDIT_LOG}?{query}", admin))
    mix += [(PROJECT, admin), (PROJECT, member)] * 8
    rng.shuffle(mix)
    return mix


def drive_until(
    server: Started, mix: Sequence[Request], plan: Plan, total: int, cpu: int | None, done: int
) -> tuple[int, list[WrkResult]]:
    """Run wrk in short bursts until `total` requests have been sent in all."""
    results = []
    while done < total:
        result = drive(server, mix, connections=plan.connections, seconds=2, cpu=cpu).result
        results.append(result)
        done += result.requests
    return done, results


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--short", action="store_true", help="the few-seconds version CI runs")
    args = parser.parse_args()
    plan = SHORT if args.short else FULL
    server_cpu, load_cpu = cores()
    keys = mock_keys(plan.entries)
    failures: list[str] = []
    with mock(
        plan.entries, "--log-level", "warning", key=key_of(keys, "admin"), cpu=server_cpu
    ) as server:
        mix = request_mix(server.url, keys[:2])
        done, warm = drive_until(server, mix, plan, plan.warm_requests, load_cpu, 0)
        rss_warm = memory_mb(server.process.pid)
        main_run = drive(
            server, mix, connections=plan.connections, seconds=plan.seconds, cpu=load_cpu
        ).result
        done, rest = drive_until(
            server, mix, plan, plan.total_requests, load_cpu, done + main_run.requests
        )
        rss_end = memory_mb(server.process.pid)
        runs = [*warm, main_run, *rest]
        print(
            f"load: {plan.connections} connections for {plan.seconds:g} s: "
            f"{main_run.requests_per_second:,.0f} requests/s, p50 {main_run.p50_ms:.2f} ms, "
            f"p99 {main_run.p99_ms:.2f} ms, p99.9 {main_run.p999_ms:.2f} ms"
        )
        print(
            f"load: {done:,} requests in all; server memory {rss_warm:.1f} MB after "
            f"{plan.warm_requests:,}, {rss_end:.1f} MB after {done:,}"
        )
        socket_errors = sum(r.socket_errors + r.timeouts for r in runs)
        non_2xx = sum(r.non_2xx for r in runs)
        if socket_errors:
            failures.append(f"{socket_errors} socket errors or timeouts")
        if non_2xx:
            failures.append(f"{non_2xx} non-2xx answers to valid requests")
        if grew := memory_grew(rss_warm, rss_end):
            failures.append(grew)
    # The block's end sent SIGTERM and waited for the server to stop.
    code = server.process.returncode
    if code != 0:
        failures.append(f"the server exited with {code} on SIGTERM")
    for failure in failures:
        print(f"load: FAILED: {failure}")
    print("load: " + ("FAILED" if failures else "passed: zero errors, zero non-2xx, no leak"))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
