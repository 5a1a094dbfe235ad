"""Scenarios served over HTTP: a five-line file filters correctly, every example serves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from mockserver import Config, create_app
from mockserver.config import ScenarioConfig, WorldConfig
from mockserver.domain.models import Role
from mockserver.scenario.build import build_world
from mockserver.scenario.document import read_document
from mockserver.spec.loader import load_spec, schema_validator
from tests import REPO_ROOT
from tests.conftest import ClientFactory, bearer

Client = TestClient[web.Request, web.Application]
ROOT = REPO_ROOT
EXAMPLES = sorted((ROOT / "examples" / "scenarios").iterdir())
FIVE_LINES = ROOT / "examples" / "scenarios" / "five-lines.yaml"
SPEC = load_spec()
PAGE = schema_validator(SPEC, SPEC["components"]["schemas"]["AuditLogPage"])
PROJECT = schema_validator(SPEC, SPEC["components"]["schemas"]["ProjectResponse"])


def scenario_config(path: Path) -> Config:
    return Config(world=WorldConfig(scenario=ScenarioConfig(path=path)))


async def get(client: Client, path: str, key: str, **params: Any) -> tuple[int, Any]:
    response = await client.get(path, params=params, headers=bearer(key))
    return response.status, await response.json()


async def test_the_five_line_scenario_is_served_with_full_filtering(
    aiohttp_client: ClientFactory,
) -> None:
    assert len(FIVE_LINES.read_text().splitlines()) == 5
    client = await aiohttp_client(create_app(scenario_config(FIVE_LINES)))

    async def actions(**params: Any) -> tuple[list[str], int, bool]:
        status, body = await get(client, "/api/v1/audit-log", "demo-admin", **params)
        assert status == 200
        return [e["action"] for e in body["data"]], body["total"], body["hasMore"]

    both = ["integration.synced", "entity.created"]
    assert await actions() == (both, 2, False)
    assert await actions(action="entity.created") == (["entity.created"], 1, False)
    assert await actions(userId="system") == (["integration.synced"], 1, False)
    assert await actions(userId="usr_ada", action="integration.synced") == ([], 0, False)
    assert await actions(since=1735600000000) == (["integration.synced"], 1, False)
    assert await actions(since=1735599999999) == (both, 2, False)
    assert await actions(limit=1) == (["integration.synced"], 2, True)
    status, body = await get(client, "/api/v1/audit-log", "demo-admin", limit=0)
    assert (status, body["error"]["code"]) == (400, "invalid_parameter")
    status, body = await get(client, "/api/v1/project", "demo-admin")
    assert status == 200
    assert body["data"] == {
        "id": "prj_1",
        "name": "Project 1",
        "slug": "project-1",
        "plan": "free",
        "entityTypeCount": 0,
        "entityCount": 1,
        "memberCount": 1,
    }
    status, body = await get(client, "/api/v1/project", "not-a-key")
    assert (status, body["error"]["code"]) == (401, "unauthorized")


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
async def test_every_example_serves_its_projects_to_its_keys(
    aiohttp_client: ClientFactory, path: Path
) -> None:
    written = read_document(path)["projects"]
    world = build_world(scenario_config(path).world)
    client = await aiohttp_client(create_app(scenario_config(path), world=world))
    assert len(world.projects) == len(written)
    for project, raw in zip(world.projects, written, strict=True):
        for key in project.keys:
            status, body = await get(client, "/api/v1/project", key.key)
            assert status == 200 and PROJECT.is_valid(body)
            assert body["data"]["id"] == project.id
            status, body = await get(client, "/api/v1/audit-log", key.key, limit=200)
            if key.role is Role.MEMBER:
                assert status == 403
                continue
            assert status == 200 and PAGE.is_valid(body)
            assert body["total"] == len(raw.get("auditLog", []))
            # Each project sees its own entries only.
            assert {e["id"] for e in body["data"]} == {e.id for e in project.log}


async def test_counts_given_as_numbers_are_served(aiohttp_client: ClientFactory) -> None:
    path = ROOT / "examples" / "scenarios" / "staging-like.json"
    client = await aiohttp_client(create_app(scenario_config(path)))
    status, body = await get(client, "/api/v1/project", "staging-member")
    assert status == 200
    counts = {k: v for k, v in body["data"].items() if k.endswith("Count")}
    assert counts == {"entityTypeCount": 12, "entityCount": 48210, "memberCount": 57}
