"""A clean life cycle: SIGTERM lets requests in flight finish, then the server exits 0."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import urllib.request

from tests.processes.commands import free_port

DELAY_MS = 1_500


def call(url: str, key: str | None = None, body: object = None) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    data = None if body is None else json.dumps(body).encode()
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.status, response.read()


def test_sigterm_drains_a_request_in_flight_and_exits_0() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", str(port), "--entries", "50"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert "listening on" in process.stdout.readline()
        _, keys = call(f"{url}/__mock/keys")
        key = json.loads(keys)["data"][0]["key"]
        status, _ = call(
            f"{url}/__mock/faults", body={"path": "/api/v1/project", "delayMs": DELAY_MS}
        )
        assert status in (200, 201)
        answers: list[int] = []
        slow = threading.Thread(
            target=lambda: answers.append(call(f"{url}/api/v1/project", key)[0])
        )
        slow.start()
        time.sleep(DELAY_MS / 3000)  # the request is now waiting inside the server
        process.send_signal(signal.SIGTERM)
        stopped_at = time.monotonic()
        slow.join(timeout=20)
        assert answers == [200], "the request in flight was answered"
        assert process.wait(timeout=10) == 0
        assert time.monotonic() - stopped_at < 6
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
