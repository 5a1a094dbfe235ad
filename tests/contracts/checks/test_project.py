"""What the project's caching headers say about how old its counts may get."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.checks.project import MAX_LAG_SECONDS, lag_mistake
from contracts.client import Auth, Exchange, Request, Response


def answered(**headers: str) -> Exchange:
    return Exchange(
        "http://127.0.0.1:1",
        Request("GET", "/api/v1/project", (), Auth.none()),
        Response(200, {name.replace("_", "-"): value for name, value in headers.items()}, b""),
    )


@given(st.floats(0, MAX_LAG_SECONDS, exclude_max=True))
def test_a_cache_of_the_contracts_minute_says_nothing_wrong(age: float) -> None:
    """Age rounded down, max-age up, as a 60-second cache sends them at any moment."""
    remaining = math.ceil(MAX_LAG_SECONDS - age)
    exchange = answered(Age=str(int(age)), Cache_Control=f"private, max-age={remaining}")
    assert lag_mistake(exchange) is None


@given(st.integers(0, 10**6), st.integers(0, 10**6) | st.none())
def test_counts_older_than_a_minute_by_their_own_headers_are_a_mistake(
    age: int, max_age: int | None
) -> None:
    headers = {"Age": str(age)}
    if max_age is not None:
        headers["Cache_Control"] = f"max-age={max_age}"
    too_old = age + (max_age or 0) > MAX_LAG_SECONDS
    assert (lag_mistake(answered(**headers)) is not None) == too_old


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Age": "soon"},
        {"Age": "-5"},
        {"Cache_Control": "no-store"},
        {"Cache_Control": "private, max-age=30"},
        {"Age": "20", "Cache_Control": "max-age=40"},
    ],
)
def test_headers_absent_unreadable_or_within_the_minute_demand_nothing(
    headers: dict[str, str],
) -> None:
    assert lag_mistake(answered(**headers)) is None


@pytest.mark.parametrize(
    ("headers", "shown"),
    [
        ({"Age": "75"}, "Age: 75"),
        ({"Cache_Control": "public, max-age=300"}, "max-age=300"),
        ({"Age": "30", "Cache_Control": "MAX-AGE=31"}, "Age: 30"),
    ],
)
def test_a_lag_beyond_the_minute_is_named_by_its_headers(
    headers: dict[str, str], shown: str
) -> None:
    mistake = lag_mistake(answered(**headers))
    assert mistake is not None and shown in mistake
