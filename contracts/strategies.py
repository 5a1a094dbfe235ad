"""Hypothesis strategies for audit-log queries, built from the data the implementation holds.

Filter values are real actions and users, and near misses of them (other case, a prefix,
an extension, surrounding space) that an exact match must tell apart. `since` values sit
on, just before and just after real timestamps, where an off-by-one shows. Hypothesis
shrinks towards the first alternative of each choice, so a failure is reported with the
simplest query that still shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from .discovery import Dataset
from .model import MAX_FILTER_LENGTH, MAX_LIMIT, Query

UNKNOWN_VALUE = "contracts.never-recorded"


def near_misses(value: str) -> list[str]:
    """Values an exact, case-sensitive match must not confuse with `value`."""
    candidates = [
        value.upper(),
        value.lower(),
        value.swapcase(),
        value[:-1],
        value[: max(1, len(value) // 2)],
        value + "x",
        " " + value,
        value + " ",
    ]
    return [c[:MAX_FILTER_LENGTH] for c in candidates if c and c != value]


@dataclass(frozen=True, slots=True)
class Values:
    """The values seen in the data, computed once per run."""

    actions: tuple[str, ...]
    users: tuple[str, ...]
    timestamps: tuple[int, ...]
    pairs: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, data: Dataset) -> Values:
        entries = list(data.entries())
        return cls(
            actions=tuple(sorted({e["action"] for e in entries})),
            users=tuple(sorted({e["userId"] for e in entries})),
            timestamps=tuple(sorted({e["timestamp"] for e in entries}, reverse=True)),
            pairs=tuple(sorted({(e["action"], e["userId"]) for e in entries})),
        )


def filter_values(seen: tuple[str, ...], *, near: bool = True) -> st.SearchStrategy[str]:
    """Values seen in the data and, when `near`, near misses of them and an unknown value."""
    exact = st.sampled_from(seen)
    if not near:
        return exact
    return st.one_of(
        exact,
        exact.flatmap(lambda value: st.sampled_from(near_misses(value) or [UNKNOWN_VALUE])),
        st.just(UNKNOWN_VALUE),
    )


def since_values(timestamps: tuple[int, ...]) -> st.SearchStrategy[int]:
    newest, oldest = timestamps[0], timestamps[-1]
    around = st.sampled_from(timestamps).flatmap(
        lambda t: st.sampled_from([t, max(0, t - 1), t + 1])
    )
    between = st.integers(min_value=max(0, oldest - 1), max_value=newest + 1)
    return st.one_of(around, between)


def limit_values() -> st.SearchStrategy[int]:
    """Valid limits: the bounds and the default first, then any value between."""
    return st.one_of(st.sampled_from([1, 2, 50, MAX_LIMIT]), st.integers(1, MAX_LIMIT))


def limits() -> st.SearchStrategy[int | None]:
    """A limit or none (the default applies)."""
    return st.one_of(st.none(), limit_values())


def queries(
    values: Values, *, always: frozenset[str] = frozenset(), never: frozenset[str] = frozenset()
) -> st.SearchStrategy[Query]:
    """Queries in which each parameter (`limit` too) is present or absent, unless `always`
    or `never`.

    A filter in `always` is the one under test and also takes near misses; the others take
    only values from the data, so that most queries still find entries to judge.
    """

    def param(name: str, strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        if name in never:
            return st.none()
        return strategy if name in always else st.one_of(st.none(), strategy)

    return st.builds(
        Query,
        action=param("action", filter_values(values.actions, near="action" in always)),
        user_id=param("userId", filter_values(values.users, near="userId" in always)),
        since=param("since", since_values(values.timestamps)),
        limit=param("limit", limit_values()),
    )


def combined_queries(values: Values) -> st.SearchStrategy[Query]:
    """Both filters at once: a pair that occurs together, or two drawn independently."""
    together = st.sampled_from(values.pairs).map(
        lambda pair: Query(action=pair[0], user_id=pair[1])
    )
    apart = st.builds(
        Query,
        action=st.sampled_from(values.actions),
        user_id=st.sampled_from(values.users),
    )
    return st.builds(
        lambda base, since, limit: Query(base.action, base.user_id, since, limit),
        st.one_of(together, apart),
        st.one_of(st.none(), since_values(values.timestamps)),
        limits(),
    )
