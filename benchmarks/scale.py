"""Scale and speed of the mock: startup, memory and throughput at 10k, 100k and 1M entries.

    python -m benchmarks.scale            # the full run, about 11 minutes
    python -m benchmarks.scale --short    # small worlds, a second per figure (what CI runs)

For each world size it starts the mock as a load-test target, with nothing that logs
requests (`mockserver --entries N --no-control --log-level warning`: no control-API
journal, no access log), reports how long it took to answer and how much memory it
holds, then drives every query shape with wrk (32 connections; server and wrk pinned to
different cores when there are two or more) next to the ceiling: a bare aiohttp handler
that returns the mock's own 50-entry page. It does so in rounds, the ceiling and every
shape in turn in each, and reports for each the median round: a burst of other work on
the machine then spoils one round, not the figure. Last, on the largest world, it
measures what the control API's journal costs (on, as by default, and off) and serves
the world from one worker, then from one per core.

It prints the table, writes it as JSON and as a PNG chart (matplotlib, from the `bench`
extra), and says which targets the figures meet. It asserts nothing.
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

from benchmarks.harness import (
    AUDIT_LOG,
    PROJECT,
    Load,
    Started,
    Target,
    cores,
    drive,
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

DAY_MS = 86_400_000
CEILING = "bare aiohttp ceiling"
# The page the control API's and the workers' figures are measured on.
NO_FILTER = f"{AUDIT_LOG}?limit=50"

# The targets this benchmark checks.
MIN_RATIO_TO_CEILING = 0.5
MAX_P99_MS = 5.0
MAX_LOSS_AT_SCALE = 0.10
MAX_STARTUP_SECONDS = 3.0
MAX_RSS_MB = 300.0
# A 1-minute load average above this says something else runs: the figures will suffer.
BUSY_LOAD = 0.5
# Shapes held to the ceiling and p99 targets: pages of 50 entries, and the project.
CEILING_SHAPES_EXCLUDE = ("limit=1", "limit=200")


@dataclass(frozen=True, slots=True)
class Plan:
    sizes: tuple[int, ...]
    seconds: int
    connections: int
    # Each figure is the median of this many runs, the ceiling and the shapes taken in turn.
    rounds: int


FULL = Plan(sizes=(10_000, 100_000, 1_000_000), seconds=3, connections=32, rounds=3)
SHORT = Plan(sizes=(2_000, 20_000), seconds=1, connections=32, rounds=1)


@dataclass(slots=True)
class Figure:
    """One wrk run: one query shape against one server."""

    shape: str
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    ratio_to_ceiling: float
    # The server's CPU time per request: unlike requests/s, it hardly depends on what
    # else the machine runs, so it tells the cost of a query on a busy machine too.
    cpu_us_per_request: float
    errors: int

    @classmethod
    def of(cls, shape: str, path: str, load: Load, ceiling_rps: float) -> Figure:
        result = load.result
        rate = result.requests_per_second
        return cls(
            shape=shape,
            path=path,
            requests_per_second=round(rate, 1),
            p50_ms=result.p50_ms,
            p99_ms=result.p99_ms,
            ratio_to_ceiling=round(rate / ceiling_rps, 3) if ceiling_rps else 0.0,
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
    ceiling: Figure
    figures: list[Figure] = field(default_factory=list)
    rss_mb_after_load: float = 0.0
    peak_rss_mb: float = 0.0


# The mock as a load-test target: no journal of the requests, no access log.
LOAD_TEST_FLAGS = ("--no-control", "--log-level", "warning")
# The control API's cost: the mock as by default (its journal on), then without it.
CONTROL_API_FLAGS = (
    ("control API on", ("--log-level", "warning")),
    ("--no-control", LOAD_TEST_FLAGS),
)


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
def ceiling_server(body: bytes, cpu: int | None) -> Iterator[Started]:
    """The bare aiohttp handler, serving `body` at the audit log's path, until the block ends."""
    port = free_port()
    with tempfile.NamedTemporaryFile(suffix=".json") as file:
        file.write(body)
        file.flush()
        command = [
            *(sys.executable, "-m", "benchmarks.ceiling"),
            *("--port", str(port), "--body", file.name),
        ]
        with started(pinned(command, cpu), port, AUDIT_LOG, None) as server:
            yield server


