"""The dashboard in a real browser: live, filtered, driving the mock, and safe with hostile
values (everything a client sent is text, never markup)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import urllib3
from playwright.sync_api import Dialog, Page, expect

from mockserver import Config, ThreadedServer, create_app
from mockserver.config import WorldConfig
from mockserver.control.journal import MAX_RECORDED

WORLD = WorldConfig(seed=5, entries=300, projects=1)
AUDIT_LOG = "/api/v1/audit-log"
PROJECT = "/api/v1/project"


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer(create_app(Config(world=WORLD, clock_frozen_at_ms=1_800_000_000_000))) as s:
        yield s


@pytest.fixture
def mock(server: ThreadedServer) -> str:
    """The mock's address, reset: every test starts with an empty journal."""
    requests.post(f"{server.url}/__mock/reset", timeout=5).raise_for_status()
    return server.url


def control(url: str, endpoint: str) -> Any:
    return requests.get(f"{url}/__mock/{endpoint}", timeout=5).json()


def key(url: str, role: str) -> dict[str, str]:
    found = next(k["key"] for k in control(url, "keys")["data"] if k["role"] == role)
    return {"Authorization": f"Bearer {found}"}


def open_dashboard(page: Page, url: str) -> None:
    page.goto(f"{url}/__mock/")
    expect(page.locator("#connection")).to_have_text("live")


def test_requests_appear_live_and_filter_by_path_and_status(page: Page, mock: str) -> None:
    open_dashboard(page, mock)
    requests.get(mock + PROJECT, headers=key(mock, "member"), timeout=5)
    requests.get(mock + PROJECT, timeout=5)
    requests.get(mock + AUDIT_LOG, params={"limit": "2"}, headers=key(mock, "admin"), timeout=5)
    expect(page.locator("#count")).to_have_text("3 requests")
    newest = page.locator("#rows .row").first
    expect(newest).to_contain_text(AUDIT_LOG)
    expect(newest).to_contain_text("?limit=2")
    expect(newest).to_contain_text("alk_a_")
    page.get_by_label("Path contains").fill("audit")
    expect(page.locator("#count")).to_have_text("1 of 3 requests shown")
    page.get_by_label("Path contains").fill("")
    page.get_by_label("Status").select_option("4")
    expect(page.locator("#count")).to_have_text("1 of 3 requests shown")
    expect(page.locator("#rows .row")).to_contain_text("401")


def test_every_control_is_reached_by_the_keyboard_and_the_list_by_arrow_keys(
    page: Page, mock: str
) -> None:
    open_dashboard(page, mock)
    requests.get(mock + PROJECT, headers={"X-Trace": "t-1"}, timeout=5)
    requests.get(mock + AUDIT_LOG, timeout=5)
    expect(page.locator("#count")).to_have_text("2 requests")
    reached = []
    focused = "document.activeElement.id || document.activeElement.textContent"
    for _ in range(7):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(focused))
    assert reached[:7] == [
        "reset",
        "filter-path",
        "filter-status",
        "clear-requests",
        "rows",
        "clock-freeze",
        "clock-real",
    ]
    page.locator("#rows").focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#detail")).to_contain_text(f"GET {AUDIT_LOG}")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#detail")).to_contain_text("t-1")
    expect(page.locator("#rows .row.selected")).to_contain_text(PROJECT)


def test_the_clock_and_a_fault_driven_from_the_page(page: Page, mock: str) -> None:
    open_dashboard(page, mock)
    page.get_by_role("button", name="Real time").click()
    expect(page.locator("#clock-state")).to_have_text("running")
    assert control(mock, "clock")["frozen"] is False
    page.get_by_role("button", name="Freeze").click()
    expect(page.locator("#clock-state")).to_have_text("frozen")
    before = control(mock, "clock")
    assert before["frozen"] is True
    page.get_by_label("Advance by (seconds)").fill("90")
    page.get_by_role("button", name="Advance").click()
    expect(page.locator("#clock-now")).not_to_have_text("…")
    assert _eventually(lambda: control(mock, "clock")["now"] == before["now"] + 90_000)

    page.get_by_label("Path", exact=True).fill(PROJECT)
    page.get_by_label("Answer").select_option("429")
    page.get_by_label("How many requests").fill("2")
    page.get_by_role("button", name="Add the fault").click()
    expect(page.locator("#faults")).to_contain_text("status=429")
    (fault,) = control(mock, "faults")["data"]
    assert (fault["path"], fault["status"], fault["remaining"]) == (PROJECT, 429, 2)
    assert requests.get(mock + PROJECT, timeout=5).status_code == 429
    # The row names the kind of the fault that answered it.
    expect(page.locator("#rows .row").first).to_contain_text("status")
    page.get_by_role("button", name="Clear every fault").click()
    expect(page.locator("#faults")).to_have_text("No fault is active.")
    assert control(mock, "faults")["data"] == []


