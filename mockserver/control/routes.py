"""The control API under `/__mock/`: its routes, taken from its own spec, and their handlers.

The control API is a sub-application with its own guard (loopback or token); the
journal and the faults hook into the main application, where the API's requests are.
One control path is no part of that sub-application: the health answer, served by the
main application with or without the control API and without its guard (see
`setup_health`).
Request bodies and parameters are validated against `control/openapi.yaml` (see
`control/spec.py`), so what the spec documents is what the handlers accept.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from mockserver.api.errors import ApiError, invalid_parameter
from mockserver.api.keys import clock_key, state_key
from mockserver.api.responses import json_response
from mockserver.config import Config
from mockserver.control.coverage import Coverage
from mockserver.control.dashboard import get_dashboard, get_dashboard_asset
from mockserver.control.faults import FaultTable, InvalidFault
from mockserver.control.journal import Journal
from mockserver.control.keys import (
    control_validators_key,
    coverage_key,
    events_key,
    faults_key,
    journal_key,
)
from mockserver.control.middlewares import control_middleware
from mockserver.control.security import CONTROL_PREFIX, control_guard
from mockserver.control.spec import ControlValidators, load_control_spec
from mockserver.control.stream import setup_stream, stream_requests
from mockserver.domain.clock import Clock
from mockserver.domain.events import MAX_TIMESTAMP_MS, InvalidEvent
from mockserver.domain.models import Project, World
from mockserver.spec.loader import Spec
from mockserver.spec.operations import operation_table
from mockserver.spec.problems import first_problem
from mockserver.spec.validation import InvalidParameter

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def invalid_body(message: str) -> ApiError:
    return ApiError(400, "invalid_body", message)


def keys_listing(world: World) -> list[dict[str, str]]:
    """Every key of the world, first project first, admin before member."""
    return [
        {"project": project.id, "slug": project.slug, "role": key.role.value, "key": key.key}
        for project in world.projects
        for key in project.keys
    ]


async def _body(request: web.Request) -> Any:
    """The request's JSON body, valid by the control spec's schema for its operation."""
    try:
        body = await request.json(loads=_strict_loads)
    except ValueError as error:
        raise invalid_body(f"body: not JSON ({error})") from None
    validators = request.config_dict[control_validators_key]
    problem = first_problem(validators.bodies[str(request.match_info.route.name)], body, "body")
    if problem is not None:
        raise invalid_body(problem)
    return body


def _refuse_constant(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _strict_loads(text: str) -> Any:
    # Python's json takes NaN and Infinity, and escapes of lone surrogates (`"\ud800"`);
    # stored or echoed, they would make the server answer with invalid JSON or fail.
    value = json.loads(text, parse_constant=_refuse_constant)
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("its text must be Unicode; a lone surrogate is not") from None
    return value


def _clock_state(clock: Clock) -> web.Response:
    return json_response({"now": clock.now_ms(), "frozen": clock.frozen})


def _project(world: World, reference: str | None) -> Project:
    if not world.projects:
        raise invalid_body("the world has no project to add events to")
    if reference is None:
        return world.projects[0]
    for project in world.projects:
        if reference in (project.id, project.slug):
            return project
    known = ", ".join(project.slug for project in world.projects[:10])
    raise invalid_body(f"body.project: no project has the id or slug {reference!r} ({known})")


# The one control operation served outside the guard; its spec says `security: []`.
HEALTH_OPERATION = "getHealth"
HEALTH_PATH = CONTROL_PREFIX + "health"


async def get_health(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


def setup_health(app: web.Application) -> None:
    """Serve `GET /__mock/health` from `app` itself, whatever the control API's state.

    Container health checks and probes come from outside the loopback and have no
    token, and must pass with the control API off too. The answer tells nothing but
    that the server answers, so it needs no guard; it is not journaled, and faults
    cannot reach it (both leave the control paths alone).
    """
    app.router.add_get(HEALTH_PATH, get_health, name=HEALTH_OPERATION)


async def reset(request: web.Request) -> web.Response:
    await request.config_dict[state_key].reset()
    return json_response({"status": "ok"})


async def add_events(request: web.Request) -> web.Response:
    body = await _body(request)
    project = _project(request.config_dict[state_key].world, body.get("project"))
    try:
        entries = request.config_dict[events_key].add(project, body["events"])
    except InvalidEvent as error:
        raise invalid_body(f"body.{error}") from None
    return json_response({"data": [entry.to_dict() for entry in entries]}, status=201)


async def get_clock(request: web.Request) -> web.Response:
    return _clock_state(request.config_dict[clock_key])


async def set_clock(request: web.Request) -> web.Response:
    body = await _body(request)
    clock = request.config_dict[clock_key]
    if "freeze" in body:
        clock.freeze()
    elif "real" in body:
        clock.run_real()
    elif "set" in body:
        clock.set(body["set"])
    else:
        target = clock.now_ms() + body["advance"]
        if target > MAX_TIMESTAMP_MS:
            raise invalid_body(f"body.advance: the clock would pass {MAX_TIMESTAMP_MS}")
        clock.set(target)
    return _clock_state(clock)


async def list_requests(request: web.Request) -> web.Response:
    validators = request.config_dict[control_validators_key]
    try:
        params = validators.queries["listRequests"].validate(request.query)
    except InvalidParameter as problem:
        raise invalid_parameter(problem) from None
    recorded = request.config_dict[journal_key].requests(params.get("path"))
    return json_response({"data": [entry.to_dict() for entry in recorded]})


async def clear_requests(request: web.Request) -> web.Response:
    request.config_dict[journal_key].clear()
    return web.Response(status=204)


async def list_faults(request: web.Request) -> web.Response:
    faults = request.config_dict[faults_key].active()
    return json_response({"data": [fault.to_dict() for fault in faults]})


async def add_fault(request: web.Request) -> web.Response:
    body = await _body(request)
    try:
        fault = request.config_dict[faults_key].add(body)
    except InvalidFault as error:
        raise invalid_body(f"body: {error}") from None
    return json_response({"data": fault.to_dict()}, status=201)


async def clear_faults(request: web.Request) -> web.Response:
    request.config_dict[faults_key].clear()
    return web.Response(status=204)


async def list_keys(request: web.Request) -> web.Response:
    return json_response({"data": keys_listing(request.config_dict[state_key].world)})


async def get_coverage(request: web.Request) -> web.Response:
    return json_response(request.config_dict[coverage_key].report())


# Every control operation but the health answer, which `setup_health` serves.
HANDLERS: dict[str, Handler] = {
    "getDashboard": get_dashboard,
    "getDashboardAsset": get_dashboard_asset,
    "reset": reset,
    "addEvents": add_events,
    "getClock": get_clock,
    "setClock": set_clock,
    "listRequests": list_requests,
    "streamRequests": stream_requests,
    "clearRequests": clear_requests,
    "listFaults": list_faults,
    "addFault": add_fault,
    "clearFaults": clear_faults,
    "listKeys": list_keys,
    "getCoverage": get_coverage,
}


def setup_control(app: web.Application, config: Config, public_spec: Spec) -> None:
    """Mount the control API at /__mock/ and hook the journal and the faults into `app`.

    Call it before the API's own middleware is added: the journal must see the
    final status of every request, and faults come before authentication.
    """
    spec = load_control_spec()
    app[journal_key] = journal = Journal()
    app[faults_key] = faults = FaultTable()
    app[coverage_key] = coverage = Coverage(public_spec)
    app[control_validators_key] = ControlValidators(spec)
    for clear in (journal.clear, faults.clear, coverage.clear):
        app[state_key].on_reset(clear)
    app.middlewares.append(control_middleware(journal, faults, coverage, app[clock_key]))
    setup_stream(app, journal)
    control = web.Application(middlewares=[control_guard(config.control_token, host=config.host)])
    prefix = CONTROL_PREFIX.rstrip("/")
    for operation_id, operation in operation_table(spec).items():
        if operation_id == HEALTH_OPERATION:
            continue
        route_path = operation.path.removeprefix(prefix)
        control.router.add_route(
            operation.method, route_path, HANDLERS[operation_id], name=operation_id
        )
    app.add_subapp(prefix, control)
