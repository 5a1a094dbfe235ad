"""Servers of the same seed answer alike, across processes and from `--workers` processes;
how `serve_workers` starts, stops and fails."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from random import Random
from urllib.parse import urlencode

import pytest
from aiohttp import web

from mockserver.config import WorldConfig
from mockserver.domain.ids import api_key
from mockserver.generate.world import DOCUMENTED_ACTIONS
from mockserver.serving.workers import WorkersError, serve_workers
from tests import REPO_ROOT
from tests.processes.commands import mockserver


def fetch(url: str, key: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def requests_of_every_shape(seed: int, projects: int) -> list[tuple[str, str]]:
    """(path, key) pairs: every filter, limit and `since`, every project and role."""
    rng = Random(seed)
    paths: list[tuple[str, str]] = []
    for index in range(projects):
        admin, member = (api_key(seed, index, role) for role in ("admin", "member"))
        paths += [("/api/v1/project", admin), ("/api/v1/project", member)]
        paths.append(("/api/v1/audit-log", member))
        for _ in range(25):
            params: dict[str, object] = {}
            if rng.random() < 0.5:
                params["action"] = rng.choice([*DOCUMENTED_ACTIONS, "api_key.revoked", "x"])
            if rng.random() < 0.3:
                params["userId"] = "system"
            if rng.random() < 0.5:
                params["since"] = WorldConfig().world_end_ms - rng.randint(0, 90 * 86_400_000)
            if rng.random() < 0.7:
                params["limit"] = rng.choice([1, 7, 50, 200, 201])
            paths.append((f"/api/v1/audit-log?{urlencode(params)}", admin))
    return paths


def test_two_servers_of_one_seed_answer_byte_for_byte_alike() -> None:
    """What a load balancer in front of several machines relies on."""
    world = ("--seed", "31", "--entries", "60000", "--projects", "2")
    with (
        mockserver(*world, hash_seed="1") as (_, one),
        mockserver(*world, hash_seed="2") as (
            _,
            two,
        ),
    ):
        answers = 0
        for path, key in requests_of_every_shape(31, 2):
            first, second = fetch(one + path, key), fetch(two + path, key)
            assert first == second, path
            answers += first[0] == 200 and b'"data":[{' in first[2]
        assert answers > 20, "the comparison covers pages full of entries"


def listening_sockets(port: int) -> int:
    """How many sockets listen on `port` (Linux's /proc/net/tcp and tcp6)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            count += state == "0A" and int(local.rsplit(":", 1)[1], 16) == port
    return count


def children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in found]


def test_workers_serve_one_world_from_several_processes_and_stop_together() -> None:
    key = api_key(8, 0, "admin")
    with mockserver("--workers", "2", "--seed", "8", "--entries", "3000") as (process, url):
        workers = children(process.pid)
        assert len(workers) == 2
        port = int(url.rsplit(":", 1)[1])
        assert listening_sockets(port) == 2, "each worker listens on the port"
        # Each request opens its own connection, which the kernel hands to either worker.
        answers = {fetch(f"{url}/api/v1/audit-log?limit=20", key) for _ in range(30)}
        assert len(answers) == 1
        status, content_type, body = answers.pop()
        assert status == 200 and content_type.startswith("application/json")
        assert len(json.loads(body)["data"]) == 20
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{pid}").exists() for pid in workers):
            assert time.monotonic() < deadline, "the workers stopped with the server"
            time.sleep(0.05)


def test_workers_on_a_port_in_use_give_one_line_and_exit_1() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "mockserver", "--workers", "2", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=REPO_ROOT,
        )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"mockserver: cannot listen on 127.0.0.1:{port}: address already in use"
    ]


def test_a_bad_worker_count_gives_one_line_and_exit_2() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", "--workers", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 2
    assert "--workers" in result.stderr.strip().splitlines()[-1]
    assert "Traceback" not in result.stderr


def hello_app() -> web.Application:
    async def hello(request: web.Request) -> web.Response:
        return web.json_response({"pid": os.getpid()})

    app = web.Application()
    app.router.add_get("/", hello)
    return app


def pid_at(port: int) -> int:
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with direct.open(f"http://127.0.0.1:{port}/", timeout=10) as response:
        return int(json.loads(response.read())["pid"])


def test_serve_workers_stops_every_worker_on_a_signal_and_returns_0() -> None:
    workers: set[int | None] = set()
    answered_by: set[int | None] = set()

    def on_ready(port: int) -> None:
        workers.update(child.pid for child in multiprocessing.active_children())
        answered_by.update(pid_at(port) for _ in range(20))
        os.kill(os.getpid(), signal.SIGTERM)  # the parent passes it on to each worker

    before = signal.getsignal(signal.SIGTERM)
    assert serve_workers(hello_app, "127.0.0.1", 0, 2, on_ready) == 0
    assert len(workers) == 2 and answered_by <= workers
    assert multiprocessing.active_children() == []
    assert signal.getsignal(signal.SIGTERM) == before


def test_a_worker_that_ends_on_its_own_stops_the_others_and_returns_1(
    capfd: pytest.CaptureFixture[str],
) -> None:
    def on_ready(port: int) -> None:
        one = multiprocessing.active_children()[0]
        assert one.pid is not None
        os.kill(one.pid, signal.SIGKILL)

    assert serve_workers(hello_app, "127.0.0.1", 0, 2, on_ready) == 1
    assert (
        "mockserver: a worker stopped unexpectedly; stopping the others" in capfd.readouterr().err
    )
    assert multiprocessing.active_children() == []


def test_a_worker_that_fails_to_start_is_a_workers_error() -> None:
    def broken() -> web.Application:
        raise RuntimeError("no app")

    with pytest.raises(WorkersError, match=r"^a worker stopped while starting$"):
        serve_workers(broken, "127.0.0.1", 0, 2, lambda port: pytest.fail("never ready"))
    assert multiprocessing.active_children() == []
