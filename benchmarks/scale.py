"""Speed and scale of the mock against a bare aiohttp handler, measured side by side.

    python -m benchmarks.scale            # the full run, about 15 minutes
    python -m benchmarks.scale --short    # small worlds, few shapes, a second per figure (CI)

For each world size (10,000 and 1,000,000 entries) it starts the mock as users run it,
with the default flags (control API, journal and CORS on; the default event loop,
uvloop where installed), only `--log-level warning` added so that no access-log line is
written for each request; it reports how long the mock took to answer and how much
memory it holds. Beside it run the floor, a bare aiohttp handler returning the mock's
own 50-entry page (`benchmarks.ceiling`), on asyncio's loop and on uvloop, the mock on
`--loop asyncio`, and the mock with `--no-control` on both loops. wrk (32 connections)
drives every query shape on the default mock, and the no-filter page and the project on
the others; server and wrk are pinned to different cores when there are two or more.
It does so in rounds, every target in turn in each, and reports for each the median
round: a burst of other work on the machine then spoils one round, not a figure. Each
figure carries the server's CPU time a request, which other work on the machine moves
far less than requests/s. Once the servers have stopped, every shape of every size is
measured again in-process, the sizes in turn (`benchmarks.request_path`: from the bytes
of the request to the bytes of the answer, without the socket), which other work moves
less still: the cost of scale is judged from those figures. Then it measures the
control API's cost and the floor in-process, the pytest fixtures
(`benchmarks.plugin_cost`), and one worker against two.

It prints the table and every target of the issue as met or missed, writes them as
JSON and as a PNG chart (matplotlib, from the `bench` extra). It asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks import instructions, plugin_cost, request_path
from benchmarks.harness import (
    AUDIT_LOG,
    PROJECT,
    Load,
    Started,
    Target,
    cores,
    drive_in_turn,
    free_port,
    get,
    get_json,
    key_of,
    memory_mb,
    mock,
    mock_keys,
    started,
    warm_up,
)
from benchmarks.wrk import ensure_wrk, pinned
from mockserver.serving.loops import ASYNCIO, UVLOOP, default_loop, uvloop_installed

DAY_MS = 86_400_000
# The page the side figures (other loops, --no-control, workers) are measured on.
NO_FILTER = f"{AUDIT_LOG}?limit=50"
SIDE_SHAPES = ("no filter", "project")

# The targets of the issue this benchmark checks.
MIN_RATIO_SAME_LOOP = 0.90
MAX_P99_RATIO = 1.25
MIN_RATIO_TO_ASYNCIO_FLOOR = 1.0
MAX_CONTROL_US = 5.0
MAX_MOCK_API_MORE_MS = 2.0
MAX_FIRST_TEST_MORE_MS = 500.0
MAX_LOSS_AT_SCALE = 0.10
MAX_STARTUP_SECONDS = 3.0
MAX_RSS_MB = 300.0
# A 1-minute load average above this says something else runs: the figures will suffer.
BUSY_LOAD = 0.5


def floor_name(loop: str) -> str:
    return f"floor, {loop}"


@dataclass(frozen=True, slots=True)
class Plan:
    sizes: tuple[int, ...]
    seconds: int
    connections: int
    # Each figure is the median of this many runs, the ceiling and the shapes taken in turn.
    rounds: int
    # The query shapes driven on the default mock, by name; empty: every shape.
    shapes: tuple[str, ...] = ()
    # Rounds of the in-process request path, and requests in each: many short rounds,
    # so that each figure has many chances to be measured in a quiet moment.
    request_path_rounds: int = 15
    request_path_requests: int = 1_600
    # Tests of each fixture, and rounds, of the pytest fixtures' cost.
    plugin_tests: int = 50
    plugin_rounds: int = 3
    # Count the instructions a request executes (`benchmarks.instructions`, valgrind).
    count_instructions: bool = True


FULL = Plan(sizes=(10_000, 1_000_000), seconds=3, connections=32, rounds=3)
# What CI runs, in about two minutes: every figure and target once, on fewer shapes
# and smaller samples; its figures say that the benchmark works, not what it measures.
SHORT = Plan(
    sizes=(2_000, 20_000),
    seconds=1,
    connections=32,
    rounds=1,
    shapes=SIDE_SHAPES,
    request_path_rounds=3,
    request_path_requests=1_600,
    plugin_tests=5,
    plugin_rounds=1,
    # CI runs `benchmarks.instructions` on its own.
    count_instructions=False,
)


@dataclass(slots=True)
class Figure:
    """One wrk run: one query shape against one server."""

    shape: str
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    # To the floor on the same event loop.
    ratio_to_floor: float
    # The server's CPU time per request: unlike requests/s, it hardly depends on what
    # else the machine runs, so it tells the cost of a query on a busy machine too.
    cpu_us_per_request: float
    errors: int

    @classmethod
    def of(cls, shape: str, path: str, load: Load, floor_rps: float) -> Figure:
        result = load.result
        rate = result.requests_per_second
        return cls(
            shape=shape,
            path=path,
            requests_per_second=round(rate, 1),
            p50_ms=result.p50_ms,
            p99_ms=result.p99_ms,
            ratio_to_floor=round(rate / floor_rps, 3) if floor_rps else 0.0,
            cpu_us_per_request=round(load.cpu_seconds / max(1, result.requests) * 1e6, 1),
            errors=result.socket_errors + result.non_2xx + result.timeouts,
        )


@dataclass(slots=True)
class SizeRun:
    """Everything measured on one world size."""

    entries: int
    startup_seconds: float
    startup_cpu_seconds: float
    rss_mb_at_start: float
    loop: str
    # The floor on each event loop, by loop.
    floors: dict[str, Figure]
    # The default mock, every shape.
    figures: list[Figure] = field(default_factory=list)
    # The no-filter page and the project on the other servers, by server.
    sides: dict[str, list[Figure]] = field(default_factory=dict)
    rss_mb_after_load: float = 0.0
    peak_rss_mb: float = 0.0
    # The default mock's CPU time a request of each shape, by shape, measured in-process
    # (`benchmarks.request_path`): what the request path costs, without the socket and
    # without the noise of other work on the machine.
    cpu_us_in_process: dict[str, float] = field(default_factory=dict)


# The mock as users run it: the default flags, without an access-log line a request.
DEFAULT_FLAGS = ("--log-level", "warning")
NO_CONTROL_FLAGS = ("--no-control", *DEFAULT_FLAGS)


def side_servers(loop: str) -> dict[str, tuple[str, ...]]:
    """The mocks beside the default one, by name: the other loop, and --no-control."""
    servers: dict[str, tuple[str, ...]] = {
        f"--no-control ({loop})": (*NO_CONTROL_FLAGS, "--loop", loop)
    }
    if loop != ASYNCIO:
        servers["--loop asyncio"] = (*DEFAULT_FLAGS, "--loop", ASYNCIO)
        servers["--no-control --loop asyncio"] = (*NO_CONTROL_FLAGS, "--loop", ASYNCIO)
    return servers


def admin_key(entries: int) -> str:
    return key_of(mock_keys(entries), "admin")


def page(url: str, key: str, **params: Any) -> dict[str, Any]:
    found: dict[str, Any] = get_json(f"{url}{AUDIT_LOG}?{urlencode(params)}", key)
    return found


def query_shapes(url: str, key: str) -> list[tuple[str, str]]:
    """(name, path) of each query shape, with filter values taken from the served log.

    The busiest member makes the common user filter; the admin who revoked fewest keys
    makes the rare one, whose few matches are scattered across the whole log.
    """
    updates = page(url, key, action="entity.updated", limit=200)["data"]
    busiest = Counter(e["userId"] for e in updates if e["userId"] != "system").most_common(1)
    user = busiest[0][0] if busiest else "system"
    revokers = sorted({e["userId"] for e in page(url, key, action="api_key.revoked")["data"]})
    revoked = {
        who: page(url, key, action="api_key.revoked", userId=who, limit=1)["total"]
        for who in revokers
    }
    rare_user = min(revoked, key=lambda who: (revoked[who], who)) if revoked else user
    newest = page(url, key, limit=1)["data"]
    since = (newest[0]["timestamp"] if newest else 0) - 45 * DAY_MS
    updated = "action=entity.updated"
    return [
        ("no filter", NO_FILTER),
        ("action", f"{AUDIT_LOG}?{updated}&limit=50"),
        ("userId", f"{AUDIT_LOG}?userId={user}&limit=50"),
        ("action+userId", f"{AUDIT_LOG}?{updated}&userId={user}&limit=50"),
        ("since", f"{AUDIT_LOG}?since={since}&limit=50"),
        ("action+since", f"{AUDIT_LOG}?{updated}&since={since}&limit=50"),
        ("userId+since", f"{AUDIT_LOG}?userId={user}&since={since}&limit=50"),
        ("action+userId+since", f"{AUDIT_LOG}?{updated}&userId={user}&since={since}&limit=50"),
        ("limit=1", f"{AUDIT_LOG}?limit=1"),
        ("limit=200", f"{AUDIT_LOG}?limit=200"),
        ("rare action", f"{AUDIT_LOG}?action=api_key.revoked&limit=50"),
        ("rare action+userId", f"{AUDIT_LOG}?action=api_key.revoked&userId={rare_user}&limit=50"),
        ("project", PROJECT),
    ]


@contextmanager
def ceiling_server(body: bytes, cpu: int | None, loop: str = ASYNCIO) -> Iterator[Started]:
    """The bare aiohttp handler on `loop`, serving `body` at the audit log's path, until
    the block ends."""
    port = free_port()
    with tempfile.NamedTemporaryFile(suffix=".json") as file:
        file.write(body)
        file.flush()
        command = [
            *(sys.executable, "-m", "benchmarks.ceiling"),
            *("--port", str(port), "--body", file.name, "--loop", loop),
        ]
        with started(pinned(command, cpu), port, AUDIT_LOG, None) as server:
            yield server


def measure_size(entries: int, plan: Plan, cpus: tuple[int | None, int | None]) -> SizeRun:
    server_cpu, load_cpu = cpus
    key = admin_key(entries)
    loop = default_loop()
    loops = (ASYNCIO, UVLOOP) if uvloop_installed() else (ASYNCIO,)
    with ExitStack() as stack:
        server = stack.enter_context(mock(entries, *DEFAULT_FLAGS, key=key, cpu=server_cpu))
        rss_at_start = memory_mb(server.process.pid)
        shapes = [
            (name, path)
            for name, path in query_shapes(server.url, key)
            if not plan.shapes or name in plan.shapes
        ]
        side_paths = [(name, path) for name, path in shapes if name in SIDE_SHAPES]
        # The first query of a filter value builds its index.
        warm_up(server, [(path, key) for _, path in shapes])
        body = get(server.url + shapes[0][1], key)[1]
        sides = {
            name: stack.enter_context(mock(entries, *flags, key=key, cpu=server_cpu))
            for name, flags in side_servers(loop).items()
        }
        for side in sides.values():
            warm_up(side, [(path, key) for _, path in side_paths])
        floors = {
            floor_name(each): stack.enter_context(ceiling_server(body, server_cpu, each))
            for each in loops
        }

        def progress(number: int, latest: Mapping[str, Load]) -> None:
            rates = ", ".join(
                f"{name} {load.result.requests_per_second:,.0f}" for name, load in latest.items()
            )
            print(f"  {entries:>11,} round {number}: req/s {rates}", flush=True)

        targets = {
            **{name: Target(floor, ((AUDIT_LOG, ""),)) for name, floor in floors.items()},
            **{name: Target(server, ((path, key),)) for name, path in shapes},
            **{
                f"{side}: {name}": Target(sides[side], ((path, key),))
                for side in sides
                for name, path in side_paths
            },
        }
        loads = drive_in_turn(
            targets,
            rounds=plan.rounds,
            connections=plan.connections,
            seconds=plan.seconds,
            cpu=load_cpu,
            after_round=progress,
        )

        def floor_rate(each: str) -> float:
            return loads[floor_name(each)].result.requests_per_second

        run = SizeRun(
            entries=entries,
            startup_seconds=round(server.seconds, 2),
            startup_cpu_seconds=round(server.cpu_seconds, 2),
            rss_mb_at_start=round(rss_at_start, 1),
            loop=loop,
            floors={
                each: Figure.of(floor_name(each), AUDIT_LOG, loads[floor_name(each)], 0.0)
                for each in loops
            },
            figures=[Figure.of(name, path, loads[name], floor_rate(loop)) for name, path in shapes],
            sides={
                side: [
                    Figure.of(
                        name,
                        path,
                        loads[f"{side}: {name}"],
                        floor_rate(ASYNCIO if "asyncio" in side else loop),
                    )
                    for name, path in side_paths
                ]
                for side in sides
            },
        )
        for figure in run.floors.values():
            figure.ratio_to_floor = 1.0
        run.rss_mb_after_load = round(memory_mb(server.process.pid), 1)
        run.peak_rss_mb = round(memory_mb(server.process.pid, "VmHWM"), 1)
    return run


def measure_in_process(runs: list[SizeRun], plan: Plan) -> None:
    """Every shape of every size again, in-process, the sizes in turn (once every
    server has stopped, so that none takes CPU time from it)."""
    paths = {run.entries: {f.shape: f.path for f in run.figures} for run in runs}
    found = request_path.measure_shapes(
        paths, requests=plan.request_path_requests, rounds=plan.request_path_rounds
    )
    for run in runs:
        run.cpu_us_in_process = found[run.entries]


def measure_workers(entries: int, plan: Plan) -> dict[str, Any]:
    """The no-filter page of the largest world from 1 worker, then one per core, unpinned.

    Both servers stay up while the rounds take them in turn; each figure is the median.
    More than one worker turns the control API off, so both run without it. On two
    cores wrk shares them with the workers: the figure says what two cores allow, not
    what a third core for the load would show.
    """
    key = admin_key(entries)
    requests = ((NO_FILTER, key),)
    counts = (1, max(2, len(os.sched_getaffinity(0))))
    with ExitStack() as stack:
        targets = {}
        for count in counts:
            flags = (*DEFAULT_FLAGS, "--workers", str(count))
            server = stack.enter_context(mock(entries, *flags, key=key))
            warm_up(server, requests)
            targets[count] = Target(server, requests)
        loads = drive_in_turn(
            targets, rounds=plan.rounds, connections=plan.connections, seconds=plan.seconds
        )
    rates = {str(count): round(load.result.requests_per_second, 1) for count, load in loads.items()}
    return {"entries": entries, "shape": "no filter", "requests_per_second_by_workers": rates}


def _cpu(figure: Figure) -> str:
    return f"{figure.cpu_us_per_request:.0f} us"


def control_cost(inside: request_path.RequestPath, counted: Mapping[str, int]) -> tuple[float, str]:
    """What the control API costs a request, in CPU microseconds, and how that was found.

    With instructions counted, it is their share of the default mock's request, at the
    CPU time that request took in-process: the difference of two CPU times is as noisy
    as either, while the share of the instructions does not move from run to run.
    """
    on, off = inside.cpu_us[request_path.CONTROL_ON], inside.cpu_us[request_path.CONTROL_OFF]
    measured = f"request path {on:.1f} us against {off:.1f} with --no-control"
    if not counted:
        return inside.control_us, f"{inside.control_us:.1f} us in-process ({measured})"
    added = counted[request_path.CONTROL_ON] - counted[request_path.CONTROL_OFF]
    share = added / counted[request_path.CONTROL_ON]
    us = share * on
    return us, (
        f"{us:.1f} us: {added:,} instructions, {share:.1%} of the default mock's request, "
        f"of {on:.1f} us in-process ({measured})"
    )


def targets(
    runs: list[SizeRun],
    inside: request_path.RequestPath,
    plugin: plugin_cost.PluginCost,
    counted: Mapping[str, int],
) -> list[dict[str, Any]]:
    """Each target of the issue, whether the figures meet it, and the figures that decide."""
    smallest, largest = runs[0], runs[-1]
    loop = largest.loop
    floor, asyncio_floor = largest.floors[loop], largest.floors[ASYNCIO]
    worst = min(largest.figures, key=lambda f: f.ratio_to_floor)
    by_cpu = min(floor.cpu_us_per_request / f.cpu_us_per_request for f in largest.figures)
    slowest = max(largest.figures, key=lambda f: f.p99_ms)
    against_asyncio = min(largest.figures, key=lambda f: f.requests_per_second)
    asyncio_ratio = against_asyncio.requests_per_second / asyncio_floor.requests_per_second
    side = largest.sides[f"--no-control ({loop})"][0]
    default = next(f for f in largest.figures if f.shape == side.shape)
    # The cost of scale is read from the CPU time a request of each shape costs in
    # process, the same requests on both worlds: under load, other work on the machine
    # moves the CPU time a request by more than the 10% this target allows.
    before, after = smallest.cpu_us_in_process, largest.cpu_us_in_process
    loss, grown = max((after[shape] / before[shape] - 1, shape) for shape in before)
    under_load = {f.shape: f for f in largest.figures}
    small_load = {f.shape: f for f in smallest.figures}
    size = f"{largest.entries:,} entries"
    first_more = plugin.first_test_more_ms
    control_us, control_figures = control_cost(inside, counted)
    checks = [
        (
            f"1. every shape at {size}, default flags: >= {MIN_RATIO_SAME_LOOP:.0%} of the "
            f"floor on the same loop ({loop})",
            worst.ratio_to_floor >= MIN_RATIO_SAME_LOOP,
            f"lowest: {worst.shape} at {worst.ratio_to_floor:.0%}, CPU {_cpu(worst)} a request "
            f"against the floor's {_cpu(floor)} (by CPU time: {by_cpu:.0%}); in-process "
            f"{largest.cpu_us_in_process[worst.shape]:.1f} us against the floor's "
            f"{inside.cpu_us[request_path.FLOOR]:.1f} us",
        ),
        (
            f"1. every shape at {size}: p99 <= {MAX_P99_RATIO:g} x the floor's",
            slowest.p99_ms <= MAX_P99_RATIO * floor.p99_ms,
            f"highest: {slowest.shape} at {slowest.p99_ms:.2f} ms "
            f"(the floor's: {floor.p99_ms:.2f} ms, {slowest.p99_ms / floor.p99_ms:.2f} x)",
        ),
        (
            f"2. the default loop ({loop}): every shape >= {MIN_RATIO_TO_ASYNCIO_FLOOR:.0%} of "
            "the floor on asyncio",
            asyncio_ratio >= MIN_RATIO_TO_ASYNCIO_FLOOR,
            f"lowest: {against_asyncio.shape} at {asyncio_ratio:.0%}, CPU "
            f"{_cpu(against_asyncio)} against the asyncio floor's {_cpu(asyncio_floor)}",
        ),
        (
            f"3. journal and control API, nobody reading: <= {MAX_CONTROL_US:g} us CPU a request",
            control_us <= MAX_CONTROL_US,
            f"{control_figures}; under load, "
            f"{side.shape}: {_cpu(default)} against {_cpu(side)} with --no-control",
        ),
        (
            f"4. a mock_api test: <= {MAX_MOCK_API_MORE_MS:g} ms more than a mock_api_session one",
            plugin.mock_api_more_ms <= MAX_MOCK_API_MORE_MS,
            f"{plugin.mock_api_more_ms:+.1f} ms in the run "
            f"({plugin.per_test_inside['mock_api']:.1f} against "
            f"{plugin.per_test_inside['mock_api_session']:.1f} ms)",
        ),
        (
            f"4. the first test of a session: <= {MAX_FIRST_TEST_MORE_MS / 1000:g} s more than "
            "one with no fixture",
            first_more <= MAX_FIRST_TEST_MORE_MS,
            f"{first_more:+.0f} ms (plugin imported already; importing it costs "
            f"{plugin.import_ms:.0f} ms once a session)",
        ),
        (
            f"5. {smallest.entries:,} -> {size}: <= {MAX_LOSS_AT_SCALE:.0%} more CPU a request, "
            "every shape",
            loss <= MAX_LOSS_AT_SCALE,
            f"largest: {grown}, {loss:+.1%} (in-process CPU {before[grown]:.1f} -> "
            f"{after[grown]:.1f} us a request; under load {_cpu(small_load[grown])} -> "
            f"{_cpu(under_load[grown])})",
        ),
        (
            f"5. {size}: answering within {MAX_STARTUP_SECONDS:g} s of its start",
            largest.startup_seconds <= MAX_STARTUP_SECONDS,
            f"{largest.startup_seconds:.2f} s ({largest.startup_cpu_seconds:.2f} s of CPU)",
        ),
        (
            f"5. {size}: less than {MAX_RSS_MB:g} MB of memory",
            largest.peak_rss_mb < MAX_RSS_MB,
            f"{largest.rss_mb_at_start:.0f} MB at start, peak {largest.peak_rss_mb:.0f} MB",
        ),
    ]
    return [{"target": name, "met": met, "figures": figures} for name, met, figures in checks]


def table(runs: list[SizeRun]) -> str:
    lines = []
    header = ("shape", "req/s", "p50 ms", "p99 ms", "of floor", "CPU us", "in-proc")
    for run in runs:
        lines.append(
            f"\n{run.entries:,} entries, default flags ({run.loop}): answering after "
            f"{run.startup_seconds:.2f} s ({run.startup_cpu_seconds:.2f} s CPU), "
            f"{run.rss_mb_at_start:.0f} MB resident, {run.rss_mb_after_load:.0f} MB after the "
            f"load (peak {run.peak_rss_mb:.0f} MB); 'of floor': of the floor on {run.loop}"
        )
        lines.append(f"  {header[0]:<40}" + "".join(f"{h:>9}" for h in header[1:]))
        rows = [
            *run.floors.values(),
            *run.figures,
            *(
                Figure(**{**asdict(f), "shape": f"{side}: {f.shape}"})
                for side, figures in run.sides.items()
                for f in figures
            ),
        ]
        for f in rows:
            errors = f"  {f.errors} errors" if f.errors else ""
            in_process = run.cpu_us_in_process.get(f.shape) if f in run.figures else None
            inside = f"{in_process:>9.1f}" if in_process is not None else f"{'':>9}"
            lines.append(
                f"  {f.shape:<40}{f.requests_per_second:>9,.0f}{f.p50_ms:>9.2f}{f.p99_ms:>9.2f}"
                f"{f.ratio_to_floor:>9.0%}{f.cpu_us_per_request:>9.0f}{inside}{errors}"
            )
    return "\n".join(lines)


def chart(report: dict[str, Any], runs: list[SizeRun], path: Path) -> bool:
    """Requests/s and CPU time a request by world size and query shape, as a PNG.

    False when matplotlib is missing.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    shapes = [figure.shape for figure in runs[0].figures]
    width = 0.8 / len(runs)
    fig, (rates, costs) = plt.subplots(2, 1, figsize=(13, 9), sharex=True)
    for index, run in enumerate(runs):
        offsets = [n + (index - (len(runs) - 1) / 2) * width for n in range(len(shapes))]
        label = f"{run.entries:,} entries"
        rates.bar(offsets, [f.requests_per_second for f in run.figures], width, label=label)
        costs.bar(offsets, [f.cpu_us_per_request for f in run.figures], width, label=label)
    loop = runs[-1].loop
    ceiling = sum(run.floors[loop].requests_per_second for run in runs) / len(runs)
    ceiling_cpu = sum(run.floors[loop].cpu_us_per_request for run in runs) / len(runs)
    label = f"bare aiohttp, {loop}"
    rates.axhline(ceiling, color="black", linestyle="--", linewidth=1, label=label)
    rates.axhline(ceiling * 0.9, color="grey", linestyle=":", linewidth=1, label="90% of it")
    costs.axhline(ceiling_cpu, color="black", linestyle="--", linewidth=1, label=label)
    rates.set_ylabel("requests/s, one server process")
    rates.set_ylim(0, ceiling * 1.15)
    costs.set_ylabel("server CPU time a request (us)")
    costs.set_xticks(range(len(shapes)), shapes, rotation=30, ha="right")
    rates.set_title(
        "mockserver, default flags, by world size and query shape "
        f"({report['machine']['cpus']} CPUs, "
        f"{report['connections']} connections, median of {report['rounds']} runs of "
        f"{report['seconds']} s per bar)"
    )
    rates.legend(loc="upper center", bbox_to_anchor=(0.5, 1.0), ncol=len(runs) + 2)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return True


