"""The API's routes: one per operation of the spec, each with the handler named for it."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from aiohttp import web

from mockserver import Config, create_app
from mockserver.api.keys import operations_key
from mockserver.api.routes import HANDLERS, setup_routes
from mockserver.domain.models import Role, World
from mockserver.spec.loader import load_spec
from tests.conftest import TEST_WORLD, ClientFactory, bearer, key_of

AUDIT_LOG = "/api/v1/audit-log"


def test_an_operation_without_a_handler_stops_the_routes() -> None:
    only_one = {"getProject": HANDLERS["getProject"]}
    with pytest.raises(ValueError, match=r"without a handler: \['listAuditLogEntries'\]"):
        setup_routes(web.Application(), load_spec(), only_one)


def test_a_handler_without_an_operation_stops_the_routes() -> None:
    extra = {**HANDLERS, "deleteEverything": HANDLERS["getProject"]}
    with pytest.raises(ValueError, match=r"handlers of none: \['deleteEverything'\]"):
        setup_routes(web.Application(), load_spec(), extra)


def _changed_spec() -> dict[str, Any]:
    """The spec with the audit log moved and the project made admin-only."""
    spec = copy.deepcopy(load_spec())
    spec["paths"]["/api/v2/log"] = spec["paths"].pop(AUDIT_LOG)
    spec["paths"]["/api/v1/project"]["get"]["security"] = [{"apiKey": ["admin"]}]
    return spec


async def test_the_app_serves_the_paths_and_requires_the_roles_its_spec_says(
    aiohttp_client: ClientFactory, shared_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("mockserver.app.load_spec", _changed_spec)
    client = await aiohttp_client(create_app(Config(world=TEST_WORLD), world=shared_world))
    admin = bearer(key_of(shared_world, 0, Role.ADMIN))
    member = bearer(key_of(shared_world, 0, Role.MEMBER))
    assert (await client.get("/api/v2/log", headers=admin)).status == 200
    assert (await client.get(AUDIT_LOG, headers=admin)).status == 404
    assert (await client.get("/api/v1/project", headers=admin)).status == 200
    assert (await client.get("/api/v1/project", headers=member)).status == 403


def test_each_operation_is_a_route_named_by_its_id_with_its_head() -> None:
    app = web.Application()
    setup_routes(app, load_spec())
    table = app[operations_key]
    assert list(table) == ["listAuditLogEntries", "getProject"]
    assert app.router["listAuditLogEntries"].canonical == AUDIT_LOG
    served = {(route.method, route.get_info().get("path")) for route in app.router.routes()}
    assert served == {
        (method, path) for method in ("GET", "HEAD") for path in (AUDIT_LOG, "/api/v1/project")
    }
