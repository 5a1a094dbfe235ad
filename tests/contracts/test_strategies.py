"""Query strategies: real values and their near misses, `since` around real timestamps."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from contracts.client import Auth, Exchange, Request, Response
from contracts.discovery import Dataset
from contracts.model import MAX_FILTER_LENGTH, MAX_LIMIT, Page, Query
from contracts.strategies import (
    UNKNOWN_VALUE,
    Values,
    combined_queries,
    filter_values,
    limits,
    near_misses,
    queries,
    since_values,
)
from contracts.window import Window

ACTIONS = ("entity.created", "member.added", "x")
USERS = ("usr_1", "system")
TIMESTAMPS = (1_700_000_000_500, 1_700_000_000_000, 1)
VALUES = Values(
    actions=ACTIONS,
    users=USERS,
    timestamps=TIMESTAMPS,
    pairs=(("entity.created", "usr_1"), ("x", "system")),
)
FILTERS = ("action", "userId", "since")
PARAMETERS = (*FILTERS, "limit")
# `always` is for the parameter under test, `never` for those a check leaves out.
filters = st.frozensets(st.sampled_from(PARAMETERS))
left_out = st.frozensets(st.sampled_from(PARAMETERS))


@given(st.text(min_size=1, max_size=150))
def test_a_near_miss_is_never_the_value_and_always_a_valid_filter(value: str) -> None:
    for miss in near_misses(value):
        assert miss != value
        assert 1 <= len(miss) <= MAX_FILTER_LENGTH


def test_near_misses_differ_in_case_length_and_surrounding_space() -> None:
    assert near_misses("Ab") == ["AB", "ab", "aB", "A", "A", "Abx", " Ab", "Ab "]


@given(st.data())
def test_without_near_misses_only_values_seen_are_drawn(data: st.DataObject) -> None:
    assert data.draw(filter_values(ACTIONS, near=False)) in ACTIONS


@given(st.data())
def test_with_near_misses_every_value_is_seen_a_near_miss_or_unknown(data: st.DataObject) -> None:
    value = data.draw(filter_values(ACTIONS))
    allowed = {*ACTIONS, UNKNOWN_VALUE, *(m for a in ACTIONS for m in near_misses(a))}
    assert value in allowed


@given(st.data())
def test_since_stays_within_a_millisecond_of_the_timestamps_seen(data: st.DataObject) -> None:
    since = data.draw(since_values(TIMESTAMPS))
    assert 0 <= since <= TIMESTAMPS[0] + 1


@given(limits())
def test_a_limit_is_absent_or_valid(limit: int | None) -> None:
    assert limit is None or 1 <= limit <= MAX_LIMIT


@given(st.data(), filters, left_out)
def test_queries_always_hold_what_is_always_and_never_what_is_never(
    data: st.DataObject, always: frozenset[str], never: frozenset[str]
) -> None:
    query = data.draw(queries(VALUES, always=always - never, never=never))
    present = {name for name, _ in query.params()}
    assert always - never <= present
    assert not present & never
    if query.user_id is not None and "userId" not in always:
        assert query.user_id in USERS


@given(st.data())
def test_combined_queries_always_filter_on_both(data: st.DataObject) -> None:
    query = data.draw(combined_queries(VALUES))
    assert query.action in ACTIONS
    assert query.user_id in USERS


def test_values_are_read_from_every_window_once_each() -> None:
    request = Request("GET", "/", (), Auth.none())
    exchange = Exchange("http://127.0.0.1:1", request, Response(200, {}, b""))
    first = Page(({"id": "2", "action": "a", "userId": "u1", "timestamp": 3},), 1, False, exchange)
    other = Page(
        (
            {"id": "2", "action": "a", "userId": "u1", "timestamp": 3},
            {"id": "1", "action": "b", "userId": "u2", "timestamp": 1},
        ),
        2,
        False,
        exchange,
    )
    data = Dataset((Window(Query(), first), Window(Query(user_id="u2"), other)), first)
    assert Values.of(data) == Values(("a", "b"), ("u1", "u2"), (3, 1), (("a", "u1"), ("b", "u2")))
