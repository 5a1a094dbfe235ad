"""The `Authorization` header, the key ring and role checks."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.api.auth import KeyRing, authorize, bearer_key, credentials
from mockserver.api.errors import ApiError
from mockserver.domain.models import ApiKey, Role

ADMIN = ApiKey("alk_a_6435a5d56d7c5f50f5ab51bfdf203602", Role.ADMIN, "prj_1")
MEMBER = ApiKey("alk_m_dd88877101aaa7ad9722b2444f031484", Role.MEMBER, "prj_1")
OTHER = ApiKey("alk_a_82551213dba933525ae1b08d597cd581", Role.ADMIN, "prj_2")
KEYS = [ADMIN, MEMBER, OTHER]

words = st.text(st.characters(blacklist_categories=["Z", "C"]), min_size=1, max_size=20)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Bearer alk_a_1", ("Bearer", "alk_a_1")),
        ("  Bearer   alk_a_1  ", ("Bearer", "alk_a_1")),
        ("Basic dXNlcjpwYXNz", ("Basic", "dXNlcjpwYXNz")),
        ("alk_a_1", ("alk_a_1", "")),
        ("Bearer ", ("Bearer", "")),
        ("", ("", "")),
        ("Bearer a b", ("Bearer", "a b")),
    ],
)
def test_credentials_split_a_header_into_scheme_and_secret(
    value: str, expected: tuple[str, str]
) -> None:
    assert credentials(value) == expected


@given(scheme=words, secret=words)
def test_credentials_give_back_what_was_joined(scheme: str, secret: str) -> None:
    assert credentials(f" {scheme}  {secret} ") == (scheme, secret)


@given(case=st.sampled_from(["Bearer", "bearer", "BEARER", "bEaReR"]), key=words)
def test_the_bearer_scheme_is_read_in_any_case(case: str, key: str) -> None:
    assert bearer_key(f"{case} {key}") == key


@pytest.mark.parametrize(
    "value", [None, "", "Bearer", "Bearer   ", "Token alk_a_1", "Basic alk_a_1", "alk_a_1"]
)
def test_anything_but_a_bearer_key_presents_no_key(value: str | None) -> None:
    assert bearer_key(value) is None


def test_the_ring_finds_each_key_by_its_exact_value() -> None:
    ring = KeyRing(KEYS)
    for key in KEYS:
        assert ring.find(key.key) is key
        assert ring.authenticate(f"Bearer {key.key}") is key


def near_misses(key: str) -> list[str]:
    return [key + "x", key[:-1], key[:-1] + "A", key.upper(), " " + key + "\x00", key * 2, ""]


@given(key=st.sampled_from(KEYS), presented=st.text(max_size=60))
def test_the_ring_finds_nothing_but_exact_keys(key: ApiKey, presented: str) -> None:
    ring = KeyRing(KEYS)
    for candidate in [presented, *near_misses(key.key)]:
        found = ring.find(candidate)
        assert found is next((k for k in KEYS if k.key == candidate), None)


def test_refusals_are_401_unauthorized_with_www_authenticate() -> None:
    ring = KeyRing(KEYS)
    for header in (None, "", "Bearer", "Token " + ADMIN.key, "Bearer " + ADMIN.key + "x"):
        with pytest.raises(ApiError) as refused:
            ring.authenticate(header)
        assert (refused.value.status, refused.value.code) == (401, "unauthorized")
        assert refused.value.headers == {"WWW-Authenticate": "Bearer"}
        assert ADMIN.key not in refused.value.message


def test_undecodable_bytes_in_a_header_are_an_unknown_key() -> None:
    with pytest.raises(ApiError):
        KeyRing(KEYS).authenticate("Bearer alk_a_\udcff")


class Watched(str):
    """A presented key that records every way it is read besides being encoded whole."""

    read: list[str]

    def __new__(cls, value: str) -> Watched:
        watched = super().__new__(cls, value)
        watched.read = []
        return watched

    def encode(self, *args: Any, **kwargs: Any) -> bytes:
        return str(self).encode(*args, **kwargs)


def _recording(name: str) -> Any:
    def method(self: Watched, *args: Any) -> Any:
        self.read.append(name)
        return getattr(str, name)(str(self), *args)

    return method


for _name in (
    "__eq__",
    "__ne__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
    "__hash__",
    "__contains__",
    "__getitem__",
    "__iter__",
    "startswith",
    "endswith",
    "find",
    "index",
):
    setattr(Watched, _name, _recording(_name))


@given(key=st.sampled_from(KEYS), change=st.integers(0, 6), index=st.integers(0, 30))
def test_a_lookup_only_digests_the_presented_key(key: ApiKey, change: int, index: int) -> None:
    """The promise behind 'compared in constant time': the presented key is encoded and
    digested whole, and never compared, hashed or sliced as a string, so a lookup costs
    the same for every key of one length, whichever of its characters are right."""
    presented = [key.key, *near_misses(key.key)][change]
    presented = presented[:index] + "z" + presented[index + 1 :] if change == 0 else presented
    watched = Watched(presented)
    found = KeyRing(KEYS).find(watched)
    assert found is next((k for k in KEYS if k.key == presented), None)
    assert watched.read == []


def test_only_admin_keys_are_authorized_for_admin_endpoints() -> None:
    authorize(ADMIN, Role.ADMIN)
    authorize(ADMIN, Role.MEMBER)
    authorize(MEMBER, Role.MEMBER)
    with pytest.raises(ApiError) as refused:
        authorize(MEMBER, Role.ADMIN)
    assert (refused.value.status, refused.value.code) == (403, "forbidden")