def measure_size(entries: int, plan: Plan, cpus: tuple[int | None, int | None]) -> SizeRun:
    server_cpu, load_cpu = cpus
    key = admin_key(entries)
    with mock(entries, *LOAD_TEST_FLAGS, key=key, cpu=server_cpu) as server:
        rss_at_start = memory_mb(server.process.pid)
        shapes = query_shapes(server.url, key)
        # The first query of a filter value builds its index.
        warm_up(server, [(path, key) for _, path in shapes])
        body = get(server.url + shapes[0][1], key)[1]

        def progress(number: int, latest: Mapping[str, Load]) -> None:
            rates = ", ".join(
                f"{name} {load.result.requests_per_second:,.0f}"
                for name, load in latest.items()
                if name != CEILING
            )
            print(f"  {entries:>11,} round {number}: req/s {rates}", flush=True)

        with ceiling_server(body, server_cpu) as ceiling:
            targets = {
                CEILING: Target(ceiling, ((AUDIT_LOG, ""),)),
                **{name: Target(server, ((path, key),)) for name, path in shapes},
            }
            loads = drive_in_turn(
                targets,
                rounds=plan.rounds,
                connections=plan.connections,
                seconds=plan.seconds,
                cpu=load_cpu,
                after_round=progress,
            )
        ceiling_load = loads[CEILING]
        ceiling_rate = ceiling_load.result.requests_per_second
        run = SizeRun(
            entries=entries,
            startup_seconds=round(server.seconds, 2),
            startup_cpu_seconds=round(server.cpu_seconds, 2),
            rss_mb_at_start=round(rss_at_start, 1),
            ceiling=Figure.of(CEILING, AUDIT_LOG, ceiling_load, ceiling_rate),
            figures=[Figure.of(name, path, loads[name], ceiling_rate) for name, path in shapes],
        )
        run.rss_mb_after_load = round(memory_mb(server.process.pid), 1)
        run.peak_rss_mb = round(memory_mb(server.process.pid, "VmHWM"), 1)
    return run


def measure_control_api(
    entries: int, plan: Plan, cpus: tuple[int | None, int | None]
) -> dict[str, Any]:
    """The no-filter page of the largest world with the control API on (the default) and off.

    The control API journals every request, which costs CPU time on each.
    """
    key = admin_key(entries)
    requests = ((NO_FILTER, key),)
    figures = {}
    for label, flags in CONTROL_API_FLAGS:
        with mock(entries, *flags, key=key, cpu=cpus[0]) as server:
            warm_up(server, requests)
            load = drive(
                server, requests, connections=plan.connections, seconds=plan.seconds, cpu=cpus[1]
            )
        figures[label] = asdict(Figure.of(label, NO_FILTER, load, 0.0))
    return {"entries": entries, "shape": "no filter", "figures": figures}


def measure_workers(entries: int, plan: Plan) -> dict[str, Any]:
    """The no-filter page of the largest world from 1 worker, then one per core, unpinned.

    Both servers stay up while the rounds take them in turn; each figure is the median.
    """
    key = admin_key(entries)
    requests = ((NO_FILTER, key),)
    counts = (1, max(2, len(os.sched_getaffinity(0))))
    with ExitStack() as stack:
        targets = {}
        for count in counts:
            flags = (*LOAD_TEST_FLAGS, "--workers", str(count))
            server = stack.enter_context(mock(entries, *flags, key=key))
            warm_up(server, requests)
            targets[count] = Target(server, requests)
        loads = drive_in_turn(
            targets, rounds=plan.rounds, connections=plan.connections, seconds=plan.seconds
        )
    rates = {str(count): round(load.result.requests_per_second, 1) for count, load in loads.items()}
    return {"entries": entries, "shape": "no filter", "requests_per_second_by_workers": rates}


def targets(runs: list[SizeRun]) -> list[dict[str, Any]]:
    """Each target, whether the figures meet it, and the figures that decide."""
    smallest, largest = runs[0], runs[-1]
    held = [f for f in largest.figures if f.shape not in CEILING_SHAPES_EXCLUDE]
    worst = min(held, key=lambda f: f.ratio_to_ceiling)
    by_cpu = min(largest.ceiling.cpu_us_per_request / f.cpu_us_per_request for f in held)
    slowest = max(held, key=lambda f: f.p99_ms)
    # A server that keeps its core busy answers 1 / (CPU time a request) requests a
    # second; its CPU time, unlike the requests/s wrk sees, is hardly changed by other
    # work on the machine, so the cost of scale is read from it.
    losses = [
        (1 - small.cpu_us_per_request / big.cpu_us_per_request, small, big)
        for small, big in zip(smallest.figures, largest.figures, strict=True)
    ]
    loss, small, big = max(losses, key=lambda item: item[0])
    size = f"{largest.entries:,} entries"
    checks = [
        (
            f"pages of 50 and the project at {size}: >= {MIN_RATIO_TO_CEILING:.0%} of the ceiling",
            worst.ratio_to_ceiling >= MIN_RATIO_TO_CEILING,
            f"lowest: {worst.shape} at {worst.ratio_to_ceiling:.0%} "
            f"(by CPU time per request: {by_cpu:.0%})",
        ),
        (
            f"pages of 50 and the project at {size}: p99 under {MAX_P99_MS:g} ms",
            slowest.p99_ms < MAX_P99_MS,
            f"highest: {slowest.shape} at {slowest.p99_ms:.2f} ms "
            f"(the ceiling's own: {largest.ceiling.p99_ms:.2f} ms)",
        ),
        (
            f"{smallest.entries:,} -> {size} costs < {MAX_LOSS_AT_SCALE:.0%} of throughput, "
            "every shape (by CPU time a request)",
            loss < MAX_LOSS_AT_SCALE,
            f"largest loss: {big.shape}, {loss:.1%} (CPU {small.cpu_us_per_request:.0f} -> "
            f"{big.cpu_us_per_request:.0f} us a request; {small.requests_per_second:,.0f} -> "
            f"{big.requests_per_second:,.0f} req/s as measured)",
        ),
        (
            f"{size}: answering within {MAX_STARTUP_SECONDS:g} s of its start",
            largest.startup_seconds < MAX_STARTUP_SECONDS,
            f"{largest.startup_seconds:.2f} s ({largest.startup_cpu_seconds:.2f} s of CPU)",
        ),
        (
            f"{size}: less than {MAX_RSS_MB:g} MB of memory",
            largest.peak_rss_mb < MAX_RSS_MB,
            f"{largest.rss_mb_at_start:.0f} MB at start, peak {largest.peak_rss_mb:.0f} MB",
        ),
    ]
    return [{"target": name, "met": met, "figures": figures} for name, met, figures in checks]


