"""The HTTP behaviour of CONTRACT.md, rule by rule, through an aiohttp test client."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from mockserver.domain.models import Role, World
from mockserver.spec.loader import load_spec, schema_validator
from tests.conftest import bearer, key_of

Client = TestClient[web.Request, web.Application]
AUDIT_LOG = "/api/v1/audit-log"
PROJECT = "/api/v1/project"
SPEC = load_spec()


def assert_error(response_status: int, body: Any, status: int, code: str) -> None:
    assert response_status == status
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]


async def get_json(client: Client, path: str, **kwargs: Any) -> tuple[int, Any]:
    response = await client.get(path, **kwargs)
    assert response.content_type == "application/json"
    return response.status, await response.json()


# Authentication and authorization


@pytest.mark.parametrize("path", [AUDIT_LOG, PROJECT])
@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "Bearer not-a-key"],
)
async def test_missing_or_bad_credentials_get_401_with_www_authenticate(
    client: Client, path: str, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = await client.get(path, headers=headers)
    assert_error(response.status, await response.json(), 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_the_scheme_is_case_insensitive(client: Client, shared_world: World) -> None:
    key = key_of(shared_world, 0, Role.ADMIN)
    response = await client.get(PROJECT, headers={"Authorization": f"bearer {key}"})
    assert response.status == 200


async def test_a_401_never_echoes_the_key(client: Client, shared_world: World) -> None:
    almost = key_of(shared_world, 0, Role.ADMIN) + "x"
    response = await client.get(AUDIT_LOG, headers=bearer(almost))
    assert almost not in await response.text()


async def test_member_gets_403_on_the_audit_log(client: Client, member: dict[str, str]) -> None:
    status, body = await get_json(client, AUDIT_LOG, headers=member)
    assert_error(status, body, 403, "forbidden")


async def test_member_and_admin_read_the_project(
    client: Client, member: dict[str, str], admin: dict[str, str]
) -> None:
    for headers in (member, admin):
        assert (await client.get(PROJECT, headers=headers)).status == 200


async def test_checks_run_401_then_403_then_400(client: Client, member: dict[str, str]) -> None:
    status, body = await get_json(client, AUDIT_LOG, params={"limit": "0"})
    assert_error(status, body, 401, "unauthorized")
    status, body = await get_json(client, AUDIT_LOG, params={"limit": "0"}, headers=member)
    assert_error(status, body, 403, "forbidden")


# Parameters


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=201",
        "limit=abc",
        "limit=1e3",
        "limit=",
        "limit=5&limit=6",
        "since=-1",
        "since=0x10",
        "since=9223372036854775808",
        "since=" + "9" * 1_000,
        "action=",
        "userId=",
        "action=" + "a" * 101,
        "userId=%20" * 101,
        "since=1.5",
    ],
)
async def test_bad_parameters_get_400_naming_the_parameter(
    client: Client, admin: dict[str, str], query: str
) -> None:
    status, body = await get_json(client, f"{AUDIT_LOG}?{query}", headers=admin)
    assert_error(status, body, 400, "invalid_parameter")
    assert body["error"]["message"].startswith(query.split("=")[0] + ":")


async def test_unknown_parameters_are_ignored(client: Client, admin: dict[str, str]) -> None:
    plain = await get_json(client, AUDIT_LOG, headers=admin)
    extra = await get_json(client, f"{AUDIT_LOG}?foo=bar&LIMIT=3&limit[]=x", headers=admin)
    assert plain == extra


async def test_the_project_ignores_query_parameters(client: Client, admin: dict[str, str]) -> None:
    plain = await get_json(client, PROJECT, headers=admin)
    assert plain == await get_json(client, f"{PROJECT}?limit=0&x=1", headers=admin)


# Pages


async def test_default_limit_is_50(client: Client, admin: dict[str, str]) -> None:
    _, body = await get_json(client, AUDIT_LOG, headers=admin)
    assert len(body["data"]) == 50
    assert body["hasMore"] is True
    assert body["total"] == len(list(_world_log(client, 0)))


@pytest.mark.parametrize("limit", [1, 7, 200])
async def test_page_is_newest_first_with_ties_by_id_descending(
    client: Client, admin: dict[str, str], limit: int
) -> None:
    _, body = await get_json(client, AUDIT_LOG, params={"limit": limit}, headers=admin)
    keys = [(e["timestamp"], e["id"]) for e in body["data"]]
    assert len(keys) == limit
    assert keys == sorted(keys, reverse=True)
    newest = sorted(_world_log(client, 0), key=lambda e: e.sort_key, reverse=True)[:limit]
    assert [e["id"] for e in body["data"]] == [e.id for e in newest]


async def test_response_bodies_match_the_spec(client: Client, admin: dict[str, str]) -> None:
    page_schema = SPEC["components"]["schemas"]["AuditLogPage"]
    project_schema = SPEC["components"]["schemas"]["ProjectResponse"]
    _, page = await get_json(client, AUDIT_LOG, params={"limit": 200}, headers=admin)
    schema_validator(SPEC, page_schema).validate(page)
    _, project = await get_json(client, PROJECT, headers=admin)
    schema_validator(SPEC, project_schema).validate(project)
    entry_fields = set(SPEC["components"]["schemas"]["AuditLogEntry"]["properties"])
    assert all(set(entry) == entry_fields for entry in page["data"]), (
        "exactly the documented fields"
    )
    assert set(project["data"]) == set(SPEC["components"]["schemas"]["Project"]["properties"])


async def test_since_is_strictly_after(client: Client, admin: dict[str, str]) -> None:
    _, newest = await get_json(client, AUDIT_LOG, params={"limit": 3}, headers=admin)
    third = newest["data"][2]["timestamp"]
    _, after = await get_json(client, AUDIT_LOG, params={"since": third}, headers=admin)
    assert all(e["timestamp"] > third for e in after["data"])
    assert after["total"] == sum(e.timestamp > third for e in _world_log(client, 0))


async def test_an_unknown_action_is_valid_and_matches_nothing(
    client: Client, admin: dict[str, str]
) -> None:
    status, body = await get_json(client, AUDIT_LOG, params={"action": "x.y"}, headers=admin)
    assert (status, body) == (200, {"data": [], "total": 0, "hasMore": False})


async def test_filters_are_case_sensitive(client: Client, admin: dict[str, str]) -> None:
    _, exact = await get_json(client, AUDIT_LOG, params={"userId": "system"}, headers=admin)
    _, upper = await get_json(client, AUDIT_LOG, params={"userId": "SYSTEM"}, headers=admin)
    assert exact["total"] > 0
    assert upper["total"] == 0


async def test_one_project_never_sees_another(client: Client, shared_world: World) -> None:
    for index, project in enumerate(shared_world.projects):
        headers = bearer(key_of(shared_world, index, Role.ADMIN))
        _, page = await get_json(client, AUDIT_LOG, params={"limit": 200}, headers=headers)
        own = {e.id for e in project.log}
        assert page["total"] == len(project.log)
        assert {e["id"] for e in page["data"]} <= own
        _, info = await get_json(client, PROJECT, headers=headers)
        assert info["data"]["id"] == project.id


# Errors outside the operations


@pytest.mark.parametrize(
    "path", ["/", "/api/v1/audit-logs", "/api/v2/project", "/api/v1/project/x"]
)
async def test_unknown_paths_get_404_as_json(
    client: Client, admin: dict[str, str], path: str
) -> None:
    status, body = await get_json(client, path, headers=admin)
    assert_error(status, body, 404, "not_found")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", [AUDIT_LOG, PROJECT])
async def test_other_methods_get_405_with_allow(
    client: Client, admin: dict[str, str], method: str, path: str
) -> None:
    response = await client.request(method, path, headers=admin)
    assert_error(response.status, await response.json(), 405, "method_not_allowed")
    assert response.headers["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("path", [AUDIT_LOG, PROJECT])
async def test_head_is_served_without_a_body(
    client: Client, admin: dict[str, str], path: str
) -> None:
    got = await client.get(path, headers=admin)
    head = await client.head(path, headers=admin)
    assert head.status == 200
    assert head.headers["Content-Type"] == got.headers["Content-Type"]
    assert await head.read() == b""


async def test_content_type_is_json_utf8(client: Client, admin: dict[str, str]) -> None:
    for path in (AUDIT_LOG, PROJECT, "/nope"):
        response = await client.get(path, headers=admin)
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"


def _world_log(client: Client, project_index: int) -> Any:
    from mockserver.api.keys import state_key

    return client.app[state_key].world.projects[project_index].log
