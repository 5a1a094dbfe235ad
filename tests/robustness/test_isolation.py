"""Tenant isolation and secrets: nothing of one project shows through another's key."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver import Config, WorldConfig, create_app
from mockserver.domain.models import Role, World
from mockserver.generate.world import generate_world

PATHS = ["/api/v1/audit-log", "/api/v1/project", "/api/v1/nope"]


@st.composite
def requests(draw: st.DrawFn, world: World) -> tuple[int, Role, str, dict[str, str]]:
    """A request by some project's key, with filters that may name another project's data."""
    index = draw(st.integers(0, len(world.projects) - 1))
    role = draw(st.sampled_from(list(Role)))
    everyone = [e for p in world.projects for e in p.log]
    logged = bool(everyone)
    params: dict[str, str] = {"limit": str(draw(st.integers(1, 200)))}
    if logged and draw(st.booleans()):
        params["userId"] = draw(st.sampled_from(everyone)).user_id
    if logged and draw(st.booleans()):
        params["action"] = draw(st.sampled_from(everyone)).action
    if logged and draw(st.booleans()):
        params["since"] = str(draw(st.sampled_from(everyone)).timestamp - 1)
    return index, role, draw(st.sampled_from(PATHS)), params


def secrets_of_others(world: World, index: int) -> list[str]:
    """What only the other projects may reveal: their ids, entry ids, entity ids and keys."""
    found: list[str] = []
    for other_index, project in enumerate(world.projects):
        if other_index == index:
            continue
        found.append(project.id)
        found.extend(key.key for key in project.keys)
        found.extend(e.id for e in project.log)
        found.extend(e.entity_id for e in project.log if e.entity_id)
    return found


async def fetch_all(world: World, calls: list[tuple[int, Role, str, dict[str, str]]]) -> list[str]:
    app = create_app(Config(), world=world)
    async with TestClient(TestServer(app)) as client:
        bodies = []
        for index, role, path, params in calls:
            key = next(k.key for k in world.projects[index].keys if k.role is role)
            response = await client.get(
                path, params=params, headers={"Authorization": f"Bearer {key}"}
            )
            assert response.status < 500
            bodies.append(await response.text() + str(dict(response.headers)))
        return bodies


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), entries=st.integers(0, 120), data=st.data())
def test_nothing_of_another_project_is_ever_visible(seed: int, entries: int, data: Any) -> None:
    world = generate_world(WorldConfig(seed=seed, entries=entries, projects=3))
    calls = [data.draw(requests(world)) for _ in range(8)]
    bodies = asyncio.run(fetch_all(world, calls))
    for (index, _, _, _), body in zip(calls, bodies, strict=True):
        leaked = [secret for secret in secrets_of_others(world, index) if secret in body]
        assert not leaked, f"project {index} saw {leaked[:3]}"


def test_counts_are_the_callers_own(shared_world: World) -> None:
    async def counts() -> list[dict[str, Any]]:
        async with TestClient(TestServer(create_app(Config(), world=shared_world))) as client:
            seen = []
            for project in shared_world.projects:
                headers = {"Authorization": f"Bearer {project.keys[1].key}"}
                seen.append(
                    (await (await client.get("/api/v1/project", headers=headers)).json())["data"]
                )
            return seen

    for project, seen in zip(shared_world.projects, asyncio.run(counts()), strict=True):
        assert seen["id"] == project.id
        counts_now = project.counts()
        assert (seen["entityCount"], seen["memberCount"], seen["entityTypeCount"]) == (
            counts_now.entity_count,
            counts_now.member_count,
            counts_now.entity_type_count,
        )
