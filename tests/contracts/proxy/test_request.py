"""A request read against openapi.yaml: typed values, and what the spec refuses in it."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from contracts.model import Query
from contracts.proxy.operations import operations
from contracts.proxy.request import Kind, read_request

AUDIT = operations().at("/api/v1/audit-log")["GET"]  # type: ignore[index]
PROJECT = operations().at("/api/v1/project")["GET"]  # type: ignore[index]


def kinds(raw: str) -> list[tuple[str, Kind]]:
    return [(p.parameter, p.kind) for p in read_request(AUDIT, raw).problems]


@given(st.integers(min_value=1, max_value=200))
def test_a_limit_in_range_is_accepted(limit: int) -> None:
    reading = read_request(AUDIT, f"limit={limit}")
    assert reading.problems == ()
    assert reading.query() == Query(limit=limit)


@given(st.integers().filter(lambda n: not 1 <= n <= 200))
def test_a_limit_out_of_range_is_refused(limit: int) -> None:
    assert kinds(f"limit={limit}") == [("limit", Kind.INVALID)]


@given(st.text(min_size=1, max_size=100).filter(lambda t: "\x00" not in t))
def test_any_text_of_1_to_100_characters_is_a_valid_action(action: str) -> None:
    reading = read_request(AUDIT, "action=" + quote(action, safe=""))
    assert reading.problems == ()
    assert reading.values == {"action": action}


def test_what_the_spec_refuses() -> None:
    assert kinds("limit=500") == [("limit", Kind.INVALID)]
    assert kinds("limit=1.5") == [("limit", Kind.INVALID)]
    assert kinds("since=-1") == [("since", Kind.INVALID)]
    assert kinds("since=9223372036854775808") == [("since", Kind.INVALID)]
    assert kinds("action=") == [("action", Kind.INVALID)]
    assert kinds("userId=" + "u" * 101) == [("userId", Kind.INVALID)]
    assert kinds("action=a&action=a") == [("action", Kind.REPEATED)]
    assert kinds("offset=3&limit[]=1") == [("offset", Kind.UNKNOWN), ("limit[]", Kind.UNKNOWN)]


def test_a_value_that_is_no_text_is_neither_valid_nor_refused() -> None:
    for raw in ("action=%zz", "userId=%C0%AF", "action=%FF", "limit=%00"):
        reading = read_request(AUDIT, raw)
        assert reading.undecodable, raw
        assert reading.refused() == [], raw
    # An unknown parameter is ignored, whatever it holds.
    assert not read_request(AUDIT, "x=%zz").undecodable


def test_the_project_takes_no_parameters() -> None:
    reading = read_request(PROJECT, "limit=abc")
    assert [(p.parameter, p.kind) for p in reading.problems] == [("limit", Kind.UNKNOWN)]
    assert reading.refused() == []


def test_no_query_string_is_the_defaults() -> None:
    reading = read_request(AUDIT, None)
    assert reading.problems == () and reading.query() == Query()
    assert reading.query().page_size == 50
