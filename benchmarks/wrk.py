"""Driving wrk (the HTTP load generator from Debian's packages) and reading its figures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# wrk's Lua hooks: cycle through the request list, then print the figures as JSON.
LUA_TEMPLATE = """
local requests = {requests}
local counter = 0
request = function()
  counter = counter + 1
  local r = requests[(counter % #requests) + 1]
  return wrk.format("GET", r[1], {{["Authorization"] = "Bearer " .. r[2]}})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write("WRK_JSON " .. string.format(
    '{{"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,'
    .. '"timeout":%d,"p50_us":%d,"p99_us":%d,"p999_us":%d}}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
"""


@dataclass(frozen=True, slots=True)
class WrkResult:
    requests: int
    seconds: float
    socket_errors: int
    non_2xx: int
    timeouts: int
    p50_ms: float
    p99_ms: float
    p999_ms: float

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def ensure_wrk() -> str:
    """The path of wrk, installing Debian's package when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing it with apt-get", file=sys.stderr)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk could not be installed")
    return found


def pinned(command: Sequence[str], cpu: int | None) -> list[str]:
    """`command` pinned to one core with taskset, when a core is given and taskset exists."""
    if cpu is None or shutil.which("taskset") is None:
        return list(command)
    return ["taskset", "-c", str(cpu), *command]


def lua_script(requests: Sequence[tuple[str, str]]) -> str:
    """A wrk script that sends (path, key) pairs in turn, each with its bearer key."""
    rows = (f"{{{json.dumps(path)},{json.dumps(key)}}}" for path, key in requests)
    table = "{" + ",".join(rows) + "}"
    return LUA_TEMPLATE.format(requests=table)


def run_wrk(
    url: str,
    requests: Sequence[tuple[str, str]],
    *,
    connections: int,
    seconds: float,
    threads: int = 1,
    cpu: int | None = None,
) -> WrkResult:
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "requests.lua"
        script.write_text(lua_script(requests))
        command = [
            ensure_wrk(),
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(script),
            url,
        ]
        run = subprocess.run(pinned(command, cpu), capture_output=True, text=True, check=True)
    line = next(line for line in run.stdout.splitlines() if line.startswith("WRK_JSON "))
    figures = json.loads(line.removeprefix("WRK_JSON "))
    return WrkResult(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        socket_errors=figures["connect"] + figures["read"] + figures["write"],
        non_2xx=figures["status"],
        timeouts=figures["timeout"],
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        p999_ms=figures["p999_us"] / 1000,
    )
