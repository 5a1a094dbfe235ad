"""The project counts lag the world by up to the cache TTL, measured on the mock's clock."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestClient
from hypothesis import given
from hypothesis import strategies as st

from mockserver import Config, create_app
from mockserver.api.cache import CountsCache
from mockserver.api.keys import clock_key
from mockserver.config import WorldConfig
from mockserver.domain.clock import Clock
from mockserver.domain.models import Role, World
from mockserver.generate.world import generate_world
from tests.conftest import TEST_WORLD, ClientFactory, bearer, key_of

Client = TestClient[web.Request, web.Application]


async def counts(client: Client, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    response = await client.get("/api/v1/project", headers=headers)
    body = await response.json()
    return body["data"]["entityCount"], dict(response.headers)


async def test_counts_change_only_after_the_ttl(
    aiohttp_client: ClientFactory, world: World
) -> None:
    app = create_app(Config(world=TEST_WORLD, cache_ttl_seconds=60), world=world)
    clock = app[clock_key]
    clock.freeze()
    client = await aiohttp_client(app)
    headers = bearer(key_of(world, 0, Role.MEMBER))
    before, fresh = await counts(client, headers)
    assert (fresh["Age"], fresh["Cache-Control"]) == ("0", "max-age=60")

    world.projects[0].live_entities.add("ent_new")
    clock.advance(59_999)
    within, aged = await counts(client, headers)
    assert within == before, "within one period the counts do not change"
    assert (aged["Age"], aged["Cache-Control"]) == ("59", "max-age=1")

    clock.advance(1)
    after, renewed = await counts(client, headers)
    assert after == before + 1
    assert (renewed["Age"], renewed["Cache-Control"]) == ("0", "max-age=60")


@given(st.lists(st.integers(0, 200_000), max_size=20), st.integers(1, 120))
def test_served_counts_are_never_older_than_the_ttl(steps: list[int], ttl: int) -> None:
    project = generate_world(WorldConfig(seed=1, entries=10, projects=1)).projects[0]
    clock = Clock(frozen_at=0)
    cache = CountsCache(clock, ttl)
    truth_since: dict[int, int] = {}  # entity count -> the instant it became true
    for step in steps:
        clock.advance(step)
        project.live_entities.add(f"ent_{clock.now_ms()}")
        truth_since[len(project.live_entities)] = clock.now_ms()
        served = cache.get(project)
        computed_at = truth_since[served.counts.entity_count]
        assert clock.now_ms() - computed_at < ttl * 1000
        assert served.age_seconds == (clock.now_ms() - computed_at) // 1000
        assert served.age_seconds + served.max_age_seconds == ttl
