"""The example client against the mock: each behaviour an SDK needs, tested with `mock_api`."""

from __future__ import annotations

import aiohttp
import pytest

from examples.client import ApiError, AuditLogClient, Poller
from mockserver import MockApi

AUDIT_LOG = "/api/v1/audit-log"


def client_of(
    mock_api: MockApi, key: str | None = None, *, max_retries: int = 3, timeout: float = 10.0
) -> tuple[AuditLogClient, list[float]]:
    """A client on the mock's clock, and the waits it would have made (it does not wait)."""
    slept: list[float] = []
    client = AuditLogClient(
        mock_api.url,
        key or mock_api.admin_key,
        max_retries=max_retries,
        timeout=timeout,
        sleep=slept.append,
        now=mock_api.clock.time,
    )
    return client, slept


def entity_created(entity_id: str) -> dict[str, object]:
    return {"action": "entity.created", "userId": "usr_1", "entityId": entity_id}


@pytest.mark.mock_api(entries=0)
def test_an_empty_log_then_entries_in_the_same_millisecond(mock_api: MockApi) -> None:
    mock_api.clock.freeze()
    poller = Poller(client_of(mock_api)[0])
    assert poller.poll() == []

    first = mock_api.add_events([entity_created("ent_1"), entity_created("ent_2")])
    assert poller.poll() == first, "oldest first, in the order they were stored"
    # The clock has not moved: this one shares the millisecond of the previous poll's
    # newest entry. `since=<that millisecond>` alone would miss it.
    late = mock_api.add_events([entity_created("ent_3")])
    assert poller.poll() == late
    assert poller.poll() == []


def test_the_poller_counts_what_one_page_could_not_hold(mock_api: MockApi) -> None:
    mock_api.clock.freeze()
    poller = Poller(client_of(mock_api)[0])
    poller.poll()
    mock_api.clock.advance(1)
    added = mock_api.add_events([entity_created(f"ent_{i}") for i in range(5)])
    assert poller.poll(page_size=2) == added[-2:]
    assert poller.missed == 3


def test_a_503_without_retry_after_is_retried_after_a_backoff(mock_api: MockApi) -> None:
    client, slept = client_of(mock_api)
    mock_api.fail_next(AUDIT_LOG, status=503, count=2)
    client.entries(limit=1)
    assert slept == [0.5, 1.0]
    assert [r.status for r in mock_api.requests] == [503, 503, 200]


def test_a_dropped_connection_is_retried(mock_api: MockApi) -> None:
    client, _ = client_of(mock_api)
    mock_api.fail_next(AUDIT_LOG, drop=True)
    assert len(client.entries(limit=3)["data"]) == 3
    first, retried = mock_api.requests
    assert (first.status, first.faulted) == (None, True)
    assert retried.status == 200


def test_a_slow_answer_times_out_and_is_retried(mock_api: MockApi) -> None:
    client, slept = client_of(mock_api, timeout=0.2)
    mock_api.fail_next(AUDIT_LOG, status=None, delay_ms=800)
    assert client.entries(limit=1)["data"]
    assert slept == [0.5]
    assert [r.faulted for r in mock_api.requests] == [True, False]


def test_a_body_cut_short_is_retried(mock_api: MockApi) -> None:
    client, slept = client_of(mock_api)
    mock_api.add_fault(AUDIT_LOG, "truncated")
    assert len(client.entries(limit=3)["data"]) == 3
    assert slept == [0.5]
    cut, retried = mock_api.requests
    assert (cut.status, cut.fault) == (200, "truncated")
    assert (retried.status, retried.fault) == (200, None)


def test_a_body_that_trickles_times_out_and_is_retried(mock_api: MockApi) -> None:
    # Each of the body's pieces comes 100 ms after the last: past the client's 50 ms.
    client, slept = client_of(mock_api, timeout=0.05)
    mock_api.add_fault(AUDIT_LOG, "slow", slow_ms=1000)
    assert len(client.entries(limit=3)["data"]) == 3
    assert slept == [0.5]
    assert [r.fault for r in mock_api.requests] == ["slow", None]


def test_a_body_that_is_not_json_is_a_clear_error(mock_api: MockApi) -> None:
    client, slept = client_of(mock_api)
    mock_api.add_fault(AUDIT_LOG, "malformed")
    with pytest.raises(ApiError) as raised:
        client.entries(limit=3)
    assert (raised.value.status, raised.value.code) == (200, "invalid_json")
    assert slept == []


def test_the_client_gives_up_after_its_retries(mock_api: MockApi) -> None:
    client, _ = client_of(mock_api, max_retries=2)
    mock_api.fail_next(AUDIT_LOG, status=500, count=5)
    with pytest.raises(ApiError) as raised:
        client.entries()
    assert (raised.value.status, raised.value.code) == (500, "internal_error")
    assert len(mock_api.requests) == 3


def test_a_member_key_is_refused_and_not_retried(mock_api: MockApi) -> None:
    client, _ = client_of(mock_api, key=mock_api.member_key)
    with pytest.raises(ApiError) as raised:
        client.entries()
    assert raised.value.code == "forbidden"
    assert len(mock_api.requests) == 1


def test_another_projects_key_never_sees_the_entries(mock_api: MockApi) -> None:
    mock_api.clock.freeze()
    poller = Poller(client_of(mock_api, key=mock_api.other_admin_key)[0])
    poller.poll()
    mock_api.clock.advance(1)
    mock_api.add_events([entity_created("ent_secret")])
    assert poller.poll() == []


async def test_an_async_client_works_the_same(mock_api: MockApi) -> None:
    mock_api.fail_next(AUDIT_LOG, status=429, retry_after=0)
    headers = {"Authorization": f"Bearer {mock_api.admin_key}"}
    async with aiohttp.ClientSession(mock_api.url, headers=headers) as session:
        async with session.get(AUDIT_LOG) as response:
            assert response.status == 429
            assert response.headers["Retry-After"] == "0"
        async with session.get(AUDIT_LOG, params={"limit": "2"}) as response:
            assert len((await response.json())["data"]) == 2
    assert [r.status for r in mock_api.requests] == [429, 200]
