"""The control API, endpoint by endpoint, each answer checked against its own spec."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from openapi_spec_validator import validate

from mockserver import Config, create_app
from mockserver.api.keys import state_key
from mockserver.api.middlewares import api_middleware
from mockserver.control.routes import HEALTH_OPERATION, HEALTH_PATH, keys_listing
from mockserver.control.spec import load_control_spec
from mockserver.domain.events import fork_world
from mockserver.domain.models import Role, World
from mockserver.spec.loader import load_spec
from tests.conftest import (
    FROZEN_AT,
    SMALL,
    AppFactory,
    Client,
    ClientFactory,
    admin_of,
    bearer,
    call,
    key_of,
)

AUDIT_LOG = "/api/v1/audit-log"
PROJECT = "/api/v1/project"


def created(entity_id: str, **fields: Any) -> dict[str, Any]:
    return {"action": "entity.created", "userId": "usr_1", "entityId": entity_id, **fields}


def test_the_control_spec_is_valid_openapi_and_apart_from_the_public_one() -> None:
    control = load_control_spec()
    validate(control)
    assert all(path.startswith("/__mock/") for path in control["paths"])
    assert not any(path.startswith("/__mock") for path in load_spec()["paths"])


async def test_health_and_keys(ctl: Client) -> None:
    assert await call(ctl, "GET", "health", "getHealth") == (200, {"status": "ok"})
    status, keys = await call(ctl, "GET", "keys", "listKeys")
    assert status == 200
    assert keys["data"] == keys_listing(ctl.app[state_key].world)
    assert [k["role"] for k in keys["data"]] == ["admin", "member"] * SMALL.projects


# The clock


async def test_the_clock_starts_as_configured_and_moves_as_told(ctl: Client) -> None:
    assert await call(ctl, "GET", "clock", "getClock") == (200, {"now": FROZEN_AT, "frozen": True})
    _, clock = await call(ctl, "POST", "clock", "setClock", {"advance": 61_000})
    assert clock == {"now": FROZEN_AT + 61_000, "frozen": True}
    _, clock = await call(ctl, "POST", "clock", "setClock", {"set": 5})
    assert clock == {"now": 5, "frozen": True}
    _, clock = await call(ctl, "POST", "clock", "setClock", {"real": True})
    assert clock["frozen"] is False
    _, clock = await call(ctl, "POST", "clock", "setClock", {"freeze": True})
    assert clock["frozen"] is True


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"freeze": True, "advance": 1},
        {"freeze": False},
        {"advance": -1},
        {"advance": 1.5},
        {"set": "soon"},
        {"set": 2**48},
        {"tick": 1},
        [],
        None,
    ],
)
async def test_bad_clock_changes_get_400_and_change_nothing(ctl: Client, body: Any) -> None:
    status, error = await call(ctl, "POST", "clock", "setClock", body)
    assert (status, error["error"]["code"]) == (400, "invalid_body")
    assert error["error"]["message"].startswith("body")
    assert (await call(ctl, "GET", "clock", "getClock"))[1]["now"] == FROZEN_AT


async def test_advancing_past_the_last_instant_is_refused(ctl: Client) -> None:
    await call(ctl, "POST", "clock", "setClock", {"set": 2**48 - 10})
    status, error = await call(ctl, "POST", "clock", "setClock", {"advance": 11})
    assert status == 400
    assert "advance" in error["error"]["message"]


async def test_bodies_must_be_json(ctl: Client) -> None:
    for raw in (b"", b"{", b'{"advance": NaN}', b"\xff"):
        response = await ctl.post(
            "/__mock/clock", data=raw, headers={"Content-Type": "application/json"}
        )
        assert response.status == 400
        assert (await response.json())["error"]["code"] == "invalid_body"


# Events


async def test_events_are_filled_in_stored_and_served(ctl: Client) -> None:
    status, stored = await call(ctl, "POST", "events", "addEvents", {"events": [created("ent_a")]})
    assert status == 201
    [entry] = stored["data"]
    assert entry["timestamp"] == FROZEN_AT
    assert entry["metadata"] == {}
    assert len(entry["id"]) == 26
    world = ctl.app[state_key].world
    page = await (await ctl.get(AUDIT_LOG, params={"limit": "1"}, headers=admin_of(world))).json()
    assert page["data"] == [entry]


async def test_a_batch_in_one_millisecond_keeps_its_order(ctl: Client) -> None:
    events = [created(f"ent_{i}") for i in range(30)]
    _, stored = await call(ctl, "POST", "events", "addEvents", {"events": events})
    assert [e["entityId"] for e in stored["data"]] == [f"ent_{i}" for i in range(30)]
    world = ctl.app[state_key].world
    since = {"since": str(FROZEN_AT - 1), "limit": "200"}
    page = await (await ctl.get(AUDIT_LOG, params=since, headers=admin_of(world))).json()
    assert [e["entityId"] for e in reversed(page["data"])] == [f"ent_{i}" for i in range(30)]


async def test_events_in_the_past_take_their_place_in_the_order(ctl: Client) -> None:
    world = ctl.app[state_key].world
    headers = admin_of(world)
    before = await (await ctl.get(AUDIT_LOG, params={"limit": "200"}, headers=headers)).json()
    middle = before["data"][100]["timestamp"]
    event = created("ent_old", timestamp=middle, id="00000000000000000000000000")
    assert (await call(ctl, "POST", "events", "addEvents", {"events": [event]}))[0] == 201
    after = await (await ctl.get(AUDIT_LOG, params={"limit": "200"}, headers=headers)).json()
    assert after["total"] == before["total"] + 1
    order = [(e["timestamp"], e["id"]) for e in after["data"]]
    assert order == sorted(order, reverse=True)
    assert "ent_old" in [e["entityId"] for e in after["data"]]


async def test_counts_follow_the_events_once_the_cache_refreshes(ctl: Client) -> None:
    world = ctl.app[state_key].world
    headers = admin_of(world)
    before = (await (await ctl.get(PROJECT, headers=headers)).json())["data"]
    member = world.projects[0].members[-1]
    events = [
        created("ent_x"),
        created("ent_y"),
        {"action": "entity.deleted", "userId": "usr_1", "entityId": "ent_y"},
        {"action": "entity_type.created", "userId": "usr_1", "metadata": {"name": "widget"}},
        {"action": "member.invited", "userId": "usr_1", "metadata": {"email": "new@x.example"}},
        {"action": "member.removed", "userId": "usr_1", "metadata": {"email": member.email}},
        {"action": "member.invited", "userId": "usr_1", "metadata": {"email": "new2@x.example"}},
    ]
    await call(ctl, "POST", "events", "addEvents", {"events": events})
    cached = (await (await ctl.get(PROJECT, headers=headers)).json())["data"]
    assert cached == before, "within the cache period the counts do not move"
    await call(ctl, "POST", "clock", "setClock", {"advance": 60_000})
    after = (await (await ctl.get(PROJECT, headers=headers)).json())["data"]
    assert after["entityCount"] == before["entityCount"] + 1
    assert after["entityTypeCount"] == before["entityTypeCount"] + 1
    assert after["memberCount"] == before["memberCount"] + 1


async def test_events_go_to_the_project_named_by_id_or_slug(
    ctl: Client, small_world: World
) -> None:
    second = ctl.app[state_key].world.projects[1]
    for reference in (second.id, second.slug):
        body = {"project": reference, "events": [created(f"ent_{reference}")]}
        assert (await call(ctl, "POST", "events", "addEvents", body))[0] == 201
    assert len(second.log) == len(small_world.projects[1].log) + 2
    assert len(ctl.app[state_key].world.projects[0].log) == len(small_world.projects[0].log)


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"events": []}, "body.events"),
        ({"events": [{"userId": "u"}]}, "body.events[0]"),
        ({"events": [created("e"), {"action": "a", "userId": "u", "user_id": "u"}]}, "[1]"),
        ({"events": [created("e", timestamp=-1)]}, "events[0].timestamp"),
        ({"events": [created("e", timestamp=2**48)]}, "events[0].timestamp"),
        ({"events": [created("e", metadata=[])]}, "events[0].metadata"),
        ({"events": [created("e", id="")]}, "events[0].id"),
        ({"events": [created("e", id="dup"), created("f", id="dup")]}, "events[1].id"),
        ({"project": "nope", "events": [created("e")]}, "body.project"),
        ({"events": [created("e")], "extra": 1}, "body"),
        ({"events": "e"}, "body.events"),
    ],
)
async def test_bad_events_get_400_and_nothing_is_stored(ctl: Client, body: Any, where: str) -> None:
    world = ctl.app[state_key].world
    before = [len(p.log) for p in world.projects]
    status, error = await call(ctl, "POST", "events", "addEvents", body)
    assert (status, error["error"]["code"]) == (400, "invalid_body")
    assert where in error["error"]["message"]
    assert [len(p.log) for p in world.projects] == before


async def test_an_id_already_in_the_log_is_refused(ctl: Client) -> None:
    world = ctl.app[state_key].world
    taken = next(iter(world.projects[0].log)).id
    status, error = await call(
        ctl, "POST", "events", "addEvents", {"events": [created("e", id=taken)]}
    )
    assert status == 400
    assert "already taken" in error["error"]["message"]
    body = {"events": [created("e", id="mine")]}
    assert (await call(ctl, "POST", "events", "addEvents", body))[0] == 201
    assert (await call(ctl, "POST", "events", "addEvents", body))[0] == 400


# The journal


async def test_the_journal_records_every_api_request_with_keys_redacted(ctl: Client) -> None:
    world = ctl.app[state_key].world
    key = admin_of(world)["Authorization"].split()[1]
    await ctl.get(AUDIT_LOG, params=[("limit", "2"), ("limit", "3")], headers=admin_of(world))
    await ctl.get(PROJECT, headers=bearer("alk_a_wrongwrongwrong"))
    await ctl.get("/nowhere")
    await ctl.get("/__mock/health")
    status, journal = await call(ctl, "GET", "requests", "listRequests")
    assert status == 200
    recorded = journal["data"]
    assert [(r["path"], r["status"]) for r in recorded] == [
        (AUDIT_LOG, 400),
        (PROJECT, 401),
        ("/nowhere", 404),
    ]
    assert recorded[0]["query"] == {"limit": ["2", "3"]}
    assert recorded[0]["headers"]["Authorization"] == f"Bearer {key[:8]}…"
    assert recorded[1]["headers"]["Authorization"] == "Bearer alk_a_wr…"
    assert key not in str(journal)
    assert {r["time"] for r in recorded} == {FROZEN_AT}


async def test_the_journal_filters_by_path_and_is_cleared(ctl: Client) -> None:
    await ctl.get(PROJECT)
    await ctl.get(AUDIT_LOG)
    _, only = await call(ctl, "GET", "requests", "listRequests", params={"path": PROJECT})
    assert [r["path"] for r in only["data"]] == [PROJECT]
    status, error = await call(ctl, "GET", "requests", "listRequests", params={"path": ""})
    assert (status, error["error"]["code"]) == (400, "invalid_parameter")
    assert error["error"]["message"] == "path: must be a string of 1 to 2000 characters, got ''"
    assert (await call(ctl, "DELETE", "requests", "clearRequests"))[0] == 204
    assert (await call(ctl, "GET", "requests", "listRequests"))[1] == {"data": []}


# Faults


async def test_a_429_carries_retry_after_and_comes_before_authentication(ctl: Client) -> None:
    status, fault = await call(
        ctl, "POST", "faults", "addFault", {"path": AUDIT_LOG, "status": 429}
    )
    assert status == 201
    assert fault["data"]["retryAfter"] == 1
    response = await ctl.get(AUDIT_LOG)  # no key at all
    assert response.status == 429
    assert response.headers["Retry-After"] == "1"
    assert (await response.json())["error"]["code"] == "rate_limited"
    assert (await ctl.get(AUDIT_LOG)).status == 401, "one request only"


@pytest.mark.parametrize(("status", "code"), [(500, "internal_error"), (503, "unavailable")])
async def test_next_n_requests_fail_then_the_api_answers(
    ctl: Client, status: int, code: str
) -> None:
    world = ctl.app[state_key].world
    body = {"path": PROJECT, "status": status, "count": 2, "retryAfter": 7}
    await call(ctl, "POST", "faults", "addFault", body)
    _, listed = await call(ctl, "GET", "faults", "listFaults")
    assert [f["remaining"] for f in listed["data"]] == [2]
    for _ in range(2):
        response = await ctl.get(PROJECT, headers=admin_of(world))
        assert (response.status, response.headers["Retry-After"]) == (status, "7")
        assert (await response.json())["error"]["code"] == code
    assert (await ctl.get(PROJECT, headers=admin_of(world))).status == 200
    assert (await call(ctl, "GET", "faults", "listFaults"))[1] == {"data": []}
    _, journal = await call(ctl, "GET", "requests", "listRequests")
    assert [r["faulted"] for r in journal["data"]] == [True, True, False]


async def test_faults_match_method_and_exact_path(ctl: Client) -> None:
    await call(
        ctl, "POST", "faults", "addFault", {"path": PROJECT, "status": 500, "method": "POST"}
    )
    assert (await ctl.get(PROJECT)).status == 401
    assert (await ctl.get(PROJECT + "/")).status == 404
    assert (await ctl.post(PROJECT)).status == 500
    await call(ctl, "POST", "faults", "addFault", {"path": PROJECT, "status": 502, "method": "*"})
    assert (await ctl.delete(PROJECT)).status == 502


async def test_a_delay_alone_serves_the_request_late(ctl: Client) -> None:
    world = ctl.app[state_key].world
    await call(ctl, "POST", "faults", "addFault", {"path": PROJECT, "delayMs": 50})
    assert (await ctl.get(PROJECT, headers=admin_of(world))).status == 200
    _, journal = await call(ctl, "GET", "requests", "listRequests")
    assert [(r["status"], r["faulted"]) for r in journal["data"]] == [(200, True)]


async def test_a_dropped_connection_gets_no_answer(ctl: Client) -> None:
    import aiohttp

    await call(ctl, "POST", "faults", "addFault", {"path": PROJECT, "drop": True})
    with pytest.raises(aiohttp.ClientConnectionError):
        await ctl.get(PROJECT)
    assert (await ctl.get(PROJECT)).status == 401
    _, journal = await call(ctl, "GET", "requests", "listRequests")
    assert [(r["status"], r["faulted"]) for r in journal["data"]] == [(None, True), (401, False)]


@pytest.mark.parametrize(
    ("body", "hint"),
    [
        ({"path": PROJECT}, "give a status"),
        ({"path": PROJECT, "status": 503, "drop": True}, "either status or drop"),
        ({"path": PROJECT, "retryAfter": 3, "delayMs": 5}, "retryAfter goes with a status"),
        ({"path": "/__mock/health", "status": 500}, "never to the control API"),
        ({"path": PROJECT, "status": 404}, "body.status"),
        ({"path": PROJECT, "status": 500, "count": 0}, "body.count"),
        ({"path": "api", "status": 500}, "body.path"),
        ({"path": PROJECT, "delayMs": 60_001}, "body.delayMs"),
    ],
)
async def test_bad_faults_get_400(ctl: Client, body: Any, hint: str) -> None:
    status, error = await call(ctl, "POST", "faults", "addFault", body)
    assert (status, error["error"]["code"]) == (400, "invalid_body")
    assert hint in error["error"]["message"]
    assert (await call(ctl, "GET", "faults", "listFaults"))[1] == {"data": []}


async def test_faults_are_cleared(ctl: Client) -> None:
    await call(ctl, "POST", "faults", "addFault", {"path": PROJECT, "status": 500, "count": 9})
    assert (await call(ctl, "DELETE", "faults", "clearFaults"))[0] == 204
    assert (await ctl.get(PROJECT)).status == 401


# Reset


async def test_reset_restores_world_clock_and_clears_everything(ctl: Client) -> None:
    world = ctl.app[state_key].world
    headers = admin_of(world)
    first = await (await ctl.get(AUDIT_LOG, headers=headers)).json()
    await call(ctl, "POST", "events", "addEvents", {"events": [created("ent_z")]})
    await call(ctl, "POST", "clock", "setClock", {"real": True})
    await call(ctl, "POST", "faults", "addFault", {"path": PROJECT, "status": 500})

    assert await call(ctl, "POST", "reset", "reset") == (200, {"status": "ok"})

    assert (await call(ctl, "GET", "clock", "getClock"))[1] == {"now": FROZEN_AT, "frozen": True}
    assert (await call(ctl, "GET", "faults", "listFaults"))[1] == {"data": []}
    assert (await call(ctl, "GET", "requests", "listRequests"))[1] == {"data": []}
    _, coverage = await call(ctl, "GET", "coverage", "getCoverage")
    assert all(op["requests"] == 0 for op in coverage["operations"])
    assert await (await ctl.get(AUDIT_LOG, headers=headers)).json() == first
    assert ctl.app[state_key].world is not world


async def test_reset_builds_the_world_while_the_server_goes_on_answering(
    aiohttp_client: ClientFactory, small_world: World
) -> None:
    building = threading.Event()
    may_finish = threading.Event()

    def slow_world() -> World:
        building.set()
        may_finish.wait(10)
        return fork_world(small_world)

    client = await aiohttp_client(create_app(Config(world=SMALL), world_factory=slow_world))
    reset = asyncio.create_task(call(client, "POST", "reset", "reset"))
    await asyncio.to_thread(building.wait, 10)
    assert await call(client, "GET", "health", "getHealth") == (200, {"status": "ok"})
    assert not reset.done()
    may_finish.set()
    assert await reset == (200, {"status": "ok"})


# Coverage


async def test_coverage_counts_what_clients_exercised(ctl: Client) -> None:
    world = ctl.app[state_key].world
    admin = admin_of(world)
    await ctl.get(AUDIT_LOG, params={"action": "entity.created", "since": "5"}, headers=admin)
    await ctl.get(AUDIT_LOG, params={"limit": "0"}, headers=admin)
    await ctl.get(AUDIT_LOG, headers=bearer(key_of(world, 0, Role.MEMBER)))
    await ctl.get(PROJECT, headers=admin)
    await ctl.get("/nowhere")
    _, report = await call(ctl, "GET", "coverage", "getCoverage")
    audit, project = report["operations"]
    assert audit["requests"] == 3
    assert audit["statusCodes"]["seen"] == {"200": 1, "400": 1, "403": 1}
    assert audit["statusCodes"]["never"] == ["401"]
    assert audit["parameters"]["seen"] == {"action": 1, "since": 1, "limit": 1}
    assert audit["parameters"]["never"] == ["userId"]
    assert audit["combinations"]["seen"] == {"action+since": 1}
    assert len(audit["combinations"]["never"]) == 15
    assert project["statusCodes"] == {"seen": {"200": 1}, "never": ["401"]}
    assert report["errorCodes"]["seen"] == {"forbidden": 1, "invalid_parameter": 1, "not_found": 1}
    assert report["otherRequests"] == 1


# Who may use it


async def test_with_a_token_the_control_api_needs_it(make_client: AppFactory) -> None:
    token = "s3cret-s3cret-s3cret"
    client = await make_client(control_token=token)
    for presented in (None, "wrong", token + "x", token.upper()):
        headers = {} if presented is None else {"X-Mock-Control-Token": presented}
        response = await client.get("/__mock/clock", headers=headers)
        assert response.status == 403
        assert (await response.json())["error"]["code"] == "forbidden"
    ok = await client.get("/__mock/clock", headers={"X-Mock-Control-Token": token})
    assert ok.status == 200


async def test_without_control_the_paths_are_unknown_and_nothing_is_journaled(
    make_client: AppFactory,
) -> None:
    client = await make_client(control=False, cors=False)
    for endpoint in ("clock", "keys", "requests", "reset"):
        response = await client.get(f"/__mock/{endpoint}")
        assert (response.status, (await response.json())["error"]["code"]) == (404, "not_found")
    assert list(client.app.middlewares) == [api_middleware], "only the API's own middleware"


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"control": False},
        {"control_token": "s3cret-s3cret-s3cret"},
        {"control_token": "s3cret-s3cret-s3cret", "host": "0.0.0.0"},
    ],
)
async def test_health_answers_in_every_configuration_without_a_token(
    make_client: AppFactory, config: dict[str, Any]
) -> None:
    client = await make_client(**config)
    assert await call(client, "GET", "health", "getHealth") == (200, {"status": "ok"})
    head = await client.head("/__mock/health")
    assert head.status == 200


async def test_health_needs_no_token_and_no_loopback_and_reveals_nothing(
    make_client: AppFactory,
) -> None:
    """Probes come from outside the loopback; the guard of the control API never sees them."""
    token = "s3cret-s3cret-s3cret"
    client = await make_client(control_token=token)
    response = await client.get("/__mock/health", headers={"X-Mock-Control-Token": "wrong"})
    assert (response.status, await response.json()) == (200, {"status": "ok"})
    assert set(response.headers) <= {"Content-Type", "Content-Length", "Date", "Server"}
    assert (await client.get("/__mock/clock")).status == 403


def test_only_the_health_answer_is_exempt_from_the_control_token() -> None:
    """The spec documents the exemption the routes make, and for that operation only."""
    operations = load_control_spec()["paths"]
    exempt = {
        operation["operationId"]
        for path in operations.values()
        for operation in path.values()
        if operation.get("security") == []
    }
    assert exempt == {HEALTH_OPERATION}
    assert HEALTH_PATH == "/__mock/health"


async def test_unknown_control_paths_and_methods_get_the_envelope(ctl: Client) -> None:
    response = await ctl.get("/__mock/nope")
    assert (await response.json())["error"]["code"] == "not_found"
    response = await ctl.put("/__mock/clock")
    assert (response.status, (await response.json())["error"]["code"]) == (
        405,
        "method_not_allowed",
    )
