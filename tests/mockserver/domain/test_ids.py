"""Identifiers: ULIDs carry their time and sort by it; keys are derived, stable and distinct."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mockserver.domain.ids import api_key, derived_key, ulid, ulid_timestamp

TIMESTAMPS = st.integers(0, 2**48 - 1)
RANDOMNESS = st.integers(0, 2**80 - 1)
CROCKFORD = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


@given(TIMESTAMPS, RANDOMNESS)
def test_a_ulid_is_26_crockford_characters_and_carries_its_time(
    timestamp: int, randomness: int
) -> None:
    text = ulid(timestamp, randomness)
    assert len(text) == 26 and set(text) <= CROCKFORD
    assert ulid_timestamp(text) == timestamp


@given(TIMESTAMPS, RANDOMNESS, TIMESTAMPS, RANDOMNESS)
def test_ulids_sort_as_their_time_then_their_randomness(t1: int, r1: int, t2: int, r2: int) -> None:
    assert (ulid(t1, r1) < ulid(t2, r2)) == ((t1, r1) < (t2, r2))


def test_a_ulid_has_a_known_spelling() -> None:
    assert ulid(0, 0) == "0" * 26
    assert ulid(1, 31) == "0000000001" + "0" * 15 + "Z", "10 characters of time, 16 of randomness"
    assert ulid(2**48 - 1, 2**80 - 1) == "7" + "Z" * 25


def test_what_is_not_a_ulid_has_no_timestamp() -> None:
    for text in ("", "0" * 25, "0" * 27, "8" + "0" * 25, "0" * 25 + "U", "0" * 25 + "é"):
        assert ulid_timestamp(text) is None
    assert ulid_timestamp("0" * 25 + "z") is None, "lower case is not the canonical form"


def test_the_generated_worlds_keys_are_those_the_readme_shows() -> None:
    assert api_key(2024, 0, "admin") == "alk_a_6435a5d56d7c5f50f5ab51bfdf203602"
    assert api_key(2024, 0, "member") == "alk_m_dd88877101aaa7ad9722b2444f031484"


def test_a_scenarios_keys_keep_their_spelling() -> None:
    """Scenario keys derived before the derivation was shared are still the same."""
    assert derived_key("admin", "scenario", "prj_1", 0) == "alk_a_37b6383df52cb7efaa29a91590b4cbbb"
    assert derived_key("member", "scenario", "prj_1", 1) == "alk_m_206fba1adb9b42ff758feb57ab16e2cd"


@given(
    st.lists(
        st.tuples(st.sampled_from(["admin", "member"]), st.integers(0, 5), st.integers(0, 5)),
        unique=True,
        min_size=2,
        max_size=10,
    )
)
def test_keys_of_different_places_differ_and_name_their_role(
    places: list[tuple[str, int, int]],
) -> None:
    keys = [derived_key(role, seed, index) for role, seed, index in places]
    assert len(set(keys)) == len(keys)
    for key, (role, _, _) in zip(keys, places, strict=True):
        assert key.startswith(f"alk_{role[0]}_") and len(key) == 38
    assert keys == [api_key(seed, index, role) for role, seed, index in places]
