"""A generated log, stored in columns and rendered lazily, answers like a list of entries."""

from __future__ import annotations

from dataclasses import replace
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.api.handlers import page_body, render_page
from mockserver.config import WorldConfig
from mockserver.domain.ids import ulid, ulid_timestamp
from mockserver.domain.models import AuditEntry, Project
from mockserver.generate.world import generate_world
from mockserver.store.audit_log import AuditLog, AuditQuery, ListSegment

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def reference_ulid(timestamp: int, randomness: int) -> str:
    """The ULID definition, one 5-bit character at a time."""
    value = (timestamp << 80) | randomness
    return "".join(CROCKFORD[(value >> (5 * (25 - i))) & 31] for i in range(26))


@given(st.integers(0, 2**48 - 1), st.integers(0, 2**80 - 1))
def test_ulids_follow_the_definition_and_give_back_their_timestamp(
    timestamp: int, randomness: int
) -> None:
    text = ulid(timestamp, randomness)
    assert text == reference_ulid(timestamp, randomness)
    assert ulid_timestamp(text) == timestamp


@given(st.text(max_size=30))
def test_text_that_is_no_ulid_has_no_timestamp(text: str) -> None:
    if len(text) == 26 and all(c in CROCKFORD for c in text) and text[0] <= "7":
        assert ulid_timestamp(text) is not None
    else:
        assert ulid_timestamp(text) is None


def first_project(seed: int, entries: int) -> Project:
    return generate_world(WorldConfig(seed=seed, entries=entries, projects=1)).projects[0]


@st.composite
def queries(draw: st.DrawFn, entries: list[AuditEntry]) -> AuditQuery:
    actions = sorted({e.action for e in entries}) or ["entity.created"]
    users = sorted({e.user_id for e in entries}) or ["system"]
    stamps = [e.timestamp for e in entries] or [0]
    since = draw(st.sampled_from(stamps)) + draw(st.integers(-1, 1))
    return AuditQuery(
        action=draw(st.none() | st.sampled_from([*actions, "unknown.action"])),
        user_id=draw(st.none() | st.sampled_from([*users, "nobody"])),
        since=draw(st.none() | st.just(since) | st.integers(0, 2**63 - 1)),
        limit=draw(st.integers(1, 200) | st.integers(1, 3)),
    )


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32), entries=st.integers(0, 600), data=st.data())
def test_a_generated_log_answers_like_its_entries_in_a_list(
    seed: int, entries: int, data: st.DataObject
) -> None:
    log = first_project(seed, entries).log
    listed = list(log)
    assert len(listed) == len(log) == entries
    assert listed == sorted(listed, key=lambda e: e.sort_key)
    naive = ListSegment(listed)
    for _ in range(5):
        query = data.draw(queries(listed))
        assert log.query(query) == naive.query(query)


def an_event(rng: Random, entries: list[AuditEntry], number: int) -> AuditEntry:
    """An entry like those the control API adds: in the past, at a shared instant, or new."""
    anchor = rng.choice(entries) if entries else None
    timestamp = anchor.timestamp + rng.choice((-1, 0, 0, 1)) if anchor else 1_700_000_000_000
    if rng.random() < 0.3:
        timestamp = 1_800_000_000_000 + number
    return AuditEntry(
        ulid(timestamp, rng.getrandbits(80)),
        rng.choice(("entity.created", "custom.action")),
        rng.choice(("system", "usr_added")),
        None,
        {"added": number},
        timestamp,
    )


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    entries=st.integers(0, 300),
    added=st.integers(1, 30),
    data=st.data(),
)
def test_entries_added_to_a_generated_log_are_merged_in_every_answer(
    seed: int, entries: int, added: int, data: st.DataObject
) -> None:
    log = first_project(seed, entries).log
    generated = list(log)
    rng = Random(seed)
    events = [an_event(rng, generated, number) for number in range(added)]
    for event in events:
        log.add(event)
    everything = ListSegment([*generated, *events])
    assert len(log) == len(everything)
    assert list(log) == list(everything)
    for _ in range(5):
        query = data.draw(queries([*generated, *events]))
        assert log.query(query) == everything.query(query)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32), entries=st.integers(0, 300), data=st.data())
def test_a_served_page_is_rendered_from_the_log_as_it_is_now(
    seed: int, entries: int, data: st.DataObject
) -> None:
    """Pages of an unchanged log are rendered once and kept; an added entry shows at once."""
    log = first_project(seed, entries).log
    everything = ListSegment(list(log))
    rng = Random(seed)
    for number in range(data.draw(st.integers(1, 12))):
        query = data.draw(queries(list(everything)))
        served = page_body(log.query(query))
        assert served == render_page(everything.query(query))
        assert page_body(log.query(query)) == served, "asked again of an unchanged log"
        if data.draw(st.booleans()):
            event = an_event(rng, list(everything), number)
            log.add(event)
            everything.add(event)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32), entries=st.integers(1, 400))
def test_any_entry_is_found_by_its_id(seed: int, entries: int) -> None:
    log = first_project(seed, entries).log
    listed = list(log)
    for entry in Random(seed).sample(listed, min(20, len(listed))):
        assert log.find(entry.id) == entry
    assert log.find(ulid(listed[0].timestamp, 0)) is None, "a ULID at a used instant"
    assert log.find("not-an-id") is None
    event = replace(listed[0], id="evt_added")
    log.add(event)
    assert log.find("evt_added") == event


@pytest.mark.parametrize("how", ["copy()", "AuditLog(log)"])
def test_a_copy_changes_on_its_own(how: str) -> None:
    log = first_project(3, 200).log
    log.add(replace(next(iter(log)), id="evt_before", timestamp=1_800_000_000_000))
    copy = log.copy() if how == "copy()" else AuditLog(log)
    assert list(copy) == list(log)
    entry = replace(next(iter(log)), id="evt_copy", timestamp=1_900_000_000_000)
    copy.add(entry)
    assert len(copy) == len(log) + 1
    assert copy.find("evt_copy") == entry and log.find("evt_copy") is None
    assert copy.query(AuditQuery(limit=2)).entries == [entry, log.find("evt_before")]


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32), order_seed=st.integers(0, 2**32))
def test_entries_render_the_same_whatever_order_they_are_asked_in(
    seed: int, order_seed: int
) -> None:
    in_order = list(first_project(seed, 700).log)
    fresh = first_project(seed, 700).log
    shuffled = list(in_order)
    Random(order_seed).shuffle(shuffled)
    for entry in shuffled:
        found = fresh.find(entry.id)
        assert found is not None and found.json == entry.json
