"""The `mockserver` process: its errors, exit statuses and clean stops."""

from __future__ import annotations

import signal
import socket
import time
import urllib.request

import pytest

from mockserver.config import WorldConfig
from mockserver.generate.world import generate_world
from tests.processes.commands import free_port, run, started


@pytest.mark.parametrize(
    ("args", "env", "names"),
    [
        (["--port", "70000"], {}, "--port"),
        (["--entries", "-1"], {}, "--entries"),
        (["--seed", "abc"], {}, "--seed"),
        (["--world-end", "yesterday"], {}, "--world-end"),
        (["--log-level", "loud"], {}, "--log-level"),
        (["--bogus"], {}, "--bogus"),
        ([], {"MOCKSERVER_PORT": "x"}, "MOCKSERVER_PORT"),
        (["keys", "--projects", "0"], {}, "--projects"),
    ],
)
def test_bad_flags_give_one_clear_line_and_exit_2(
    args: list[str], env: dict[str, str], names: str
) -> None:
    result = run(*args, env=env)
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert names in last
    assert "Traceback" not in result.stderr


def test_a_port_in_use_gives_one_line_and_exit_1() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("--port", str(port), "--entries", "10")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"mockserver: cannot listen on 127.0.0.1:{port}: address already in use"
    ]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serves_prints_keys_and_stops_cleanly_on_a_signal(signum: int) -> None:
    port = free_port()
    with started("--port", str(port), "--entries", "20", "--seed", "5") as process:
        assert process.stdout is not None
        banner = "".join(process.stdout.readline() for _ in range(7))
        admin_key = generate_world(WorldConfig(seed=5, entries=20)).projects[0].keys[0].key
        assert f"admin  key: {admin_key}" in banner
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/project",
            headers={"Authorization": f"Bearer {admin_key}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        process.send_signal(signum)
        started_at = time.monotonic()
        assert process.wait(timeout=10) == 0
        assert time.monotonic() - started_at < 6
        assert process.stderr is not None
        log = process.stderr.read()
    assert '"GET /api/v1/project" 200' in log, "an access-log line per request"
    assert admin_key not in log, "keys are logged redacted"
    assert admin_key[:8] + "…" in log
