"""The listing rules as pure functions, checked against a reference implementation."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from contracts.model import MAX_LIMIT, Page, Query, disagreement, order_mistake, tie_mistake
from contracts.strategies import near_misses
from contracts.window import Window
from tests.contracts.reference import NO_EXCHANGE, Entry, answer, logs
from tests.contracts.reference import queries as reference_queries

entries = logs(
    timestamps=(1_000, 1_060),
    actions=["a.x", "a.y", "b.x"],
    users=["u1", "u2", "system"],
    max_size=260,
)
queries = reference_queries(
    actions=["a.x", "a.y", "b.x", "A.X"], users=["u1", "u2", "system"], since=(999, 1_061)
)


def window_for(data: list[Entry], query: Query) -> Window:
    broad = Query(action=query.action, user_id=query.user_id, limit=MAX_LIMIT)
    return Window(broad, answer(data, broad))


@given(entries, queries, st.booleans(), st.booleans())
def test_a_correct_answer_agrees_with_every_window(
    data: list[Entry], query: Query, keep_action: bool, keep_user: bool
) -> None:
    broad = Query(
        action=query.action if keep_action else None, user_id=query.user_id if keep_user else None
    )
    assert window_for(data, broad).mismatch(query, answer(data, query)) is None


@given(entries, queries, st.data())
def test_a_missing_entry_is_noticed_where_the_window_shows_it(
    data: list[Entry], query: Query, draw: st.DataObject
) -> None:
    window = window_for(data, Query())
    correct = answer(data, query)
    shown = [e for e in window.visible(query)][: query.page_size]
    assume(shown)
    dropped = draw.draw(st.sampled_from(shown))
    broken = Page(
        tuple(e for e in correct.entries if e is not dropped), correct.total, None, NO_EXCHANGE
    )
    assert window.mismatch(query, broken) is not None


@given(entries, queries)
def test_an_entry_that_does_not_match_is_noticed_when_covered(
    data: list[Entry], query: Query
) -> None:
    window = window_for(data, Query())
    assume(window.covers(query))
    strangers = [e for e in data if not query.matches(e)]
    assume(strangers)
    correct = answer(data, query)
    assume(len(correct.entries) < query.page_size)
    broken = Page((*correct.entries, strangers[0]), correct.total + 1, None, NO_EXCHANGE)
    assert window.mismatch(query, broken) is not None


@given(entries, queries)
def test_a_wrong_total_is_noticed_when_covered(data: list[Entry], query: Query) -> None:
    window = window_for(data, Query())
    assume(window.covers(query))
    correct = answer(data, query)
    broken = Page(correct.entries, correct.total + 1, None, NO_EXCHANGE)
    assert window.mismatch(query, broken) is not None


@given(entries, queries, queries)
def test_a_query_refining_another_matches_a_subset(
    data: list[Entry], narrow: Query, broad: Query
) -> None:
    assume(narrow.refines(broad))
    assert all(broad.matches(e) for e in data if narrow.matches(e))


@given(entries)
def test_newest_first_order_has_no_mistakes_and_its_reverse_does(data: list[Entry]) -> None:
    ordered = answer(data, Query(limit=MAX_LIMIT)).entries
    assert order_mistake(ordered) is None
    assert tie_mistake(ordered) is None
    distinct = len({e["timestamp"] for e in ordered}) > 1
    assert (order_mistake(ordered[::-1]) is not None) == distinct


def test_ties_in_ascending_id_order_are_a_mistake() -> None:
    page = [{"id": "a", "timestamp": 5}, {"id": "b", "timestamp": 5}]
    assert tie_mistake(page) is not None
    assert tie_mistake(page[::-1]) is None


def test_digit_only_ids_of_different_lengths_compare_as_strings() -> None:
    page = [{"id": "10", "timestamp": 5}, {"id": "9", "timestamp": 5}]
    assert tie_mistake(page) is not None
    assert tie_mistake(page[::-1]) is None


@given(st.text(min_size=1, max_size=100))
def test_near_misses_are_other_valid_values(value: str) -> None:
    for miss in near_misses(value):
        assert miss != value
        assert 1 <= len(miss) <= 100


def test_query_parameters_are_sent_in_a_stable_order() -> None:
    query = Query(action="a", user_id="u", since=0, limit=3)
    assert query.params() == (("action", "a"), ("userId", "u"), ("since", "0"), ("limit", "3"))
    assert Query().params() == ()


@given(entries, st.lists(st.sampled_from(["a.x", "a.y", "b.x"]), max_size=30), queries)
def test_entries_arriving_after_the_windows_are_set_aside(
    old: list[Entry], arrivals: list[str], query: Query
) -> None:
    assume(old)
    horizon = max(e["timestamp"] for e in old)
    new = [
        {"id": f"n{i:04d}", "action": action, "userId": "u1", "timestamp": horizon + 1 + i}
        for i, action in enumerate(arrivals)
    ]
    window = window_for(old, Query()).as_of(horizon)
    assert window.mismatch(query, answer(old + new, query)) is None


@given(entries, queries)
def test_a_window_as_of_its_own_newest_entry_is_unchanged(data: list[Entry], query: Query) -> None:
    window = window_for(data, Query())
    assume(window.entries)
    same = window.as_of(window.entries[0]["timestamp"])
    assert same.entries == window.entries
    assert same.page.total == window.page.total


@given(entries, st.integers(0, 5), st.integers(1, MAX_LIMIT))
def test_answers_asked_twice_agree_even_when_entries_arrive_in_between(
    old: list[Entry], arriving: int, limit: int
) -> None:
    assume(old)
    newest = max(e["timestamp"] for e in old)
    new = [
        {"id": f"n{i}", "action": "a.x", "userId": "u1", "timestamp": newest + 1 + i}
        for i in range(arriving)
    ]
    query = Query(limit=limit)
    assert disagreement(answer(old, query), answer(old + new, query)) is None


@given(entries, st.data())
def test_an_answer_that_skips_entries_disagrees(data: list[Entry], draw: st.DataObject) -> None:
    first = answer(data, Query(limit=50))
    assume(len(first.entries) > 1)
    offset = draw.draw(st.integers(1, len(first.entries) - 1))
    skipped = Page(first.entries[offset:], first.total, None, NO_EXCHANGE)
    assert disagreement(first, skipped) is not None


@given(entries, st.data())
def test_a_shorter_answer_with_the_same_total_disagrees(
    data: list[Entry], draw: st.DataObject
) -> None:
    """A strict prefix of the first answer: as if a second spelling of `limit` was read."""
    first = answer(data, Query(limit=50))
    assume(first.entries)
    length = draw.draw(st.integers(0, len(first.entries) - 1))
    prefix = Page(first.entries[:length], first.total, None, NO_EXCHANGE)
    assert disagreement(first, prefix) is not None