def machine() -> dict[str, Any]:
    import aiohttp

    version = subprocess.run([ensure_wrk(), "--version"], capture_output=True, text=True)
    return {
        "cpus": len(os.sched_getaffinity(0)),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "python_build": " ".join(platform.python_build()),
        "python_compiler": platform.python_compiler(),
        "aiohttp": aiohttp.__version__,
        "wrk": (version.stdout or version.stderr).split("[")[0].strip(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--short", action="store_true", help="small, quick (CI)")
    parser.add_argument("--out", type=Path, help="folder for scale.json and scale.png")
    args = parser.parse_args()
    plan = SHORT if args.short else FULL
    default_out = Path(__file__).resolve().parent / "results"
    out = args.out or (Path(tempfile.mkdtemp(prefix="scale-")) if args.short else default_out)
    out.mkdir(parents=True, exist_ok=True)
    ensure_wrk()
    cpus = cores()
    pinning = (
        f"server on core {cpus[0]}, wrk on core {cpus[1]}"
        if cpus[0] is not None
        else "one core: nothing pinned"
    )
    print(f"scale: worlds of {', '.join(f'{n:,}' for n in plan.sizes)} entries; {pinning}")
    load_before = os.getloadavg()[0]
    if load_before > BUSY_LOAD:
        print(f"scale: the machine is busy (load {load_before:.1f}): expect low, noisy figures")
    runs = [measure_size(entries, plan, cpus) for entries in plan.sizes]
    measure_in_process(runs, plan)
    inside = request_path.measure(
        plan.sizes[0], requests=plan.request_path_requests, rounds=plan.request_path_rounds
    )
    plugin = plugin_cost.measure(plan.plugin_tests, plan.plugin_rounds)
    counted = instructions.measure() if plan.count_instructions and instructions.available() else {}
    if plan.count_instructions and not counted:
        print("scale: instructions not counted: valgrind is missing (apt-get install valgrind)")
    workers = measure_workers(plan.sizes[-1], plan)
    report: dict[str, Any] = {
        "command": "python -m benchmarks.scale" + (" --short" if args.short else ""),
        "machine": machine(),
        "load_average": {"before": load_before, "after": os.getloadavg()[0]},
        "connections": plan.connections,
        "seconds": plan.seconds,
        "rounds": plan.rounds,
        "sizes": [asdict(run) for run in runs],
        "request_path_cpu_us": dict(inside.cpu_us),
        "instructions_a_request": counted,
        "plugin_cost_ms": asdict(plugin),
        "workers": workers,
        "targets": targets(runs, inside, plugin, counted),
    }
    print(table(runs))
    shown = ", ".join(f"{name} {us:.1f} us" for name, us in inside.cpu_us.items())
    print(f"\nrequest path in-process, CPU a request: {shown}")
    if counted:
        shown = ", ".join(f"{name} {count:,}" for name, count in counted.items())
        print(f"instructions a request (benchmarks.instructions): {shown}")
    rates = workers["requests_per_second_by_workers"]
    shown = ", ".join(f"{count} worker(s): {rate:,.0f} req/s" for count, rate in rates.items())
    print(
        f"\n--workers, {workers['entries']:,} entries, no filter, nothing pinned: {shown} "
        f"(wrk shares the {report['machine']['cpus']} cores with them)"
    )
    print("\ntargets:")
    for target in report["targets"]:
        print(f"  [{'met' if target['met'] else 'MISSED'}] {target['target']}: {target['figures']}")
    print(
        "  [reported] 6. --workers keeps its determinism (tests/processes/test_workers.py); "
        f"throughput above: {shown}"
    )
    (out / "scale.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {out / 'scale.json'}")
    if chart(report, runs, out / "scale.png"):
        print(f"wrote {out / 'scale.png'}")
    else:
        print("no chart: matplotlib is missing (pip install -e '.[bench]')")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
