"""Running `mockserver` as a process: its output, a free port, a server that is stopped."""

from __future__ import annotations

import os
import selectors
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tests import REPO_ROOT

# How long a process may take to start and print its first line.
STARTUP_SECONDS = 60


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mockserver", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def started(*args: str) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert "listening on" in first, process.stderr.read() if process.stderr else first
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


@contextmanager
def mockserver(*args: str, hash_seed: str = "0") -> Iterator[tuple[subprocess.Popen[str], str]]:
    """A `mockserver` process on a free port, and its URL once it listens.

    `hash_seed` sets the process's PYTHONHASHSEED: each process hashes strings its own
    way, and its answers must not depend on it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", "0", "--log-level", "warning", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
    )
    try:
        assert process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            ready = selector.select(timeout=STARTUP_SECONDS)
        first = process.stdout.readline() if ready else ""
        assert "listening on http://" in first, f"no banner: {first!r}"
        yield process, first.rsplit(" ", 1)[1].strip()
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
