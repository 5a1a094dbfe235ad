from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from mockserver import Config, ThreadedServer, create_app
from mockserver.domain.models import Role, World
from tests.conftest import TEST_WORLD, key_of


@pytest.fixture(scope="module")
def server(shared_world: World) -> Iterator[ThreadedServer]:
    with ThreadedServer(create_app(Config(world=TEST_WORLD), world=shared_world)) as running:
        yield running


@pytest.fixture(scope="module")
def admin_key(shared_world: World) -> str:
    return key_of(shared_world, 0, Role.ADMIN)


def exchange(server: ThreadedServer, data: bytes, timeout: float = 10) -> bytes:
    """Send raw bytes, read until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", server.server.port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def request(target: bytes, key: str | None = None, extra: bytes = b"") -> bytes:
    auth = b"Authorization: Bearer " + key.encode() + b"\r\n" if key else b""
    return (
        b"GET " + target + b" HTTP/1.1\r\nHost: t\r\n" + auth + extra + b"Connection: close\r\n\r\n"
    )


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


def body_of(response: bytes) -> bytes:
    return response.split(b"\r\n\r\n", 1)[1]
