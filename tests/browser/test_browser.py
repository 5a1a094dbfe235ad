"""The browser the other tests drive is real: it loads a page of the mock and runs script."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from mockserver import Config, ThreadedServer, create_app
from mockserver.domain.models import Role, World
from tests.conftest import TEST_WORLD, key_of


@pytest.fixture(scope="module")
def server(shared_world: World) -> Iterator[ThreadedServer]:
    with ThreadedServer(create_app(Config(world=TEST_WORLD), world=shared_world)) as running:
        yield running


def test_the_browser_loads_an_answer_of_the_mock(page: Page, server: ThreadedServer) -> None:
    page.goto(f"{server.url}/api/v1/project")
    body = json.loads(page.inner_text("body"))
    assert body["error"]["code"] == "unauthorized"


def test_script_in_the_page_reads_the_api_from_its_own_origin(
    page: Page, server: ThreadedServer, shared_world: World
) -> None:
    page.goto(f"{server.url}/api/v1/project")
    key = key_of(shared_world, 0, Role.MEMBER)
    status, body = page.evaluate(
        """async (key) => {
            const headers = {Authorization: 'Bearer ' + key};
            const answer = await fetch('/api/v1/project', {headers});
            return [answer.status, await answer.json()];
        }""",
        key,
    )
    assert status == 200
    assert body["data"]["slug"] == shared_world.projects[0].slug
