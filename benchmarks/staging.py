"""A default run of the contract suite as staging sees it: behind TLS, a gateway and a limit.

The mock runs as its own process (the default world); in front of it, the gateway of the
tests (`tests/gateway.py`): TLS with a CA made for the run, the prefix `/gateway`, 40
requests a second, 2 to 15 ms of latency and 1% of requests answered 503. The suite runs
in its default configuration (every check, the default examples) with `--rate-limit 40`,
and the figures say what it cost: the wall time, the requests, the retries by cause, the
time waited on the rate limit and in backoff, and how the time divides between the
suite's own checks and schemathesis's phases.

    python -m benchmarks.staging            # the default run (well under two minutes)
    python -m benchmarks.staging --short    # 10 examples per property (for CI)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from benchmarks.harness import key_of, mock, mock_keys
from contracts.report import traffic_line
from contracts.runner import Report, run_suite
from contracts.schema import PREFIX
from contracts.settings import DEFAULT_MAX_EXAMPLES, Connection, Settings
from tests.gateway import gateway

ENTRIES = 5_000
RATE_LIMIT = 40.0
LATENCY = (0.002, 0.015)
FAIL_SHARE = 0.01
# What the gateway allows in the two minutes: the ceiling of a default run.
CEILING_REQUESTS = int(RATE_LIMIT * 120)
SEED = 1


def run(max_examples: int) -> tuple[Report, float, dict[int, int]]:
    keys = mock_keys(ENTRIES)
    admin = key_of(keys, "admin")
    other_admin = next(k["key"] for k in keys if k["role"] == "admin" and k["key"] != admin)
    with (
        mock(ENTRIES, "--log-level", "warning", key=admin) as server,
        gateway(
            server.url, rate_limit=RATE_LIMIT, latency=LATENCY, fail_share=FAIL_SHARE, seed=SEED
        ) as gw,
    ):
        settings = Settings(
            base_url=gw.url,
            admin_key=admin,
            member_key=key_of(keys, "member"),
            other_admin_key=other_admin,
            seed=SEED,
            max_examples=max_examples,
            connection=Connection(ca_bundle=gw.ca_bundle, rate_limit=RATE_LIMIT),
        )
        began = time.perf_counter()
        report = run_suite(settings, say=lambda line: print(line, file=sys.stderr))
        return report, time.perf_counter() - began, dict(gw.answered)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--short", action="store_true", help="10 examples per property")
    args = parser.parse_args(argv)
    examples = 10 if args.short else DEFAULT_MAX_EXAMPLES
    report, wall, answered = run(examples)
    traffic = report.traffic
    ours = sum(r.seconds for r in report.results if not r.name.startswith(PREFIX))
    theirs = sum(r.seconds for r in report.results if r.name.startswith(PREFIX))
    counts = {s: sum(r.status.value == s for r in report.results) for s in ("passed", "failed")}
    print(
        f"default suite ({examples} examples per property) through a gateway: TLS, prefix, "
        f"{RATE_LIMIT:g} requests/s, {LATENCY[0] * 1000:g}-{LATENCY[1] * 1000:g} ms, "
        f"{FAIL_SHARE:.0%} answered 503"
    )
    print(f"  wall time            {wall:7.1f} s")
    print(f"  checks               {counts['passed']} passed, {counts['failed']} failed")
    print(
        f"  requests             {traffic.requests:7d} "
        f"({traffic.requests / CEILING_REQUESTS:.0%} of the {CEILING_REQUESTS} two minutes allow)"
    )
    retried = ", ".join(f"{c}: {n}" for c, n in sorted(traffic.retried.items())) or "none"
    print(f"  retried              {sum(traffic.retried.values()):7d} ({retried})")
    print(f"  gave up              {sum(traffic.gave_up.values()):7d}")
    print(f"  waited, rate limit   {traffic.rate_limit_wait:7.1f} s")
    print(f"  waited, backoff      {traffic.retry_wait:7.1f} s")
    print(f"  the suite's checks   {ours:7.1f} s")
    print(f"  schemathesis         {theirs:7.1f} s")
    print(f"  gateway answered     {dict(sorted(answered.items()))}")
    print(traffic_line(report.traffic))
    print(next(note for note in report.notes if note.startswith("time: ")))
    if counts["failed"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
