"""A page on another origin reads the API in a real browser: preflights pass, and the
script sees the 200, the 401 with `WWW-Authenticate`, the 403 and a 429's `Retry-After`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page

from mockserver import Config, ThreadedServer, create_app
from mockserver.control.client import MockApi
from mockserver.domain.models import Role, World
from tests.browser.other_origin import other_origin
from tests.conftest import TEST_WORLD, key_of

# Run in the page: one fetch, and everything a script can read of its answer.
FETCH = """async ([url, key]) => {
    const headers = key ? {Authorization: 'Bearer ' + key} : {};
    const answer = await fetch(url, {headers});
    return {
        status: answer.status,
        body: await answer.json(),
        retryAfter: answer.headers.get('Retry-After'),
        wwwAuthenticate: answer.headers.get('WWW-Authenticate'),
        cacheControl: answer.headers.get('Cache-Control'),
        age: answer.headers.get('Age'),
    };
}"""


@pytest.fixture(scope="module")
def mock(shared_world: World) -> Iterator[ThreadedServer]:
    with ThreadedServer(create_app(Config(world=TEST_WORLD), world=shared_world)) as running:
        yield running


@pytest.fixture(scope="module")
def app_origin() -> Iterator[str]:
    with other_origin() as origin:
        yield origin


@pytest.fixture
def app_page(page: Page, app_origin: str) -> Page:
    page.goto(app_origin + "/")
    return page


def read(page: Page, url: str, key: str | None) -> dict[str, Any]:
    answer: dict[str, Any] = page.evaluate(FETCH, [url, key])
    return answer


def test_the_page_reads_the_audit_log_and_the_project_with_a_key(
    app_page: Page, mock: ThreadedServer, shared_world: World
) -> None:
    admin = key_of(shared_world, 0, Role.ADMIN)
    log = read(app_page, mock.url + "/api/v1/audit-log?limit=5", admin)
    assert log["status"] == 200
    assert len(log["body"]["data"]) == 5
    project = read(app_page, mock.url + "/api/v1/project", admin)
    assert project["body"]["data"]["slug"] == shared_world.projects[0].slug
    assert project["cacheControl"].startswith("max-age=")
    assert project["age"] is not None


def test_the_page_sees_401_with_www_authenticate_and_403(
    app_page: Page, mock: ThreadedServer, shared_world: World
) -> None:
    missing = read(app_page, mock.url + "/api/v1/audit-log", None)
    assert (missing["status"], missing["body"]["error"]["code"]) == (401, "unauthorized")
    assert missing["wwwAuthenticate"] == "Bearer"
    wrong = read(app_page, mock.url + "/api/v1/audit-log", "alk_not_a_key")
    assert (wrong["status"], wrong["wwwAuthenticate"]) == (401, "Bearer")
    member = read(app_page, mock.url + "/api/v1/audit-log", key_of(shared_world, 0, Role.MEMBER))
    assert (member["status"], member["body"]["error"]["code"]) == (403, "forbidden")


def test_the_page_sees_a_429_and_its_retry_after(
    app_page: Page, mock: ThreadedServer, shared_world: World
) -> None:
    control = MockApi(mock.url)
    control.fail_next("/api/v1/audit-log", 429, retry_after=7)
    try:
        limited = read(
            app_page, mock.url + "/api/v1/audit-log", key_of(shared_world, 0, Role.ADMIN)
        )
    finally:
        control.clear_faults()
    assert (limited["status"], limited["retryAfter"]) == (429, "7")
    assert limited["body"]["error"]["code"] == "rate_limited"
