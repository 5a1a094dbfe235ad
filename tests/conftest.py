from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from hypothesis import settings

from mockserver import Config, WorldConfig, create_app
from mockserver.control.spec import load_control_spec
from mockserver.domain.events import fork_world
from mockserver.domain.models import Role, World
from mockserver.generate.world import generate_world
from mockserver.spec.loader import schema_validator
from mockserver.spec.operations import operation_table

# No deadline for any example: speed is measured in benchmarks/, and on a loaded two-core
# CI machine a one-off slow example is noise, not a failure of the property.
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")

# A smaller world than the default keeps the suite fast; the rules do not depend on size.
TEST_WORLD = WorldConfig(seed=7, entries=1_500, projects=3)

ClientFactory = Callable[[web.Application], Awaitable[TestClient[web.Request, web.Application]]]


@pytest.fixture(scope="session")
def shared_world() -> World:
    """One world for the tests that only read it."""
    return generate_world(TEST_WORLD)


@pytest.fixture
def world() -> World:
    """A fresh world for tests that change it."""
    return generate_world(TEST_WORLD)


@pytest.fixture
async def client(
    aiohttp_client: ClientFactory, shared_world: World
) -> TestClient[web.Request, web.Application]:
    return await aiohttp_client(create_app(Config(world=TEST_WORLD), world=shared_world))


def key_of(world: World, project_index: int, role: Role) -> str:
    return next(k.key for k in world.projects[project_index].keys if k.role is role)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def admin(shared_world: World) -> dict[str, str]:
    return bearer(key_of(shared_world, 0, Role.ADMIN))


@pytest.fixture
def member(shared_world: World) -> dict[str, str]:
    return bearer(key_of(shared_world, 0, Role.MEMBER))


Client = TestClient[web.Request, web.Application]
SMALL = WorldConfig(seed=11, entries=300, projects=2)
CONTROL_SPEC = load_control_spec()
CONTROL_OPERATIONS = operation_table(CONTROL_SPEC)
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
    operation = CONTROL_OPERATIONS.get(operation_id)
    if operation is None:
        raise AssertionError(f"no operation {operation_id}")
    response = operation.definition["responses"][str(status)]
    if "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[1]
        response = CONTROL_SPEC["components"]["responses"][name]
    schema = response["content"]["application/json"]["schema"]
    schema_validator(CONTROL_SPEC, schema).validate(body)


async def call(
    client: Client, method: str, endpoint: str, operation_id: str, body: Any = None, **kw: Any
) -> tuple[int, Any]:
    """One control call; the answer is checked against the control spec."""
    response = await client.request(method, "/__mock/" + endpoint, json=body, **kw)
    payload = await response.json() if response.status != 204 else None
    if response.status != 204:
        conforms(operation_id, response.status, payload)
    return response.status, payload
