"""The timeline draws each slot on demand, and reads the same whatever the order."""

from __future__ import annotations

from bisect import bisect_right
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.generate.timeline import Timeline

SLOT_MS = 1_000
START = 1_700_000_000_000


@st.composite
def timelines(draw: st.DrawFn) -> tuple[list[int], list[int]]:
    counts = draw(st.lists(st.integers(0, 60) | st.just(0), min_size=1, max_size=12))
    seeds = draw(st.lists(st.integers(0, 2**64 - 1), min_size=len(counts), max_size=len(counts)))
    return counts, seeds


def rows(timeline: Timeline, order: list[int]) -> dict[int, tuple[int, int, int]]:
    return {position: timeline.row(position) for position in order}


@settings(max_examples=60, deadline=None)
@given(timelines(), st.data())
def test_rows_are_chronological_and_the_same_in_any_order(
    spec: tuple[list[int], list[int]], data: st.DataObject
) -> None:
    counts, seeds = spec
    forward = Timeline(START, SLOT_MS, counts, seeds)
    assert len(forward) == sum(counts)
    in_order = rows(forward, list(range(len(forward))))
    order = data.draw(st.permutations(range(len(forward))))
    assert rows(Timeline(START, SLOT_MS, counts, seeds), list(order)) == in_order
    keys = [(stamp, id_bits) for stamp, id_bits, _ in in_order.values()]
    assert keys == sorted(keys), "ordered by timestamp, then by id"
    assert len(set(keys)) == len(keys)
    position = 0
    for slot, count in enumerate(counts):
        for _ in range(count):
            stamp = in_order[position][0]
            assert START + slot * SLOT_MS <= stamp < START + (slot + 1) * SLOT_MS
            position += 1


@settings(max_examples=60, deadline=None)
@given(timelines(), st.data())
def test_first_after_is_a_binary_search_of_the_timestamps(
    spec: tuple[list[int], list[int]], data: st.DataObject
) -> None:
    counts, seeds = spec
    timeline = Timeline(START, SLOT_MS, counts, seeds)
    stamps = [timeline.row(position)[0] for position in range(len(timeline))]
    anywhere = st.integers(START - 5, START + SLOT_MS * (len(counts) + 1))
    near = st.sampled_from(stamps or [START]).flatmap(lambda s: st.integers(s - 1, s + 1))
    since = data.draw(near | anywhere)
    assert timeline.first_after(since) == bisect_right(stamps, since)


def test_some_entries_share_a_timestamp() -> None:
    timeline = Timeline(START, 3_600_000, [2_000], [7])
    stamps = [timeline.row(position)[0] for position in range(len(timeline))]
    shared = sum(1 for before, after in pairwise(stamps) if before == after)
    assert 40 <= shared <= 120, "about 4% share the previous entry's timestamp"
