from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from mockserver import Config, WorldConfig, create_app
from mockserver.models import Role, World
from mockserver.world import generate_world

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
