"""What one test costs with the pytest plugin's fixtures, `mock_api` and `mock_api_session`.

It writes test files of tests that each make one request to the mock, runs pytest
over 1 and over N + 1 of them, and reports the difference divided by N: the cost of
one more test, with pytest's and the plugin's start-up taken out. Each duration is the
median of a few rounds (a shared machine makes single runs vary by a few hundred ms),
and the rounds alternate between the fixtures, so a machine that gets busier for a
while weighs on both alike.

    python benchmarks/plugin_cost.py            # 201 tests, 5 rounds (about 2 minutes)
    python benchmarks/plugin_cost.py --short    # 51 tests, 3 rounds (under a minute)

Only the standard library and pytest, run as `python -m pytest` in a temporary
directory, with this checkout first on the import path.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ("mock_api", "mock_api_session")

# One request per test, through a client that ignores any proxy of the environment.
TEST_FILE = """
import urllib.request

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({{}}))

{tests}
"""
ONE_TEST = """
def test_{index}({fixture}):
    request = urllib.request.Request(
        {fixture}.url + "/api/v1/project",
        headers={{"Authorization": "Bearer " + {fixture}.admin_key}},
    )
    with OPENER.open(request) as response:
        assert response.status == 200
"""


def write_tests(folder: Path, fixture: str, count: int) -> Path:
    tests = "".join(ONE_TEST.format(index=index, fixture=fixture) for index in range(count))
    path = folder / f"test_{fixture}_{count}.py"
    path.write_text(TEST_FILE.format(tests=tests), encoding="utf-8")
    return path


def run_pytest(path: Path) -> tuple[float, float]:
    """Seconds of one pytest run over `path`, which must pass: wall clock, and CPU.

    The CPU time (user and system, of pytest and the server threads in it) varies less
    than the wall clock on a machine that other work keeps busy.
    """
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *filter(None, [environment.get("PYTHONPATH")])]
    )
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-o",
        "asyncio_default_fixture_loop_scope=function",
        path.name,
    ]
    cpu_before = _children_cpu_seconds()
    started = time.perf_counter()
    result = subprocess.run(
        command, cwd=path.parent, env=environment, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"pytest failed over {path.name}:\n{result.stdout}{result.stderr}")
    return elapsed, _children_cpu_seconds() - cpu_before


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--short", action="store_true", help="51 tests, 3 rounds (for CI)")
    parser.add_argument(
        "--tests", type=int, help="tests beyond the first (default 200, 50 with --short)"
    )
    parser.add_argument(
        "--rounds", type=int, help="rounds, of which the median (default 5, 3 with --short)"
    )
    args = parser.parse_args(argv)
    count = args.tests or (50 if args.short else 200)
    rounds = args.rounds or (3 if args.short else 5)
    wall: dict[tuple[str, int], list[float]] = {}
    cpu: dict[tuple[str, int], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="plugin-cost-") as name:
        folder = Path(name)
        paths = {
            (fixture, size): write_tests(folder, fixture, size)
            for fixture in FIXTURES
            for size in (1, count + 1)
        }
        for _ in range(rounds):
            for run, path in paths.items():
                wall_seconds, cpu_seconds = run_pytest(path)
                wall.setdefault(run, []).append(wall_seconds)
                cpu.setdefault(run, []).append(cpu_seconds)
    print(f"pytest over 1 and over {count + 1} one-request tests, median of {rounds} rounds:")
    cost: dict[str, float] = {}
    for fixture in FIXTURES:
        one, many = (statistics.median(wall[fixture, size]) for size in (1, count + 1))
        cost[fixture] = (many - one) * 1000 / count
        cpu_one, cpu_many = (statistics.median(cpu[fixture, size]) for size in (1, count + 1))
        cpu_cost = (cpu_many - cpu_one) * 1000 / count
        print(
            f"  {fixture:<17} {cost[fixture]:5.1f} ms per test ({cpu_cost:.1f} ms of CPU)"
            f"   {one:.2f} s for 1 test, {many:.2f} s for {count + 1}"
        )
    difference = cost["mock_api"] - cost["mock_api_session"]
    print(f"  mock_api costs {difference:.1f} ms per test more than mock_api_session")


if __name__ == "__main__":
    main()
