"""The journal keeps requests in arrival order, bounded, with secrets redacted when read."""

from __future__ import annotations

from aiohttp.test_utils import make_mocked_request
from hypothesis import given
from hypothesis import strategies as st

from mockserver.control.journal import CLEARED, Arrival, Journal, RecordedRequest, redact_header


def recorded(path: str, headers: dict[str, str] | None = None) -> Arrival:
    request = make_mocked_request("GET", path, headers=headers or {})
    return Arrival.of(request, time=1)


def test_the_journal_keeps_the_newest_requests_in_order() -> None:
    journal = Journal(capacity=3)
    for index in range(5):
        journal.record(recorded(f"/p{index}"))
    assert [r.path for r in journal.requests()] == ["/p2", "/p3", "/p4"]
    assert [r.path for r in journal.requests("/p3")] == ["/p3"]
    journal.clear()
    assert journal.requests() == []


@given(st.text(min_size=1, max_size=60).filter(lambda k: k.strip() == k and " " not in k))
def test_no_secret_header_ever_shows_its_secret(secret: str) -> None:
    for name in ("Authorization", "proxy-authorization", "X-Mock-Control-Token"):
        shown = redact_header(name, f"Bearer {secret}")
        assert shown.startswith("Bearer ")
        assert len(secret) <= 8 or secret not in shown
        assert redact_header(name, secret) in (secret[:8] + "…", "…")
    assert redact_header("Accept", secret) == secret


def test_a_record_survives_the_round_trip_through_json() -> None:
    request = make_mocked_request(
        "GET",
        "/api/v1/audit-log?since=5&since=6&limit=2",
        headers={"Authorization": "Bearer alk_a_0123456789abcdef", "X-Trace": "t"},
    )
    record = RecordedRequest.of(request, time=42)
    record.status, record.faulted, record.fault = 200, True, "truncated"
    again = RecordedRequest.from_dict(record.to_dict())
    assert again == record
    assert again.query["since"] == "5"
    assert again.query.getall("since") == ["5", "6"]
    assert again.headers["authorization"] == "Bearer alk_a_01…"


# Listeners: the live streams' view of the journal


def answered(path: str, duration_ms: float = 1.5) -> Arrival:
    record = recorded(path)
    record.status = 200
    record.duration_ms = duration_ms
    return record


async def test_a_listener_gets_the_answered_journal_then_each_change_in_order() -> None:
    journal = Journal()
    old, in_flight = answered("/old"), recorded("/in-flight")
    journal.record(old)
    journal.record(in_flight)
    listener = journal.listen()
    assert await listener.next_changes(0.01) == [CLEARED, old]
    journal.answer(in_flight, 2.0)
    journal.clear()
    assert await listener.next_changes(0.01) == [in_flight, CLEARED]
    assert in_flight.duration_ms == 2.0 and in_flight.answered
    assert await listener.next_changes(0.01) == [], "nothing new: the wait times out empty"


async def test_a_listener_that_falls_too_far_behind_is_closed_and_so_is_every_one_at_shutdown() -> (
    None
):
    journal = Journal(capacity=2)
    listener = journal.listen()
    for index in range(10):
        journal.answer(recorded(f"/p{index}"), 1.0)
    assert listener.closed
    journal.unlisten(listener)
    journal.answer(recorded("/later"), 1.0)
    other = journal.listen()
    journal.close_listeners()
    assert other.closed


def test_answering_with_no_listener_only_stamps_the_duration() -> None:
    journal = Journal()
    record = recorded("/p")
    journal.record(record)
    assert not record.answered
    journal.answer(record, 0.25)
    assert record.shown().to_dict()["durationMs"] == 0.25
    assert RecordedRequest.from_dict(record.shown().to_dict()) == record.shown()


async def test_a_request_in_flight_when_the_journal_is_emptied_reaches_no_stream() -> None:
    journal = Journal()
    in_flight = recorded("/slow")
    journal.record(in_flight)
    listener = journal.listen()
    journal.clear()
    journal.answer(in_flight, 5.0)
    journal.answer(later := recorded("/later"), 1.0)
    assert await listener.next_changes(0.01) == [CLEARED, CLEARED, later]
    assert journal.requests() == []


# Recording keeps what arrived; the journal's shape is made when it is read


HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30)


def test_recording_keeps_aiohttps_own_values_without_a_copy() -> None:
    request = make_mocked_request("GET", "/api/v1/project?a=1", headers={"X-Trace": "t"})
    arrival = Arrival.of(request, time=3)
    assert arrival.headers is request.headers
    assert arrival.url is request.rel_url
    assert arrival.shown() is not arrival.shown(), "not answered yet: shaped on each read"
    Journal().answer(arrival, 1.0)
    assert arrival.shown() is arrival.shown(), "answered: shaped once"


@given(value=HEADER_TEXT, secret=HEADER_TEXT, query=st.text(max_size=30))
def test_the_shape_read_later_is_the_one_made_on_arrival(
    value: str, secret: str, query: str
) -> None:
    headers = {"X-Note": value.strip(), "Authorization": f"Bearer {secret.strip()}"}
    request = make_mocked_request("GET", "/p?q=" + query.replace("#", ""), headers=headers)
    arrival = Arrival.of(request, time=7)
    arrival.status = 200
    Journal().answer(arrival, 0.12345)
    expected = RecordedRequest.of(request, time=7)
    expected.status, expected.duration_ms = 200, 0.123
    assert arrival.shown() == expected
