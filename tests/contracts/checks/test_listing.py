"""The edge the `audit.has-more` check asks at: exactly as many entries as match."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from contracts.checks.listing import beside, edge_query
from contracts.model import MAX_LIMIT, Query
from contracts.window import Window
from tests.contracts.reference import Entry, answer, logs

ACTIONS = ["a.x", "a.y"]
USERS = ["u1", "u2"]
log_of = logs(timestamps=(1_000, 1_400), actions=ACTIONS, users=USERS, max_size=500)
filters = st.builds(
    Query, action=st.none() | st.sampled_from(ACTIONS), user_id=st.none() | st.sampled_from(USERS)
)


def window(log: list[Entry], query: Query) -> Window:
    broad = Query(action=query.action, user_id=query.user_id, limit=MAX_LIMIT)
    return Window(broad, answer(log, broad))


@given(log_of, filters)
def test_the_edge_is_a_limit_exactly_the_number_of_entries_matching(
    log: list[Entry], query: Query
) -> None:
    reference = window(log, query)
    edge = edge_query(reference)
    if edge is None:
        assert not reference.entries
        return
    assert edge.refines(reference.query)
    correct = answer(log, edge)
    # Where a full page and no more remain: hasMore is false though len(data) == limit.
    assert correct.total == edge.limit == len(correct.entries)


@given(log_of, filters)
def test_a_complete_window_keeps_its_filters_and_any_other_is_narrowed_by_since(
    log: list[Entry], query: Query
) -> None:
    reference = window(log, query)
    edge = edge_query(reference)
    if edge is not None:
        assert (edge.since is None) == reference.complete


@given(st.integers(1, MAX_LIMIT))
def test_beside_the_edge_is_one_below_and_one_above_within_the_bounds(limit: int) -> None:
    near = [query.limit for query in beside(Query(action="a.x", limit=limit))]
    assert near == [n for n in (limit - 1, limit + 1) if 1 <= n <= MAX_LIMIT]
    assert all(query.action == "a.x" for query in beside(Query(action="a.x", limit=limit)))
