"""Coverage: counts per operation, what was never seen, and sums across servers."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp.test_utils import make_mocked_request
from hypothesis import given
from hypothesis import strategies as st

from mockserver.control.coverage import MAX_PENDING, NO_PARAMETERS, Coverage, render
from mockserver.spec.loader import load_spec

SPEC = load_spec()


def test_everything_the_spec_offers_starts_as_never_seen() -> None:
    report = Coverage(SPEC).report()
    audit, project = report["operations"]
    assert audit["statusCodes"] == {"seen": {}, "never": ["200", "400", "401", "403"]}
    assert audit["parameters"]["never"] == ["action", "userId", "since", "limit"]
    assert len(audit["combinations"]["never"]) == 2**4
    assert audit["combinations"]["never"][0] == NO_PARAMETERS
    assert project["combinations"]["never"] == [NO_PARAMETERS]
    assert report["errorCodes"]["never"] == [
        "unauthorized",
        "forbidden",
        "invalid_parameter",
        "not_found",
        "method_not_allowed",
    ]


def test_reports_of_several_servers_add_up() -> None:
    one, two, total = Coverage(SPEC), Coverage(SPEC), Coverage(SPEC)
    one.record("listAuditLogEntries", {"since", "limit", "bogus"}, 200, None)
    two.record("listAuditLogEntries", {"limit", "since"}, 200, None)
    two.record("getProject", set(), 401, "unauthorized")
    two.record(None, set(), 404, "not_found")
    two.record("listAuditLogEntries", set(), None, None)  # dropped
    total.absorb(one.report())
    total.absorb(two.report())
    audit, project = total.report()["operations"]
    assert audit["requests"] == 3
    assert audit["combinations"]["seen"] == {"since+limit": 2}
    assert audit["parameters"]["seen"] == {"since": 2, "limit": 2}
    assert audit["statusCodes"]["seen"] == {"200": 2}
    assert project["statusCodes"] == {"seen": {"401": 1}, "never": ["200"]}
    assert total.report()["errorCodes"]["seen"] == {"unauthorized": 1, "not_found": 1}
    assert total.report()["otherRequests"] == 1


def test_undocumented_statuses_are_shown_after_the_documented_ones() -> None:
    coverage = Coverage(SPEC)
    for status in (429, 200, 503):
        coverage.record("getProject", set(), status, None)
    assert list(coverage.report()["operations"][1]["statusCodes"]["seen"]) == ["200", "429", "503"]


def test_the_text_names_what_was_never_exercised() -> None:
    coverage = Coverage(SPEC)
    coverage.record("listAuditLogEntries", {"action"}, 200, None)
    text = render(coverage.report())
    assert "GET /api/v1/audit-log (listAuditLogEntries): 1 requests" in text
    assert "never: 400, 401, 403" in text
    assert "action x1   never: userId, since, limit" in text


NAMES = st.sampled_from(["action", "since", "limit", "%61ction", "x", ""])
QUERY = st.lists(st.tuples(NAMES, st.text(max_size=5)), max_size=4)


@given(pairs=QUERY, status=st.sampled_from([200, 400, 401, None]))
def test_counting_raw_values_reports_what_recording_parsed_values_does(
    pairs: list[tuple[str, str]], status: int | None
) -> None:
    raw = "&".join(f"{name}={quote(value)}" for name, value in pairs)
    request = make_mocked_request("GET", f"/api/v1/audit-log?{raw}")
    body = b'{"error":{"code":"invalid_parameter","message":"m"}}' if status == 400 else None
    counted, recorded = Coverage(SPEC), Coverage(SPEC)
    for _ in range(2):
        counted.count("listAuditLogEntries", request.rel_url.raw_query_string, status, body)
        recorded.record(
            "listAuditLogEntries",
            set(request.query),
            status,
            "invalid_parameter" if body else None,
        )
    assert counted.report() == recorded.report()


def test_distinct_requests_waiting_to_be_counted_stay_bounded() -> None:
    coverage = Coverage(SPEC)
    for since in range(MAX_PENDING + 10):
        coverage.count("listAuditLogEntries", f"since={since}", 200, None)
    assert len(coverage._pending) <= MAX_PENDING
    uses = coverage.report()["operations"][0]
    assert uses["requests"] == MAX_PENDING + 10
    assert uses["combinations"]["seen"] == {"since": MAX_PENDING + 10}
