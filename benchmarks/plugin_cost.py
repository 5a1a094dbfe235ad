"""What one test costs with the pytest plugin's fixtures, `mock_api` and `mock_api_session`.

It writes test files whose tests each make one request to the mock, runs pytest over
1 and over N + 1 of them, and reports two costs of one more test, each the median of
a few rounds:

- whole runs: the difference of the two runs' durations divided by N, so pytest's and
  the plugin's start-up drop out;
- in the run: the time from the end of the first test to the end of the last but one,
  divided by their number, read inside pytest; it leaves out the start-up, whose few
  hundred ms of jitter on a busy machine the first figure has to average away.

The rounds alternate between the fixtures, so a machine that gets busier for a while
weighs on both alike.

    python -m benchmarks.plugin_cost            # 201 tests, 5 rounds (a minute or two)
    python -m benchmarks.plugin_cost --short    # 51 tests, 3 rounds (under a minute)

It needs only the standard library and pytest (run as `python -m pytest` in a
temporary directory, with this checkout first on the import path), so it also runs as
a script: `python benchmarks/plugin_cost.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ("mock_api", "mock_api_session")
# Where the conftest below writes the instants at which each test ended.
ENDS_VARIABLE = "PLUGIN_COST_ENDS"

CONFTEST = """
import json
import os
import time

ENDS = []

def pytest_runtest_logfinish(nodeid, location):
    ENDS.append(time.perf_counter())

def pytest_sessionfinish(session, exitstatus):
    with open(os.environ["PLUGIN_COST_ENDS"], "w") as ends:
        json.dump(ENDS, ends)
"""
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


def run_pytest(path: Path) -> tuple[float, list[float]]:
    """One pytest run over `path`, which must pass: its seconds, and when each test ended."""
    ends = path.with_suffix(".ends.json")
    environment = dict(os.environ)
    environment[ENDS_VARIABLE] = str(ends)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *filter(None, [environment.get("PYTHONPATH")])]
    )
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", path.name]
    command += ["-o", "asyncio_default_fixture_loop_scope=function"]
    started = time.perf_counter()
    result = subprocess.run(
        command, cwd=path.parent, env=environment, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"pytest failed over {path.name}:\n{result.stdout}{result.stderr}")
    ended: list[float] = json.loads(ends.read_text(encoding="utf-8"))
    return elapsed, ended


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
    if count < 2:
        parser.error("--tests must be at least 2")
    whole: dict[str, list[float]] = {fixture: [] for fixture in FIXTURES}
    inside: dict[str, list[float]] = {fixture: [] for fixture in FIXTURES}
    with tempfile.TemporaryDirectory(prefix="plugin-cost-") as name:
        folder = Path(name)
        (folder / "conftest.py").write_text(CONFTEST, encoding="utf-8")
        files = {
            fixture: [write_tests(folder, fixture, n) for n in (1, count + 1)]
            for fixture in FIXTURES
        }
        for _ in range(rounds):
            for fixture in FIXTURES:
                one, _ = run_pytest(files[fixture][0])
                many, ended = run_pytest(files[fixture][1])
                whole[fixture].append((many - one) * 1000 / count)
                # The last test's teardown also stops the servers: it is left out.
                inside[fixture].append((ended[-2] - ended[0]) * 1000 / (count - 1))
    print(f"ms per one-request test, pytest over 1 and over {count + 1} tests, ", end="")
    print(f"median of {rounds} rounds:")
    print(f"  {'':<17} {'whole runs':>10} {'in the run':>11}")
    cost = {fixture: statistics.median(whole[fixture]) for fixture in FIXTURES}
    cost_inside = {fixture: statistics.median(inside[fixture]) for fixture in FIXTURES}
    for fixture in FIXTURES:
        print(f"  {fixture:<17} {cost[fixture]:10.1f} {cost_inside[fixture]:11.1f}")
    more = cost["mock_api"] - cost["mock_api_session"]
    more_inside = cost_inside["mock_api"] - cost_inside["mock_api_session"]
    print(f"  mock_api minus mock_api_session: {more:+.1f} ms per test", end="")
    print(f" ({more_inside:+.1f} in the run)")


if __name__ == "__main__":
    main()
