"""What one test costs with the pytest plugin's fixtures, `mock_api` and `mock_api_session`.

It writes test files whose tests each make one request to the mock, runs pytest over
1 and over N + 1 of them, and reports two costs of one more test, each the median of
a few rounds:

- whole runs: the difference of the two runs' durations divided by N, so pytest's and
  the plugin's start-up drop out;
- in the run: the time from the end of the first test to the end of the last but one,
  divided by their number, read inside pytest; it leaves out the start-up, whose few
  hundred ms of jitter on a busy machine the first figure has to average away.

It also reports what the first test of a session costs (it generates the world and
starts the server) against a test that uses no fixture, both read inside pytest, whose
plugins are then already imported; and, apart, what importing the plugin costs.

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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ("mock_api", "mock_api_session")
# Where the conftest below writes the instants at which each test ended.
ENDS_VARIABLE = "PLUGIN_COST_ENDS"

NO_FIXTURE = "no fixture"
CONFTEST = """
import json
import os
import time

STARTS = []
ENDS = []

def pytest_runtest_logstart(nodeid, location):
    STARTS.append(time.perf_counter())

def pytest_runtest_logfinish(nodeid, location):
    ENDS.append(time.perf_counter())

def pytest_sessionfinish(session, exitstatus):
    with open(os.environ["PLUGIN_COST_ENDS"], "w") as ends:
        json.dump({"starts": STARTS, "ends": ENDS}, ends)
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


NO_FIXTURE_TEST = """
def test_{index}():
    assert OPENER is not None
"""


def write_tests(folder: Path, fixture: str, count: int) -> Path:
    template = NO_FIXTURE_TEST if fixture == NO_FIXTURE else ONE_TEST
    tests = "".join(template.format(index=index, fixture=fixture) for index in range(count))
    path = folder / f"test_{fixture.replace(' ', '_')}_{count}.py"
    path.write_text(TEST_FILE.format(tests=tests), encoding="utf-8")
    return path


def run_pytest(path: Path) -> tuple[float, list[float], float]:
    """One pytest run over `path`, which must pass: its seconds, when each test ended,
    and how long the first test took."""
    ends = path.with_suffix(".ends.json")
    environment = dict(os.environ)
    environment[ENDS_VARIABLE] = str(ends)
    # Only this plugin: whatever else the environment installed is not measured, and a
    # plugin installed for another checkout cannot break the run.
    environment["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *filter(None, [environment.get("PYTHONPATH")])]
    )
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", path.name]
    command += ["-p", "mockserver.pytest_plugin"]
    started = time.perf_counter()
    result = subprocess.run(
        command, cwd=path.parent, env=environment, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"pytest failed over {path.name}:\n{result.stdout}{result.stderr}")
    times = json.loads(ends.read_text(encoding="utf-8"))
    ended: list[float] = times["ends"]
    return elapsed, ended, ended[0] - times["starts"][0]


def import_ms(rounds: int) -> float:
    """What importing the plugin costs a pytest session, beyond importing pytest: the
    median of `rounds` fresh interpreters each way."""

    def seconds(code: str) -> float:
        environment = dict(os.environ, PYTHONPATH=str(ROOT))
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], env=environment, check=True, cwd=ROOT)
        return time.perf_counter() - started

    plain = [seconds("import pytest") for _ in range(rounds)]
    plugin = [seconds("import pytest, mockserver.pytest_plugin") for _ in range(rounds)]
    return (statistics.median(plugin) - statistics.median(plain)) * 1000


@dataclass(frozen=True, slots=True)
class PluginCost:
    """Milliseconds: one more test by fixture (whole runs, in the run), the first test of
    a session by fixture (and with no fixture), and importing the plugin."""

    per_test: dict[str, float]
    per_test_inside: dict[str, float]
    first_test: dict[str, float]
    import_ms: float

    @property
    def mock_api_more_ms(self) -> float:
        return self.per_test_inside["mock_api"] - self.per_test_inside["mock_api_session"]

    @property
    def first_test_more_ms(self) -> float:
        return max(self.first_test[f] for f in FIXTURES) - self.first_test[NO_FIXTURE]


def measure(count: int, rounds: int) -> PluginCost:
    """`rounds` rounds over 1 and `count` + 1 tests of each fixture; medians."""
    whole: dict[str, list[float]] = {fixture: [] for fixture in FIXTURES}
    inside: dict[str, list[float]] = {fixture: [] for fixture in FIXTURES}
    first: dict[str, list[float]] = {fixture: [] for fixture in (*FIXTURES, NO_FIXTURE)}
    with tempfile.TemporaryDirectory(prefix="plugin-cost-") as name:
        folder = Path(name)
        (folder / "conftest.py").write_text(CONFTEST, encoding="utf-8")
        files = {
            fixture: [write_tests(folder, fixture, n) for n in (1, count + 1)]
            for fixture in FIXTURES
        }
        no_fixture = write_tests(folder, NO_FIXTURE, 2)
        for _ in range(rounds):
            first[NO_FIXTURE].append(run_pytest(no_fixture)[2] * 1000)
            for fixture in FIXTURES:
                one, _, first_seconds = run_pytest(files[fixture][0])
                many, ended, _ = run_pytest(files[fixture][1])
                first[fixture].append(first_seconds * 1000)
                whole[fixture].append((many - one) * 1000 / count)
                # The last test's teardown also stops the servers: it is left out.
                inside[fixture].append((ended[-2] - ended[0]) * 1000 / (count - 1))
    return PluginCost(
        per_test={f: statistics.median(v) for f, v in whole.items()},
        per_test_inside={f: statistics.median(v) for f, v in inside.items()},
        first_test={f: statistics.median(v) for f, v in first.items()},
        import_ms=import_ms(rounds),
    )


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
    found = measure(count, rounds)
    print(f"ms per one-request test, pytest over 1 and over {count + 1} tests, ", end="")
    print(f"median of {rounds} rounds:")
    print(f"  {'':<17} {'whole runs':>10} {'in the run':>11} {'first test':>11}")
    for fixture in FIXTURES:
        print(
            f"  {fixture:<17} {found.per_test[fixture]:10.1f} "
            f"{found.per_test_inside[fixture]:11.1f} {found.first_test[fixture]:11.1f}"
        )
    print(f"  {NO_FIXTURE:<17} {'':>10} {'':>11} {found.first_test[NO_FIXTURE]:11.1f}")
    more = found.per_test["mock_api"] - found.per_test["mock_api_session"]
    print(f"  mock_api minus mock_api_session: {more:+.1f} ms per test", end="")
    print(f" ({found.mock_api_more_ms:+.1f} in the run)")
    print(f"  first test minus one with no fixture: {found.first_test_more_ms:+.0f} ms")
    print(f"  importing the plugin: {found.import_ms:.0f} ms, once a session")


if __name__ == "__main__":
    main()
