"""The query engine against a naive model: filter a list, sort it, slice it."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from mockserver.store.audit_log import AuditLog, AuditQuery


@dataclass(frozen=True)
class FakeEntry:
    id: str
    action: str
    user_id: str
    timestamp: int

    @property
    def sort_key(self) -> tuple[int, str]:
        return (self.timestamp, self.id)


ACTIONS = ["entity.created", "entity.updated", "Entity.created", "member.invited"]
USERS = ["system", "usr_1", "usr_2", "USR_1"]


@st.composite
def entries(draw: st.DrawFn) -> list[FakeEntry]:
    ids = draw(st.lists(st.text("0123456789ABC", min_size=1, max_size=4), unique=True, max_size=60))
    return [
        FakeEntry(
            id=entry_id,
            action=draw(st.sampled_from(ACTIONS)),
            user_id=draw(st.sampled_from(USERS)),
            # A narrow range of timestamps makes ties frequent.
            timestamp=draw(st.integers(0, 30)),
        )
        for entry_id in ids
    ]


queries = st.builds(
    AuditQuery,
    action=st.none() | st.sampled_from([*ACTIONS, "unknown.action"]),
    user_id=st.none() | st.sampled_from([*USERS, "nobody"]),
    since=st.none() | st.integers(-1, 32),
    limit=st.integers(1, 200) | st.integers(1, 5),
)


def naive(items: list[FakeEntry], query: AuditQuery) -> tuple[list[FakeEntry], int]:
    matching = [
        e
        for e in items
        if (query.action is None or e.action == query.action)
        and (query.user_id is None or e.user_id == query.user_id)
        and (query.since is None or e.timestamp > query.since)
    ]
    matching.sort(key=lambda e: (e.timestamp, e.id), reverse=True)
    return matching[: query.limit], len(matching)


@given(entries(), queries)
def test_query_matches_the_naive_model(items: list[FakeEntry], query: AuditQuery) -> None:
    page = AuditLog(items).query(query)
    expected, total = naive(items, query)
    assert page.entries == expected
    assert page.total == total
    assert page.has_more == (total > len(expected))


@given(entries(), st.data())
def test_adding_entries_in_any_order_equals_building_at_once(
    items: list[FakeEntry], data: st.DataObject
) -> None:
    log: AuditLog[FakeEntry] = AuditLog()
    for entry in data.draw(st.permutations(items)):
        log.add(entry)
    query = data.draw(queries)
    assert log.query(query) == AuditLog(items).query(query)


def test_equal_timestamps_are_ordered_by_id_descending() -> None:
    items = [FakeEntry(i, "a", "u", 5) for i in ("B", "A", "C")] + [FakeEntry("Z", "a", "u", 4)]
    page = AuditLog(items).query(AuditQuery(limit=10))
    assert [e.id for e in page.entries] == ["C", "B", "A", "Z"]


@given(entries(), queries)
def test_a_query_that_gives_no_limit_gets_every_matching_entry(
    items: list[FakeEntry], query: AuditQuery
) -> None:
    """The store knows no page size: the API's default limit is the spec's, passed in."""
    unlimited = AuditQuery(query.action, query.user_id, query.since)
    page = AuditLog(items).query(unlimited)
    everything = query._replace(limit=len(items) + 1)
    assert (page.entries, page.total) == naive(items, everything)
    assert not page.has_more
