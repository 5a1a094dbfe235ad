"""A correct implementation in a few lines, and logs and queries to ask it: the oracle
against which the suite's pure rules (`contracts.model`, `contracts.window`) are tested."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from contracts.client import Auth, Exchange, Request, Response
from contracts.model import MAX_LIMIT, Page, Query

Entry = dict[str, Any]
NO_EXCHANGE = Exchange(
    "http://127.0.0.1:1", Request("GET", "/", (), Auth.none()), Response(200, {}, b"")
)


def logs(
    *, timestamps: tuple[int, int], actions: Sequence[str], users: Sequence[str], max_size: int
) -> st.SearchStrategy[list[Entry]]:
    """Logs of entries with unique ids; a narrow range of `timestamps` makes ties common."""
    return st.lists(
        st.builds(
            lambda ts, n, action, user: {
                "id": f"e{n:04d}",
                "action": action,
                "userId": user,
                "timestamp": ts,
            },
            st.integers(*timestamps),
            st.integers(0, 9_999),
            st.sampled_from(actions),
            st.sampled_from(users),
        ),
        max_size=max_size,
        unique_by=lambda e: e["id"],
    )


def queries(
    *, actions: Sequence[str], users: Sequence[str], since: tuple[int, int]
) -> st.SearchStrategy[Query]:
    return st.builds(
        Query,
        action=st.none() | st.sampled_from(actions),
        user_id=st.none() | st.sampled_from(users),
        since=st.none() | st.integers(*since),
        limit=st.none() | st.integers(1, MAX_LIMIT),
    )


def answer(log: list[Entry], query: Query) -> Page:
    """What a correct implementation returns."""
    matching = sorted(
        (e for e in log if query.matches(e)), key=lambda e: (e["timestamp"], e["id"]), reverse=True
    )
    return Page(tuple(matching[: query.page_size]), len(matching), None, NO_EXCHANGE)
