"""The pytest plugin, run inside pytest by pytester as a user's test suite would run it."""

from __future__ import annotations

import threading
from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]

# What every inner session gets: no cache files, pytest-asyncio's setting made explicit.
QUIET = ("-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function")
# Small worlds keep each inner session fast; the fixtures do not depend on size.
SMALL = ("--mock-api-entries", "20", *QUIET)

HELPERS = """
import json
import urllib.request

def get(mock_api, path, key=None):
    request = urllib.request.Request(
        mock_api.url + path, headers={"Authorization": "Bearer " + (key or mock_api.admin_key)}
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request) as response:
        return json.loads(response.read())

def total(mock_api, key=None):
    return get(mock_api, "/api/v1/audit-log?limit=1", key)["total"]

CREATED = [{"action": "entity.created", "userId": "usr_1", "entityId": "ent_1"}]
"""


def test_the_plugin_is_registered_for_pytest() -> None:
    plugins = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert plugins["mockserver"] == "mockserver.pytest_plugin"


def test_mock_api_gives_every_test_a_fresh_world_on_one_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HELPERS
        + """
SEEN = []

def test_one(mock_api):
    SEEN.append(mock_api.url)
    mock_api.add_events(CREATED)
    mock_api.clock.freeze()
    assert total(mock_api) == 21

def test_two(mock_api):
    SEEN.append(mock_api.url)
    assert total(mock_api) == 20
    assert mock_api.requests[-1].query["limit"] == "1"
    assert len(mock_api.requests) == 1
    assert SEEN[0] == SEEN[1]

def test_the_object(mock_api):
    assert mock_api.url.startswith("http://127.0.0.1:")
    keys = {mock_api.admin_key, mock_api.member_key, mock_api.other_admin_key}
    assert len(keys) == 3 and mock_api.member_key.startswith("alk_m_")
    assert total(mock_api, mock_api.other_admin_key) == 20 // 4
"""
    )
    pytester.runpytest(*SMALL).assert_outcomes(passed=3)


def test_nothing_a_mock_api_test_changes_reaches_the_next(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HELPERS
        + """
import time

FROZEN_AT = 1_800_000_000_000
FIRST = {}

def entity_count(mock_api):
    return get(mock_api, "/api/v1/project", mock_api.member_key)["data"]["entityCount"]

def change_everything(mock_api):
    mock_api.clock.freeze()
    mock_api.clock.set(FROZEN_AT)
    FIRST["id"] = mock_api.add_events(CREATED)[0]["id"]
    mock_api.clock.advance(61)
    # Counts read now stay cached for 60 seconds, with the entity the fresh world lacks.
    FIRST["entities"] = entity_count(mock_api)
    mock_api.fail_next("/api/v1/project", status=500, count=5)
    mock_api.keys[0]["key"] = "alk_a_changed"
    mock_api.keys.clear()

def test_changes_everything_and_fails(mock_api):
    change_everything(mock_api)
    assert False, "a failing test is put back too"

def test_changes_everything(mock_api):
    change_everything(mock_api)

def test_sees_none_of_it(mock_api):
    assert mock_api.faults == []
    assert mock_api.requests == []
    assert all(op["requests"] == 0 for op in mock_api.coverage()["operations"])
    assert len(mock_api.keys) == 3 * 2
    assert abs(mock_api.clock.now_ms() - time.time() * 1000) < 60_000
    mock_api.clock.freeze()
    mock_api.clock.set(FROZEN_AT + 61_000)
    assert entity_count(mock_api) == FIRST["entities"] - 1
    assert total(mock_api) == 20
    # The ids of new events start again from the same seeded sequence.
    mock_api.clock.set(FROZEN_AT)
    assert mock_api.add_events(CREATED)[0]["id"] == FIRST["id"]
"""
    )
    pytester.runpytest(*SMALL).assert_outcomes(passed=2, failed=1)


def test_a_marker_asking_for_another_world_gets_its_own_server(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        HELPERS
        + """
import pytest

URLS = {}

def test_default(mock_api):
    URLS["default"] = mock_api.url

@pytest.mark.mock_api(entries=7)
def test_seven(mock_api):
    URLS["seven"] = mock_api.url
    mock_api.add_events(CREATED)
    assert total(mock_api) == 8

def test_default_again(mock_api):
    assert mock_api.url == URLS["default"]
    assert total(mock_api) == 20

@pytest.mark.mock_api(entries=7)
def test_seven_again(mock_api):
    assert mock_api.url == URLS["seven"] != URLS["default"]
    assert total(mock_api) == 7

def test_the_session_server_is_another_one(mock_api_session):
    assert mock_api_session.url not in URLS.values()
"""
    )
    pytester.runpytest(*SMALL).assert_outcomes(passed=5)


