"""The one path every benchmark takes: start a server, wait until it answers, warm it up, drive it.

`mock` starts the mock (`started` any server) and yields it once it answers; `warm_up`
asks each request once, so that what a first request builds (an index, a cached page)
is not measured; `drive` runs wrk against it and reads the CPU time the server spent
meanwhile, and `drive_in_turn` does so for several servers in rounds, so that a burst of
other work on the machine spoils one round, not a figure.

Linux only (it reads /proc), like the pinning with taskset.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from benchmarks.wrk import WrkResult, pinned, run_wrk

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT_SECONDS = 120.0
STOP_TIMEOUT_SECONDS = 30.0

AUDIT_LOG = "/api/v1/audit-log"
PROJECT = "/api/v1/project"

# A request wrk sends: its path and query, and the bearer key it carries.
Request = tuple[str, str]
K = TypeVar("K")


def cores() -> tuple[int | None, int | None]:
    """(server core, load-generator core): two different cores when there are two or more."""
    available = sorted(os.sched_getaffinity(0))
    return (available[0], available[1]) if len(available) >= 2 else (None, None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def memory_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory (VmRSS), or its peak so far (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def get(url: str, key: str | None = None) -> tuple[int, bytes]:
    """(status, body) of a GET, with the key as a bearer token when given."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def get_json(url: str, key: str) -> Any:
    """The JSON body of a GET that must answer 200."""
    status, body = get(url, key)
    if status != 200:
        raise SystemExit(f"{url} answered {status}")
    return json.loads(body)


@dataclass(frozen=True, slots=True)
class Started:
    """A server that answers: its process, its URL, and what starting it took.

    After the `started` block, `process.returncode` says how it took SIGTERM.
    """

    process: subprocess.Popen[bytes]
    url: str
    seconds: float
    cpu_seconds: float


@contextmanager
def started(command: Sequence[str], port: int, probe: str, key: str | None) -> Iterator[Started]:
    """Run `command` (a server on `port`) until the block ends, from when `probe` answers 200.

    The time it took counts from the start of the process to its first 200. The server
    gets SIGTERM when the block ends, and SIGKILL if it has not stopped 30 s later.
    """
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if process.poll() is not None:
                raise SystemExit(f"{command[0]} exited with {process.returncode} while starting")
            if time.perf_counter() - began > STARTUP_TIMEOUT_SECONDS:
                raise SystemExit(f"no answer within {STARTUP_TIMEOUT_SECONDS:g} s: {command}")
            try:
                if get(url + probe, key)[0] == 200:
                    break
            except OSError:
                pass  # not listening yet
            time.sleep(0.01)
        yield Started(process, url, time.perf_counter() - began, cpu_seconds(process.pid))
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def mock_command(entries: int, port: int, *flags: str) -> list[str]:
    """The mock with a generated world of `entries` entries, on `port`, with `flags`."""
    return [
        *(sys.executable, "-m", "mockserver", "--entries", str(entries), "--port", str(port)),
        *flags,
    ]


def mock_keys(entries: int) -> list[dict[str, str]]:
    """The keys of the world the mock generates for `entries` (`mockserver keys`)."""
    listing = subprocess.run(
        [sys.executable, "-m", "mockserver", "keys", "--entries", str(entries)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    keys: list[dict[str, str]] = json.loads(listing.stdout)
    return keys


def key_of(keys: Sequence[Mapping[str, str]], role: str) -> str:
    """The first key of `role` (`admin`, `member`): one of the first project."""
    return next(k["key"] for k in keys if k["role"] == role)


@contextmanager
def mock(entries: int, *flags: str, key: str, cpu: int | None = None) -> Iterator[Started]:
    """The mock (`mock_command`), pinned to `cpu` when given, from when `key` reads the project."""
    port = free_port()
    with started(pinned(mock_command(entries, port, *flags), cpu), port, PROJECT, key) as server:
        yield server


def warm_up(server: Started, requests: Sequence[Request]) -> None:
    """Ask each request once: what a first request builds is then not measured."""
    for path, key in requests:
        get(server.url + path, key)


@dataclass(frozen=True, slots=True)
class Load:
    """What wrk measured, and the CPU time the server spent meanwhile."""

    result: WrkResult
    cpu_seconds: float

    @staticmethod
    def median(loads: Sequence[Load]) -> Load:
        """The run of median requests/s: its figures (p99, CPU time) all come from one run."""
        return sorted(loads, key=lambda load: load.result.requests_per_second)[len(loads) // 2]


def drive(
    server: Started,
    requests: Sequence[Request],
    *,
    connections: int,
    seconds: float,
    cpu: int | None = None,
) -> Load:
    """wrk sending `requests` in turn for `seconds`, pinned to `cpu` when given."""
    before = cpu_seconds(server.process.pid)
    result = run_wrk(server.url, requests, connections=connections, seconds=seconds, cpu=cpu)
    return Load(result, cpu_seconds(server.process.pid) - before)


@dataclass(frozen=True, slots=True)
class Target:
    """A server to drive, and the requests to drive it with."""

    server: Started
    requests: tuple[Request, ...]


def drive_in_turn(
    targets: Mapping[K, Target],
    *,
    rounds: int,
    connections: int,
    seconds: float,
    cpu: int | None = None,
    after_round: Callable[[int, Mapping[K, Load]], None] | None = None,
) -> dict[K, Load]:
    """Each target's median load over `rounds` rounds, each round driving every target in turn.

    `after_round` is given the round's number (from 1) and that round's loads.
    """
    loads: dict[K, list[Load]] = {name: [] for name in targets}
    for number in range(1, rounds + 1):
        latest = {
            name: drive(
                target.server, target.requests, connections=connections, seconds=seconds, cpu=cpu
            )
            for name, target in targets.items()
        }
        for name, load in latest.items():
            loads[name].append(load)
        if after_round is not None:
            after_round(number, latest)
    return {name: Load.median(found) for name, found in loads.items()}
