"""Settings: one run's server and keys, read-only once parsed."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.settings import Role, Settings

BASE = Settings(
    base_url="http://127.0.0.1:8080", admin_key="admin-key", member_key="member-key", seed=1
)


def settings(**changes: Any) -> Settings:
    return dataclasses.replace(BASE, **changes)


@given(st.sampled_from(["http://127.0.0.1:8080", "https://staging.example/api"]), st.integers(0, 3))
def test_trailing_slashes_are_dropped_from_the_base_url(url: str, slashes: int) -> None:
    assert settings(base_url=url + "/" * slashes).base_url == url


def test_each_role_reads_its_own_key() -> None:
    given_keys = settings(other_admin_key="other-key")
    assert given_keys.key(Role.ADMIN) == "admin-key"
    assert given_keys.key(Role.MEMBER) == "member-key"
    assert given_keys.key(Role.OTHER_ADMIN) == "other-key"


def test_keys_lists_only_the_keys_given() -> None:
    assert settings().keys() == {Role.ADMIN: "admin-key", Role.MEMBER: "member-key"}
    assert settings(other_admin_key="").keys() == {
        Role.ADMIN: "admin-key",
        Role.MEMBER: "member-key",
    }
    assert settings(other_admin_key="o").keys()[Role.OTHER_ADMIN] == "o"


def test_each_role_names_the_environment_variable_of_its_key() -> None:
    assert [role.value for role in Role] == [
        "CONTRACT_ADMIN_KEY",
        "CONTRACT_MEMBER_KEY",
        "CONTRACT_OTHER_ADMIN_KEY",
    ]


def test_settings_cannot_change_once_made() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings().seed = 2  # type: ignore[misc]
