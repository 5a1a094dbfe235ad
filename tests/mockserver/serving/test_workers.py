"""The parts of `--workers` that fork nothing: what the system needs, the port, the start.

Serving from forked workers is tested in tests/processes/test_workers.py.
"""

from __future__ import annotations

import errno
import multiprocessing
import socket
import time

import pytest

from mockserver.serving import workers
from mockserver.serving.workers import LISTENING, WorkersError, reserved_port, unsupported_reason


def test_this_system_can_run_workers() -> None:
    assert unsupported_reason() is None


def test_without_so_reuseport_or_fork_workers_cannot_run(monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
        assert unsupported_reason() == "--workers needs fork(), which this system lacks"
    monkeypatch.delattr(socket, "SO_REUSEPORT")
    assert unsupported_reason() == "--workers needs SO_REUSEPORT, which this system lacks"
    with pytest.raises(WorkersError, match="SO_REUSEPORT"):
        workers.serve_workers(lambda: pytest.fail("no worker starts"), "127.0.0.1", 0, 2, print)


def bind(port: int, *, reuse_port: bool) -> socket.socket:
    sock = socket.socket()
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    return sock


def test_port_0_reserves_a_free_port_that_only_reuse_port_sockets_share() -> None:
    with reserved_port("127.0.0.1", 0) as port:
        assert port != 0
        with pytest.raises(OSError) as taken:
            bind(port, reuse_port=False)
        assert taken.value.errno == errno.EADDRINUSE
        with bind(port, reuse_port=True) as worker:
            worker.listen()
            assert worker.getsockname()[1] == port
    with bind(port, reuse_port=False):
        pass  # free again once the block ends


def test_a_given_port_is_reserved_as_given() -> None:
    with reserved_port("127.0.0.1", 0) as free:
        pass
    with reserved_port("127.0.0.1", free) as port:
        assert port == free


def test_a_port_in_use_cannot_be_reserved() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(OSError) as in_use, reserved_port("127.0.0.1", busy.getsockname()[1]):
            pass
    assert in_use.value.errno == errno.EADDRINUSE


def reports(*lines: str) -> multiprocessing.Queue[str]:
    queue: multiprocessing.Queue[str] = multiprocessing.get_context("fork").Queue()
    for line in lines:
        queue.put(line)
    return queue


def no() -> bool:
    return False


def test_the_start_ends_once_every_worker_listens() -> None:
    two = reports(LISTENING, LISTENING)
    workers.wait_until_listening(two, 2, failed=no, stopped=no, timeout=5)
    assert two.empty()


def test_a_workers_report_of_why_it_cannot_listen_is_the_error() -> None:
    problem = "cannot listen on 127.0.0.1:1: permission denied"
    with pytest.raises(WorkersError) as refused:
        workers.wait_until_listening(reports(LISTENING, problem), 2, failed=no, stopped=no)
    assert str(refused.value) == problem


def test_a_worker_that_ends_while_starting_is_an_error() -> None:
    with pytest.raises(WorkersError, match=r"^a worker stopped while starting$"):
        workers.wait_until_listening(reports(LISTENING), 2, failed=lambda: True, stopped=no)


def test_workers_that_never_listen_time_out() -> None:
    started = time.monotonic()
    with pytest.raises(WorkersError, match=r"^the workers did not listen within 0\.3 s$"):
        workers.wait_until_listening(reports(), 1, failed=no, stopped=no, timeout=0.3)
    assert 0.3 <= time.monotonic() - started < 5


def test_a_stop_during_the_start_ends_the_wait() -> None:
    started = time.monotonic()
    workers.wait_until_listening(reports(), 2, failed=no, stopped=lambda: True, timeout=5)
    assert time.monotonic() - started < 1
