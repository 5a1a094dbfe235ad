"""Reference windows: what a broader listing proves about a narrower one, and what it cannot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from contracts.model import MAX_LIMIT, Page, Query
from contracts.window import Window
from tests.contracts.reference import NO_EXCHANGE, Entry, answer
from tests.contracts.reference import logs as reference_logs
from tests.contracts.reference import queries as reference_queries

logs = reference_logs(
    timestamps=(1_000, 1_040), actions=["a.x", "a.y"], users=["u1", "u2"], max_size=300
)
queries = reference_queries(actions=["a.x", "a.y"], users=["u1", "u2"], since=(999, 1_041))


def window(log: list[Entry], query: Query | None = None) -> Window:
    query = query or Query()
    broad = Query(action=query.action, user_id=query.user_id, limit=MAX_LIMIT)
    return Window(broad, answer(log, broad))


def page(entries: Sequence[Mapping[str, Any]], total: Any) -> Page:
    return Page(tuple(entries), total, None, NO_EXCHANGE)


@given(logs, queries)
def test_a_window_that_covers_a_query_shows_every_entry_it_matches(
    log: list[Entry], query: Query
) -> None:
    for reference in (window(log), window(log, query)):
        if reference.covers(query):
            assert len(reference.visible(query)) == sum(query.matches(e) for e in log)


@given(logs)
def test_a_window_is_complete_exactly_when_its_total_fits_in_it(log: list[Entry]) -> None:
    assert window(log).complete == (len(log) <= MAX_LIMIT)
    assert not Window(Query(), page([], None)).complete


@given(logs, queries)
def test_a_window_never_covers_a_query_it_does_not_contain(log: list[Entry], query: Query) -> None:
    narrow = window(log, Query(action="a.x"))
    assume(query.action != "a.x")
    assert not narrow.covers(query)
    assert narrow.mismatch(query, page([], "nonsense")) is None


@given(logs, st.integers(999, 1_041))
def test_as_of_sets_aside_what_is_newer_and_counts_it_off_the_total(
    log: list[Entry], horizon: int
) -> None:
    reference = window(log)
    past = reference.as_of(horizon)
    assert past.entries == tuple(e for e in reference.entries if e["timestamp"] <= horizon)
    assert past.page.total == reference.page.total - (len(reference.entries) - len(past.entries))
    assert past.horizon == horizon
    assert reference.as_of(None) is reference


def test_as_of_keeps_a_total_that_is_not_a_count() -> None:
    entries = [{"id": "a", "action": "x", "userId": "u", "timestamp": 5}]
    for total in (None, "1", True):
        assert Window(Query(), page(entries, total)).as_of(1).page.total == total


@given(logs, queries, st.integers(1, 3))
def test_entries_that_arrived_later_are_set_aside_not_called_wrong(
    log: list[Entry], query: Query, arrived: int
) -> None:
    horizon = 1_040
    later = [
        {
            "id": f"n{n}",
            "action": query.action or "a.x",
            "userId": query.user_id or "u1",
            "timestamp": horizon + 1 + n,
        }
        for n in range(arrived)
    ]
    reference = window(log).as_of(horizon)
    correct = answer(log + later, query)
    assert reference.mismatch(query, correct) is None


@given(logs, queries)
def test_an_extra_entry_in_a_covered_answer_is_called_wrong(log: list[Entry], query: Query) -> None:
    reference = window(log)
    correct = answer(log, query)
    assume(reference.covers(query) and len(correct.entries) < query.page_size)
    stray = {"id": "stray", "action": "zz", "userId": "zz", "timestamp": 0}
    broken = page([*correct.entries, stray], correct.total)
    assert (reference.mismatch(query, broken) or "").startswith("exactly ")


@given(logs, queries, st.integers(1, 5))
def test_a_wrong_total_in_a_covered_answer_is_called_wrong(
    log: list[Entry], query: Query, off: int
) -> None:
    reference = window(log)
    correct = answer(log, query)
    assume(reference.covers(query))
    broken = page(correct.entries, correct.total + off)
    assert "total" in (reference.mismatch(query, broken) or "")
