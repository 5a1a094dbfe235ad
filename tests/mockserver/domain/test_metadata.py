"""Each action's metadata: its values come from the project's words and stay in range."""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from mockserver.domain import metadata
from mockserver.domain.draws import Draws
from mockserver.domain.metadata import (
    ENTITY_FIELDS,
    INTEGRATIONS,
    PROJECT_FIELDS,
    Context,
    Vocabulary,
)
from mockserver.domain.models import SYSTEM_USER
from mockserver.domain.rules import RULES

WORDS = Vocabulary(
    titles=("Grow the pipeline", "Sync the ledgers"),
    labels=("blue-sky", "red-door"),
    invitees=("ann@new.example", "bob@new.example"),
    member_ids=("usr_owner", "usr_busy", "usr_quiet"),
    # Every cell names member index 1: exports are all requested by usr_busy.
    member_activity=bytes([1]) * 256,
    removable=("eve@team.example", "dan@team.example"),
)
BITS = st.integers(0, 2**64 - 1)
USERS = st.sampled_from([SYSTEM_USER, "usr_busy"])
KEY_PREFIX = r"alk_[0-9a-f]{4}"


def context(user_id: str = "usr_busy", entity_type: str | None = "invoice") -> Context:
    return Context(user_id, entity_type, WORDS)


@given(BITS, USERS, st.sampled_from(sorted(RULES)))
def test_metadata_is_a_function_of_the_bits_and_the_context(
    bits: int, user_id: str, action: str
) -> None:
    build = RULES[action].metadata
    assert build(Draws(bits), context(user_id)) == build(Draws(bits), context(user_id))


@given(BITS, USERS)
def test_entity_changes_name_their_type_and_their_source(bits: int, user_id: str) -> None:
    for build in (metadata.entity_created, metadata.entity_updated):
        made = build(Draws(bits), context(user_id))
        assert made["entityType"] == "invoice"
        if user_id == SYSTEM_USER:
            assert made["source"] == "integration"
        else:
            assert made["source"] in ("web", "api")
    created = metadata.entity_created(Draws(bits), context(user_id))
    assert created["title"] in WORDS.titles
    deleted = metadata.entity_deleted(Draws(bits), context(user_id))
    assert deleted == {"entityType": "invoice", "reason": deleted["reason"]}
    assert deleted["reason"] in ("manual", "duplicate", "retention")


@given(BITS)
def test_an_update_names_one_to_three_distinct_fields_in_order(bits: int) -> None:
    fields = metadata.entity_updated(Draws(bits), context())["changedFields"]
    assert 1 <= len(fields) <= 3
    assert fields == sorted(set(fields)) and set(fields) <= set(ENTITY_FIELDS)


def test_members_work_mostly_on_the_web() -> None:
    sources = Counter(
        metadata.entity_created(Draws(bits), context())["source"] for bits in range(400)
    )
    assert set(sources) == {"web", "api"} and sources["web"] > sources["api"]


@given(BITS)
def test_a_sync_reports_its_outcome(bits: int) -> None:
    synced = metadata.integration_synced(Draws(bits), context(SYSTEM_USER))
    assert synced["integration"] in INTEGRATIONS
    assert synced["direction"] in ("inbound", "outbound")
    assert synced["status"] in ("success", "partial", "failed")
    assert 120 <= synced["durationMs"] <= 90_000
    if synced["status"] == "failed":
        assert synced["recordsSynced"] == 0
    else:
        assert 1 <= synced["recordsSynced"] <= 2_000


def test_most_syncs_succeed() -> None:
    statuses = Counter(
        metadata.integration_synced(Draws(bits * 7919), context(SYSTEM_USER))["status"]
        for bits in range(2_000)
    )
    assert set(statuses) == {"success", "partial", "failed"}
    assert statuses["success"] > 0.8 * 2_000


@given(BITS)
def test_an_export_is_requested_by_a_member_drawn_through_the_activity_table(bits: int) -> None:
    export = metadata.export_completed(Draws(bits), context(SYSTEM_USER))
    assert export["requestedBy"] == "usr_busy"
    assert export["format"] in ("csv", "json", "xlsx") and 10 <= export["rows"] <= 50_000


@given(BITS)
def test_an_invitation_names_an_invitee_and_a_removal_a_removable_member(bits: int) -> None:
    invited = metadata.member_invited(Draws(bits), context())
    assert invited["email"] in WORDS.invitees and invited["role"] in ("member", "admin")
    removed = metadata.member_removed(Draws(bits), context())
    assert removed["email"] in WORDS.removable, "a removal removes someone"
    assert removed["reason"] in ("left_company", "offboarded", "duplicate")


@given(BITS)
def test_keys_and_project_changes(bits: int) -> None:
    created = metadata.api_key_created(Draws(bits), context())
    assert re.fullmatch(KEY_PREFIX, created["keyPrefix"])
    assert created["role"] in ("admin", "member") and created["label"] in WORDS.labels
    revoked = metadata.api_key_revoked(Draws(bits), context())
    assert list(revoked) == ["keyPrefix"] and re.fullmatch(KEY_PREFIX, revoked["keyPrefix"])
    changed = metadata.project_updated(Draws(bits), context())["changedFields"]
    assert len(changed) == 1 and changed[0] in PROJECT_FIELDS


@given(BITS)
def test_a_new_entity_type_is_named_by_the_context(bits: int) -> None:
    made = metadata.entity_type_created(Draws(bits), context(entity_type="ticket"))
    assert made["name"] == "ticket" and 3 <= made["fieldCount"] <= 24
