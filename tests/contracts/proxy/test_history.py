"""What several exchanges show: repeated queries that disagree, counts that change too soon."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from contracts.client import Auth, Exchange, Request, Response
from contracts.model import Page, Query
from contracts.proxy.history import (
    MAX_KEYS,
    MAX_QUERIES,
    MIN_CACHE_SECONDS,
    REPEAT_WINDOW_SECONDS,
    History,
    cache_period,
)

EXCHANGE = Exchange("", Request("GET", "/", (), Auth.none()), Response(200, {}, b""))


def page(*stamps: int, total: int | None = None) -> Page:
    entries = tuple({"id": f"id{t:05d}", "timestamp": t} for t in stamps)
    return Page(entries, len(entries) if total is None else total, False, EXCHANGE)


def test_an_entry_that_vanishes_from_a_repeated_query_is_reported() -> None:
    history = History()
    assert history.page("k", Query(), page(30, 20, 10), 0.0) == (False, None)
    compared, breach = history.page("k", Query(), page(30, 10), 1.0)
    assert compared and breach is not None and breach.check == "audit.repeatable"


@given(
    st.lists(st.integers(min_value=1, max_value=10**6), unique=True, max_size=20), st.integers(0, 5)
)
def test_a_log_that_only_grows_always_agrees(stamps: list[int], arrived: int) -> None:
    history = History()
    older = sorted(stamps, reverse=True)
    newer = [10**6 + n for n in range(arrived, 0, -1)]
    history.page("k", Query(), page(*older), 0.0)
    assert history.page("k", Query(), page(*newer, *older), 1.0) == (True, None)


def test_answers_far_apart_or_to_other_keys_are_not_compared() -> None:
    history = History()
    history.page("k", Query(), page(30, 20), 0.0)
    assert history.page("other", Query(), page(30), 0.5) == (False, None)
    assert history.page("k", Query(), page(30), REPEAT_WINDOW_SECONDS + 1) == (False, None)


def test_counts_may_change_once_then_not_within_the_period() -> None:
    history = History()
    assert history.counts("k", (1, 2, 3), 60.0, 0.0) is None
    assert history.counts("k", (1, 2, 3), 60.0, 10.0) is None
    assert history.counts("k", (1, 3, 3), 60.0, 11.0) is None  # a refresh
    breach = history.counts("k", (1, 4, 3), 60.0, 20.0)
    assert breach is not None and breach.check == "project.stable-counts"
    # After a whole period since the counts before them were last seen, a change is due.
    assert history.counts("k", (1, 5, 3), 60.0, 20.0 + 61.0) is None


def test_the_cache_period_comes_from_age_and_max_age() -> None:
    assert cache_period("20", "max-age=40") == 60.0
    assert cache_period(None, "max-age=40") == MIN_CACHE_SECONDS
    assert cache_period("x", "no-cache") == MIN_CACHE_SECONDS


def test_memory_is_bounded() -> None:
    history = History()
    for n in range(MAX_QUERIES * 3):
        history.page("k", Query(limit=n % 200 + 1, since=n), page(1), float(n))
        history.counts(f"key{n}", (n,), 60.0, float(n))
    assert len(history._pages) == MAX_QUERIES
    assert len(history._counts) == MAX_KEYS
