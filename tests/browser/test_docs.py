"""The docs page in a real browser: it needs nothing but the mock, and Try it out works."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from mockserver import Config, ThreadedServer, create_app
from mockserver.domain.models import Role, World
from tests.conftest import TEST_WORLD, key_of


@pytest.fixture(scope="module")
def server(shared_world: World) -> Iterator[ThreadedServer]:
    with ThreadedServer(create_app(Config(world=TEST_WORLD), world=shared_world)) as running:
        yield running


@pytest.fixture
def offline(context: BrowserContext, server: ThreadedServer) -> list[str]:
    """Every request the page tries outside the mock, each refused as a firewall would."""
    attempted: list[str] = []

    def only_the_mock(route: Route) -> None:
        if route.request.url.startswith(server.url + "/"):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_mock)
    return attempted


def test_the_docs_load_with_nothing_but_the_mock(
    page: Page, server: ThreadedServer, offline: list[str]
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.url}/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=15_000)
    expect(page.locator(".servers select")).to_contain_text(server.url)
    assert page.locator(".opblock-summary-path").all_inner_texts() == [
        "/api/v1/audit-log",
        "/api/v1/project",
    ]
    assert offline == []
    assert errors == []


def test_try_it_out_gets_a_200_from_the_mock_with_a_key(
    page: Page, server: ThreadedServer, shared_world: World, offline: list[str]
) -> None:
    page.goto(f"{server.url}/docs")
    page.locator(".auth-wrapper button.authorize").click()
    page.locator(".modal-ux input").fill(key_of(shared_world, 0, Role.MEMBER))
    page.locator(".modal-ux button.authorize").click()
    page.locator(".modal-ux button.btn-done").click()
    page.locator("#operations-Project-getProject .opblock-summary-control").click()
    page.get_by_role("button", name="Try it out").click()
    with page.expect_response(f"{server.url}/api/v1/project") as answer:
        page.get_by_role("button", name="Execute").click()
    response = answer.value
    assert response.status == 200
    assert response.request.headers["authorization"].startswith("Bearer alk_m_")
    expect(page.locator(".live-responses-table .response .response-col_status")).to_have_text("200")
    assert offline == []
