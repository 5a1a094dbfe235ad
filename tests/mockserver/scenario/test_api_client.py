"""The snapshot's HTTP client: retries 429 and 5xx with backoff, refuses clearly otherwise."""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from mockserver.scenario.api_client import ApiClient, ApiClientError, RetryPolicy

ServerFactory = Callable[[web.Application], Awaitable[TestServer]]
KEY = "alk_a_0123456789abcdef"
PROJECT = {
    "id": "prj_1",
    "name": "P",
    "slug": "p",
    "plan": "free",
    "entityTypeCount": 0,
    "entityCount": 0,
    "memberCount": 0,
}


Answer = Callable[[], web.Response]


def scripted(answers: list[Answer]) -> web.Application:
    """An app that answers /api/v1/project with `answers`, one per request, then 200s."""
    script: Iterator[Answer] = iter(answers)

    async def handler(request: web.Request) -> web.Response:
        assert request.headers["Authorization"] == f"Bearer {KEY}"
        return next(script, lambda: web.json_response({"data": PROJECT}))()

    app = web.Application()
    app.router.add_get("/api/v1/project", handler)
    return app


async def call(url: str, policy: RetryPolicy | None = None) -> tuple[Any, list[float], int]:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        client = ApiClient(session, url, retry=policy, sleep=sleep)
        try:
            return await client.project(KEY), slept, client.requests
        except ApiClientError as error:
            return error, slept, client.requests


def error(status: int, **headers: str) -> Answer:
    body = {"error": {"code": "x", "message": f"status {status}"}}
    return lambda: web.json_response(body, status=status, headers=headers)


async def test_429_and_5xx_are_retried_with_backoff(aiohttp_server: ServerFactory) -> None:
    server = await aiohttp_server(scripted([error(429, **{"Retry-After": "2"}), error(503)]))
    result, slept, requests = await call(str(server.make_url("")))
    assert result == PROJECT
    assert slept == [2.0, 1.0]  # Retry-After first, then 0.5 s doubled for the second retry
    assert requests == 3


async def test_retries_give_up_with_one_clear_line(aiohttp_server: ServerFactory) -> None:
    server = await aiohttp_server(scripted([error(500)] * 5))
    policy = RetryPolicy(attempts=3, first_delay_seconds=0.1, max_delay_seconds=0.15)
    result, slept, requests = await call(str(server.make_url("")), policy)
    assert isinstance(result, ApiClientError)
    assert str(result) == "GET /api/v1/project: 500 status 500, still after 3 attempts"
    assert (slept, requests) == ([0.1, 0.15], 3)


async def test_a_refused_connection_is_retried_then_reported() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result, slept, requests = await call(f"http://127.0.0.1:{port}", RetryPolicy(attempts=2))
    assert isinstance(result, ApiClientError)
    assert "connection failed" in str(result) and requests == 2 and len(slept) == 1


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (error(401), "401: the key alk_a_01… was not accepted: status 401"),
        (error(403), "403: the key alk_a_01… may not read this (is it an admin key?)"),
        (error(404), "404: nothing there (is the base URL right?)"),
        (
            lambda: web.Response(text="<html>", content_type="text/html"),
            'expected JSON, got "<html>"',
        ),
        (
            lambda: web.json_response({"data": {"id": 5}}),
            "the answer does not follow the API: body.data",
        ),
    ],
)
async def test_other_answers_are_refused_at_once_without_the_key(
    aiohttp_server: ServerFactory, answer: Answer, expected: str
) -> None:
    server = await aiohttp_server(scripted([answer]))
    result, slept, requests = await call(str(server.make_url("")))
    assert isinstance(result, ApiClientError)
    assert expected in str(result)
    assert KEY not in str(result)
    assert (slept, requests) == ([], 1)
