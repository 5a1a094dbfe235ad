"""Servers under measurement: start one, wait until it answers, read its memory and CPU time.

Linux only (it reads /proc), like the pinning with taskset.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT_SECONDS = 120.0
STOP_TIMEOUT_SECONDS = 30.0


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


@dataclass(frozen=True, slots=True)
class Started:
    """A server that answers: its process, its URL, and what starting it took."""

    process: subprocess.Popen[bytes]
    url: str
    seconds: float
    cpu_seconds: float


@contextmanager
def started(command: Sequence[str], port: int, probe: str, key: str | None) -> Iterator[Started]:
    """Run `command` (a server on `port`) until the block ends, from when `probe` answers 200.

    The time it took counts from the start of the process to its first 200.
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
