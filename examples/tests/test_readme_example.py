from examples.client import AuditLogClient, Poller
from mockserver import MockApi


def test_new_events_retry_after_429_and_counts_after_the_cache(mock_api: MockApi) -> None:
    mock_api.clock.freeze()
    slept: list[float] = []
    client = AuditLogClient(
        mock_api.url, mock_api.admin_key, sleep=slept.append, now=mock_api.clock.time
    )
    poller = Poller(client)
    poller.poll()  # the newest page of the existing log
    counts = client.project()

    # Something happens in the project, and the API rate-limits the next request.
    mock_api.clock.advance(5)
    created = mock_api.add_events(
        [{"action": "entity.created", "userId": "usr_1", "entityId": "ent_new"}]
    )
    mock_api.fail_next("/api/v1/audit-log", status=429, retry_after=2)

    assert poller.poll() == created
    assert slept == [2]  # the client waited as long as Retry-After said

    # What the client sent: the same incremental poll, twice.
    rate_limited, retried = mock_api.requests[-2:]
    assert (rate_limited.status, retried.status) == (429, 200)
    assert rate_limited.query == retried.query
    assert int(retried.query["since"]) < created[0]["timestamp"]
    assert retried.headers["Authorization"].startswith("Bearer alk_a_")  # redacted

    # The counts are cached for 60 seconds: no new request within them...
    assert client.project() == counts
    mock_api.clock.advance(61)
    # ...and after them, the new entity is counted.
    assert client.project()["entityCount"] == counts["entityCount"] + 1
    assert [r.path for r in mock_api.requests].count("/api/v1/project") == 2
