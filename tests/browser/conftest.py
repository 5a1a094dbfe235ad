"""A real browser for the tests of what the mock offers browsers: Debian's Chromium, driven
by Playwright with the system's executable (no browser is downloaded).

Where no Chromium is installed the browser tests skip with the reason, so that `pytest`
works on any laptop; CI sets `MOCKSERVER_REQUIRE_BROWSER=1`, and there a missing browser
is an error, never a skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM_NAMES = ("chromium", "chromium-browser")
# Chromium's own connections (updates, sync, safe browsing) are refused on a closed
# network, and a test must never depend on them.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium_executable() -> str | None:
    override = os.environ.get("MOCKSERVER_CHROMIUM")
    if override:
        return override
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


# One browser per module, not per session: Playwright's synchronous API runs an event
# loop in the test's thread while it is open, and the async tests of later modules need
# that thread free of one.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_executable()
    if executable is None:
        reason = "no Chromium installed (apt-get install chromium)"
        if os.environ.get("MOCKSERVER_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + ", and MOCKSERVER_REQUIRE_BROWSER=1 requires one")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh profile per test: no cookies, cache or storage carried between tests."""
    created = browser.new_context()
    try:
        yield created
    finally:
        created.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
