from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from mockserver import Config, WorldConfig, create_app
from mockserver.control.spec import load_control_spec
from mockserver.events import fork_world
from mockserver.models import Role, World
from mockserver.spec import schema_validator
from mockserver.world import generate_world

from ..conftest import ClientFactory, bearer, key_of

Client = TestClient[web.Request, web.Application]
SMALL = WorldConfig(seed=11, entries=300, projects=2)
CONTROL_SPEC = load_control_spec()
FROZEN_AT = 1_800_000_000_000


@pytest.fixture(scope="session")
def small_world() -> World:
    """Generated once; every app below serves a fork of it, so tests may change theirs."""
    return generate_world(SMALL)


AppFactory = Callable[..., Awaitable[Client]]


@pytest.fixture
def make_client(aiohttp_client: ClientFactory, small_world: World) -> AppFactory:
    """A test client of a mock with a fresh world; keyword arguments go to `Config`."""

    async def make(**config: Any) -> Client:
        config.setdefault("world", SMALL)
        factory = partial(fork_world, small_world)
        return await aiohttp_client(create_app(Config(**config), world_factory=factory))

    return make


@pytest.fixture
async def ctl(make_client: AppFactory) -> Client:
    """A mock whose clock starts frozen, so every timestamp in a test is known."""
    return await make_client(clock_frozen_at_ms=FROZEN_AT)


def admin_of(world: World, project: int = 0) -> dict[str, str]:
    return bearer(key_of(world, project, Role.ADMIN))


def conforms(operation_id: str, status: int, body: Any) -> None:
    """Assert that `body` is what the control spec documents for this answer."""
    for item in CONTROL_SPEC["paths"].values():
        for operation in item.values():
            if operation["operationId"] != operation_id:
                continue
            response = operation["responses"][str(status)]
            if "$ref" in response:
                name = response["$ref"].rsplit("/", 1)[1]
                response = CONTROL_SPEC["components"]["responses"][name]
            schema = response["content"]["application/json"]["schema"]
            schema_validator(CONTROL_SPEC, schema).validate(body)
            return
    raise AssertionError(f"no operation {operation_id}")


async def call(
    client: Client, method: str, endpoint: str, operation_id: str, body: Any = None, **kw: Any
) -> tuple[int, Any]:
    """One control call; the answer is checked against the control spec."""
    response = await client.request(method, "/__mock/" + endpoint, json=body, **kw)
    payload = await response.json() if response.status != 204 else None
    if response.status != 204:
        conforms(operation_id, response.status, payload)
    return response.status, payload