def table(runs: list[SizeRun]) -> str:
    lines = []
    for run in runs:
        lines.append(
            f"\n{run.entries:,} entries: answering after {run.startup_seconds:.2f} s "
            f"({run.startup_cpu_seconds:.2f} s CPU), {run.rss_mb_at_start:.0f} MB resident, "
            f"{run.rss_mb_after_load:.0f} MB after the load (peak {run.peak_rss_mb:.0f} MB)"
        )
        header = ("shape", "req/s", "p50 ms", "p99 ms", "ceiling", "CPU us")
        lines.append(f"  {header[0]:<24}" + "".join(f"{h:>9}" for h in header[1:]))
        for f in [run.ceiling, *run.figures]:
            errors = f"  {f.errors} errors" if f.errors else ""
            lines.append(
                f"  {f.shape:<24}{f.requests_per_second:>9,.0f}{f.p50_ms:>9.2f}{f.p99_ms:>9.2f}"
                f"{f.ratio_to_ceiling:>9.0%}{f.cpu_us_per_request:>9.0f}{errors}"
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
    ceiling = sum(run.ceiling.requests_per_second for run in runs) / len(runs)
    ceiling_cpu = sum(run.ceiling.cpu_us_per_request for run in runs) / len(runs)
    rates.axhline(ceiling, color="black", linestyle="--", linewidth=1, label="bare aiohttp")
    rates.axhline(ceiling / 2, color="grey", linestyle=":", linewidth=1, label="50% of it")
    costs.axhline(ceiling_cpu, color="black", linestyle="--", linewidth=1, label="bare aiohttp")
    rates.set_ylabel("requests/s, one server process")
    rates.set_ylim(0, ceiling * 1.15)
    costs.set_ylabel("server CPU time a request (us)")
    costs.set_xticks(range(len(shapes)), shapes, rotation=30, ha="right")
    rates.set_title(
        f"mockserver by world size and query shape ({report['machine']['cpus']} CPUs, "
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
    parser.add_argument("--short", action="store_true", help="small worlds, 1 s per figure (CI)")
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
    control = measure_control_api(plan.sizes[-1], plan, cpus)
    workers = measure_workers(plan.sizes[-1], plan)
    report: dict[str, Any] = {
        "command": "python -m benchmarks.scale" + (" --short" if args.short else ""),
        "machine": machine(),
        "load_average": {"before": load_before, "after": os.getloadavg()[0]},
        "connections": plan.connections,
        "seconds": plan.seconds,
        "rounds": plan.rounds,
        "sizes": [asdict(run) for run in runs],
        "control_api": control,
        "workers": workers,
        "targets": targets(runs),
    }
    print(table(runs))
    shown = ", ".join(
        f"{label}: {f['requests_per_second']:,.0f} req/s, {f['cpu_us_per_request']:.0f} us CPU"
        for label, f in control["figures"].items()
    )
    print(f"\ncontrol API, {control['entries']:,} entries, no filter: {shown}")
    rates = workers["requests_per_second_by_workers"]
    shown = ", ".join(f"{count} worker(s): {rate:,.0f} req/s" for count, rate in rates.items())
    print(f"\n--workers, {workers['entries']:,} entries, no filter, nothing pinned: {shown}")
    print("\ntargets:")
    for target in report["targets"]:
        print(f"  [{'met' if target['met'] else 'MISSED'}] {target['target']}: {target['figures']}")
    (out / "scale.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {out / 'scale.json'}")
    if chart(report, runs, out / "scale.png"):
        print(f"wrote {out / 'scale.png'}")
    else:
        print("no chart: matplotlib is missing (pip install -e '.[bench]')")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
