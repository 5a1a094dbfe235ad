"""The journal keeps requests in arrival order, bounded, with secrets redacted."""

from __future__ import annotations

from aiohttp.test_utils import make_mocked_request
from hypothesis import given
from hypothesis import strategies as st

from mockserver.control.journal import Journal, RecordedRequest, redact_header


def recorded(path: str, headers: dict[str, str] | None = None) -> RecordedRequest:
    request = make_mocked_request("GET", path, headers=headers or {})
    return RecordedRequest.of(request, time=1)


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