def test_reset_from_the_page(page: Page, mock: str) -> None:
    requests.post(f"{mock}/__mock/faults", json={"path": PROJECT, "status": 503}, timeout=5)
    requests.get(mock + PROJECT, timeout=5)
    open_dashboard(page, mock)
    expect(page.locator("#count")).to_have_text("1 request")
    page.get_by_role("button", name="Reset the mock").click()
    expect(page.locator("#count")).to_have_text("0 requests")
    assert control(mock, "requests")["data"] == []
    assert control(mock, "faults")["data"] == []


def test_what_a_client_sent_is_shown_as_text_and_runs_nothing(page: Page, mock: str) -> None:
    dialogs: list[str] = []

    def refuse(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    page.add_init_script("window.__xss = false;")
    open_dashboard(page, mock)
    image = '<img src=x onerror="window.__xss=true;alert(1)">'
    script = "<script>window.__xss=true;alert(2)</script>"
    requests.get(
        f"{mock}/api/v1/{image}{script}",
        params={"q": script, image: "1"},
        headers={"X-Note": image},
        timeout=5,
    )
    row = page.locator("#rows .row").first
    expect(row).to_contain_text(f"/api/v1/{image}{script}")
    expect(row).to_contain_text(f"?q={script}&{image}=1")
    row.click()
    expect(page.locator("#detail")).to_contain_text(image)
    page.wait_for_timeout(300)  # room for an injected handler to run, were there one
    assert page.evaluate("window.__xss") is False
    assert dialogs == []
    assert page.locator("main img, main script").count() == 0


def test_ten_thousand_requests_show_and_filter_fast(page: Page, mock: str) -> None:
    pool = urllib3.HTTPConnectionPool("127.0.0.1", int(mock.rsplit(":", 1)[1]), maxsize=1)
    for index in range(MAX_RECORDED):
        path = AUDIT_LOG if index % 10 == 0 else PROJECT
        pool.request("GET", f"{path}?n={index}", retries=False)
    started = time.perf_counter()
    page.goto(f"{mock}/__mock/")
    expect(page.locator("#count")).to_have_text("10,000 requests", timeout=30_000)
    shown_s = time.perf_counter() - started
    filter_ms = page.evaluate(
        """async () => {
            const input = document.getElementById('filter-path');
            const started = performance.now();
            input.value = 'audit';
            input.dispatchEvent(new Event('input'));
            await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
            return performance.now() - started;
        }"""
    )
    expect(page.locator("#count")).to_have_text("1,000 of 10,000 requests shown")
    assert page.locator("#rows .row").count() < 100, "only the rows in view are drawn"
    print(f"\ndashboard: 10,000 entries shown in {shown_s:.2f} s, filtered in {filter_ms:.1f} ms")
    assert shown_s < 20 and filter_ms < 2_000


def _eventually(check: Any, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_with_a_token_the_dashboard_opens_and_drives_the_mock_with_the_one_in_its_address(
    page: Page,
) -> None:
    token = "dashboard-token-0123456789"
    with ThreadedServer(create_app(Config(world=WORLD, control_token=token))) as server:
        headers = {"X-Mock-Control-Token": token}

        def clock() -> Any:
            return requests.get(f"{server.url}/__mock/clock", headers=headers, timeout=5).json()

        assert clock()["frozen"] is False
        page.goto(f"{server.url}/__mock/#token={token}")
        expect(page.locator("#connection")).to_have_text("live")
        requests.get(server.url + PROJECT, timeout=5)
        expect(page.locator("#count")).to_have_text("1 request")
        page.get_by_role("button", name="Freeze").click()
        assert _eventually(lambda: clock()["frozen"] is True)
        assert requests.get(f"{server.url}/__mock/clock", timeout=5).status_code == 403
