"""The pytest plugin, run inside pytest by pytester as a user's test suite would run it."""

from __future__ import annotations

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


def test_mock_api_gives_every_test_a_fresh_server(pytester: pytest.Pytester) -> None:
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
    assert SEEN[0] != SEEN[1]

def test_the_object(mock_api):
    assert mock_api.url.startswith("http://127.0.0.1:")
    keys = {mock_api.admin_key, mock_api.member_key, mock_api.other_admin_key}
    assert len(keys) == 3 and mock_api.member_key.startswith("alk_m_")
    assert total(mock_api, mock_api.other_admin_key) == 20 // 4
"""
    )
    pytester.runpytest(*SMALL).assert_outcomes(passed=3)


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