def test_mock_api_tests_leave_the_session_server_alone(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HELPERS
        + """
def test_one(mock_api_session):
    mock_api_session.add_events(CREATED)

def test_between(mock_api):
    assert total(mock_api) == 20

def test_two(mock_api_session):
    assert total(mock_api_session) == 21
"""
    )
    pytester.runpytest(*SMALL).assert_outcomes(passed=3)


def test_every_server_stops_with_the_session(pytester: pytest.Pytester) -> None:
    def serving() -> int:
        return sum(thread.name == "mockserver" for thread in threading.enumerate())

    pytester.makepyfile(
        """
import pytest

def test_default(mock_api, mock_api_session):
    pass

@pytest.mark.mock_api(entries=3)
def test_other(mock_api):
    pass
"""
    )
    before = serving()
    pytester.runpytest(*SMALL).assert_outcomes(passed=2)
    assert serving() == before


def test_mock_api_session_is_shared_until_reset(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HELPERS
        + """
def test_one(mock_api_session):
    mock_api_session.add_events(CREATED)
    mock_api_session.fail_next("/api/v1/project", status=500, count=3)
    assert total(mock_api_session) == 21

def test_two(mock_api_session):
    assert total(mock_api_session) == 21
    assert len(mock_api_session.faults) == 1
    mock_api_session.reset()
    assert total(mock_api_session) == 20
    assert mock_api_session.faults == []
"""
    )
    pytester.runpytest(*SMALL).assert_outcomes(passed=2)


def test_async_tests_use_it_too(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import aiohttp

async def test_async(mock_api):
    mock_api.fail_next("/api/v1/project", status=503, retry_after=4)
    headers = {"Authorization": "Bearer " + mock_api.member_key}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.get(mock_api.url + "/api/v1/project") as response:
            assert (response.status, response.headers["Retry-After"]) == (503, "4")
        async with session.get(mock_api.url + "/api/v1/project") as response:
            assert response.status == 200
    assert [r.status for r in mock_api.requests] == [503, 200]
"""
    )
    pytester.runpytest(*SMALL, "-o", "asyncio_mode=auto").assert_outcomes(passed=1)


def test_options_and_the_marker_choose_the_world(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HELPERS
        + """
import pytest
from mockserver.domain.ids import api_key

def test_from_the_options(mock_api):
    assert total(mock_api) == 30
    assert mock_api.admin_key == api_key(9, 0, "admin")

@pytest.mark.mock_api(entries=7)
def test_from_the_marker(mock_api):
    assert total(mock_api) == 7

@pytest.mark.mock_api(seed=3)
def test_seed_from_the_marker(mock_api):
    assert mock_api.admin_key == api_key(3, 0, "admin")
"""
    )
    result = pytester.runpytest("--mock-api-seed", "9", "--mock-api-entries", "30", *QUIET)
    result.assert_outcomes(passed=3)


def test_a_bad_marker_or_option_says_what_is_wrong(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import pytest

@pytest.mark.mock_api(entries=-1)
def test_negative(mock_api):
    pass

@pytest.mark.mock_api(size=3)
def test_unknown(mock_api):
    pass
"""
    )
    result = pytester.runpytest(*SMALL)
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.mock_api: entries must be an integer >= 0, got -1*",
            "*@pytest.mark.mock_api: unknown option 'size'; use seed or entries*",
        ]
    )
    bad_option = pytester.runpytest("--mock-api-entries", "-5", *QUIET)
    assert bad_option.ret == pytest.ExitCode.USAGE_ERROR
    bad_option.stderr.fnmatch_lines(["*--mock-api-*entries must be an integer >= 0, got -5*"])


def test_coverage_is_summed_over_every_server_and_reset(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HELPERS
        + """
def test_one(mock_api):
    get(mock_api, "/api/v1/audit-log?action=entity.created")

def test_two(mock_api_session):
    get(mock_api_session, "/api/v1/audit-log?since=5")
    mock_api_session.reset()
    get(mock_api_session, "/api/v1/project", mock_api_session.member_key)
"""
    )
    result = pytester.runpytest(*SMALL, "--mock-api-coverage")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*= mock API coverage =*",
            "GET /api/v1/audit-log (listAuditLogEntries): 2 requests",
            "  status codes  200 x2   never: 400, 401, 403",
            "  parameters    action x1, since x1   never: userId, limit",
            "GET /api/v1/project (getProject): 1 requests",
            "error codes*never: unauthorized, forbidden, invalid_parameter, not_found,*",
        ]
    )


def test_without_the_option_nothing_is_printed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest(*SMALL)
    result.assert_outcomes(passed=1)
    assert "mock API coverage" not in result.stdout.str()
