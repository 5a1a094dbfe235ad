"""`--chaos` and `--latency` from the command line: the same seed fails the same requests."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

from tests.processes.commands import free_port, started

DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
WORLD = ("--entries", "5", "--projects", "1", "--seed", "5")


def statuses(*flags: str, requests: int = 40) -> tuple[list[int], float]:
    """The status of each of `requests` audit-log requests, and the quickest one's time."""
    port = free_port()
    with started(*WORLD, *flags, "--no-control", "--port", str(port)) as process:
        assert process.stdout is not None
        process.stdout.readline()  # the project, then its admin key
        key = process.stdout.readline().split()[-1]
        url = f"http://127.0.0.1:{port}/api/v1/audit-log"
        seen: list[int] = []
        quickest = float("inf")
        for _ in range(requests):
            request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})
            started_at = time.perf_counter()
            try:
                with DIRECT.open(request, timeout=10) as response:
                    json.loads(response.read())
                    seen.append(response.status)
            except urllib.error.HTTPError as error:
                seen.append(error.code)
                assert error.code != 429 or error.headers["Retry-After"] == "1"
            quickest = min(quickest, time.perf_counter() - started_at)
        return seen, quickest


def test_the_same_seed_fails_the_same_requests_with_the_control_api_off() -> None:
    first, _ = statuses("--chaos", "503:0.3,429:0.2")
    again, _ = statuses("--chaos", "503:0.3,429:0.2")
    assert first == again
    assert {200, 429, 503} == set(first)


def test_latency_delays_every_answer() -> None:
    seen, quickest = statuses("--latency", "150-200", requests=3)
    assert seen == [200, 200, 200]
    assert quickest >= 0.15
