"""The command-line flags of the control API, the clock and the activity."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.processes.commands import free_port, run


@contextmanager
def serving(*args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """A `mockserver` process; yields its banner up to the line about the control API."""
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", str(free_port()), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:  # ends if the process dies: then the assert says why
            lines.append(line)
            if line.startswith("Control API"):
                break
        assert lines and lines[-1].startswith("Control API"), (
            process.stderr and process.stderr.read()
        )
        yield "".join(lines)
    finally:
        process.kill()
        process.wait()


def control(url: str, endpoint: str, headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(f"{url}/__mock/{endpoint}", headers=headers or {})
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with direct.open(request, timeout=10) as response:
        return json.loads(response.read())


def test_a_frozen_clock_and_a_token_from_flags_and_environment() -> None:
    token = "t0ken-t0ken-t0ken"
    env = {"MOCKSERVER_CONTROL_TOKEN": token, "MOCKSERVER_ACTIVITY": "3"}
    with serving("--entries", "20", "--clock", "frozen:2030-01-01T00:00:00Z", env=env) as banner:
        url = banner.split("listening on ", 1)[1].split()[0]
        assert f"Control API: {url}/__mock/ (needs X-Mock-Control-Token)" in banner
        with pytest.raises(urllib.error.HTTPError) as refused:
            control(url, "clock")
        assert refused.value.code == 403
        clock = control(url, "clock", {"X-Mock-Control-Token": token})
        assert clock == {"now": 1_893_456_000_000, "frozen": True}


def test_no_control_turns_it_off_but_health_answers() -> None:
    with serving("--entries", "5", "--no-control") as banner:
        assert "Control API: off" in banner
        url = banner.split("listening on ", 1)[1].split()[0]
        with pytest.raises(urllib.error.HTTPError) as missing:
            control(url, "clock")
        assert missing.value.code == 404
        assert control(url, "health") == {"status": "ok"}


def test_the_help_lists_the_new_flags() -> None:
    help_text = run("--help").stdout
    for flag in ("--clock", "--activity", "--control-token", "--no-control"):
        assert flag in help_text
