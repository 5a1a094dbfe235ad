"""No page of another origin can reach the control API, in a real browser: it can read
neither the journal nor the keys, and no fetch (with `no-cors` or without) and no form
resets the world or feeds it. A page of the mock itself still can."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from mockserver import Config, ThreadedServer, create_app
from mockserver.control.client import MockApi
from mockserver.domain.models import World
from tests.browser.other_origin import other_origin
from tests.conftest import TEST_WORLD

DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
FROZEN_AT = 1_800_000_000_000
ADVANCED = 5_000
# Each attack, run in the page: what the script could see of the answer, or the error.
READ = """async (url) => {
    try {
        const answer = await fetch(url);
        return {status: answer.status, text: await answer.text()};
    } catch (error) {
        return {error: String(error)};
    }
}"""
SEND = """async ([url, mode, body]) => {
    try {
        const answer = await fetch(url, {method: 'POST', mode, body});
        return {type: answer.type, status: answer.status, text: await answer.text()};
    } catch (error) {
        return {error: String(error)};
    }
}"""
FORM = """([action, enctype, name, value]) => {
    const form = document.createElement('form');
    form.method = 'POST';
    form.action = action;
    form.enctype = enctype;
    const field = document.createElement('input');
    field.name = name;
    field.value = value;
    form.appendChild(field);
    document.body.appendChild(form);
    form.submit();
}"""
EVENT = '{"events": [{"action": "entity.created", "userId": "usr_evil"}]}'


@pytest.fixture
def mock(shared_world: World) -> Iterator[ThreadedServer]:
    """A mock whose clock has moved from its start: a reset would put it back."""
    app = create_app(Config(world=TEST_WORLD, clock_frozen_at_ms=FROZEN_AT), world=shared_world)
    with ThreadedServer(app) as running:
        MockApi(running.url).call("POST", "clock", {"advance": ADVANCED})
        yield running


@pytest.fixture(scope="module")
def app_origin() -> Iterator[str]:
    with other_origin() as origin:
        yield origin


def untouched(mock: ThreadedServer) -> bool:
    """Neither reset (the clock would be back at its start) nor fed (no event added)."""
    control = MockApi(mock.url)
    request = urllib.request.Request(
        mock.url + "/api/v1/audit-log?userId=usr_evil",
        headers={"Authorization": f"Bearer {control.admin_key}"},
    )
    with DIRECT.open(request, timeout=10) as response:
        fed = json.loads(response.read())["total"]
    return control.clock.now_ms() == FROZEN_AT + ADVANCED and fed == 0


@pytest.mark.parametrize("endpoint", ["requests", "keys", "clock", "coverage"])
def test_the_page_cannot_read_the_control_api(
    page: Page, mock: ThreadedServer, app_origin: str, endpoint: str
) -> None:
    page.goto(app_origin + "/")
    answer = page.evaluate(READ, f"{mock.url}/__mock/{endpoint}")
    assert "error" in answer, answer  # the browser finds no CORS headers and hides it


@pytest.mark.parametrize("mode", ["no-cors", "cors"])
@pytest.mark.parametrize(("endpoint", "body"), [("reset", None), ("events", EVENT)])
def test_no_fetch_of_the_page_resets_or_feeds_it(
    page: Page, mock: ThreadedServer, app_origin: str, mode: str, endpoint: str, body: str | None
) -> None:
    page.goto(app_origin + "/")
    answer = page.evaluate(SEND, [f"{mock.url}/__mock/{endpoint}", mode, body])
    if mode == "no-cors":
        assert (answer["type"], answer["status"], answer["text"]) == ("opaque", 0, "")
    else:
        assert "error" in answer, answer
    assert untouched(mock)


@pytest.mark.parametrize(
    ("endpoint", "enctype", "name", "value"),
    [
        ("reset", "application/x-www-form-urlencoded", "x", "1"),
        ("events", "text/plain", EVENT[:-1] + ', "x": "', '"}'),
        ("clock", "multipart/form-data", "advance", "1"),
    ],
)
def test_no_form_of_the_page_resets_or_feeds_it(
    page: Page,
    mock: ThreadedServer,
    app_origin: str,
    endpoint: str,
    enctype: str,
    name: str,
    value: str,
) -> None:
    page.goto(app_origin + "/")
    with page.expect_navigation():
        page.evaluate(FORM, [f"{mock.url}/__mock/{endpoint}", enctype, name, value])
    assert '"forbidden"' in page.inner_text("body")
    assert untouched(mock)


def test_a_page_of_the_mock_itself_reads_and_drives_it(page: Page, mock: ThreadedServer) -> None:
    page.goto(mock.url + "/__mock/health")
    answer = page.evaluate(READ, "/__mock/clock")
    assert answer["status"] == 200, answer
    moved = page.evaluate(
        """async () => {
            const answer = await fetch('/__mock/clock', {
                method: 'POST',
                headers: {'Content-Type': 'application/json'},
                body: JSON.stringify({advance: 1}),
            });
            return [answer.status, await answer.json()];
        }"""
    )
    assert moved == [200, {"now": FROZEN_AT + ADVANCED + 1, "frozen": True}]
