"""Instructions a request, counted: what the request path costs, free of any noise.

    python -m benchmarks.instructions        # about two minutes on two cores

The CPU time a request takes moves with whatever else the machine runs, even measured
in-process; the number of instructions it executes does not. This runs the in-memory
connections of `benchmarks.request_path` (the floor, with and without a middleware, the
mock with `--no-control`, the default mock) under valgrind's cachegrind with its cache
simulation off, which only counts instructions: each app, once warmed up (its journal
full), once with no measured requests and once with `REQUESTS` of them; the difference,
divided by `REQUESTS`, is what one request costs. The count moves by about one percent
from run to run (hash seeds, the clock read for the `Date` header), so a change to the
request path shows here by the thousand instructions, long before a load test could
tell it from noise.

It needs valgrind (`apt-get install valgrind`); it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from benchmarks import request_path
from mockserver.serving.loops import default_loop, run

REQUESTS = 3_200
# A small world: what a request costs hardly depends on its size (see `benchmarks.scale`).
ENTRIES = 1_000
_TOTAL = re.compile(r"I\s+refs:\s+([\d,]+)")


async def _serve(name: str, requests: int) -> None:
    runner, key = request_path.runner(name, ENTRIES)
    request = request_path.raw_request(key)
    await request_path.warmed_up(runner, request)
    if requests:
        await request_path.cpu_us(runner, request, requests)
    await runner.cleanup()


def _count(name: str, requests: int) -> int:
    """Instructions of a whole process that serves `name` `requests` requests."""
    command = [
        *("valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"),
        *(sys.executable, "-m", "benchmarks.instructions", f"--serve={name}"),
        *("--requests", str(requests)),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    found = _TOTAL.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"valgrind failed serving {name}: {done.stderr.strip()[-400:]}")
    return int(found.group(1).replace(",", ""))


def available() -> bool:
    return shutil.which("valgrind") is not None


def measure(requests: int = REQUESTS) -> dict[str, int]:
    """Instructions a request of each app of `benchmarks.request_path`, by name."""
    if not available():
        raise SystemExit("benchmarks.instructions needs valgrind (apt-get install valgrind)")
    names = request_path.APPS
    runs = [(name, count) for name in names for count in (0, requests)]
    with ThreadPoolExecutor(max_workers=len(os.sched_getaffinity(0))) as pool:
        totals = dict(zip(runs, pool.map(lambda each: _count(*each), runs), strict=True))
    return {name: (totals[name, requests] - totals[name, 0]) // requests for name in names}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--serve", help=argparse.SUPPRESS)  # one counted process
    args = parser.parse_args()
    if args.serve:
        run(_serve(args.serve, args.requests), default_loop())
        return
    counts = measure(args.requests)
    floor = counts[request_path.FLOOR]
    print(f"instructions a request ({args.requests:,} requests, {default_loop()} loop):")
    for name, count in counts.items():
        print(f"  {name:<20} {count:>9,}  {count / floor:5.2f} x the floor")
    added = counts[request_path.CONTROL_ON] - counts[request_path.CONTROL_OFF]
    print(f"the control API adds {added:,}")


if __name__ == "__main__":
    main()
