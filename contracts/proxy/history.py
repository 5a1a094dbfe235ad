"""What several exchanges show together: answers that must agree with earlier ones.

Two rules of the contract need more than one answer, and live traffic often gives
them: the same audit-log query asked twice within a few seconds (the log only grows,
so nothing may vanish: `model.disagreement`), and the project's counts, which a cache
keeps for a period (they may change once when it ends, never twice within one).
Memory is bounded: the newest `MAX_QUERIES` queries and `MAX_KEYS` keys are kept.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, TypeVar

from ..model import Page, disagreement
from .judge import Breach

# Two answers to one query further apart than this are not compared: on a busy log,
# new entries push old ones off a page in ways two close answers cannot.
REPEAT_WINDOW_SECONDS = 5.0
MAX_QUERIES = 256
MAX_KEYS = 256
# A cache period shorter than this would be no cache at all (the suite's own check
# makes its calls within milliseconds); an answer's `Age` + `max-age` tells a longer one.
MIN_CACHE_SECONDS = 1.0
# Clocks and queues blur the instants the proxy sees by this much.
SLACK_SECONDS = 0.5

K = TypeVar("K")
V = TypeVar("V")


def _bounded_put(store: OrderedDict[K, V], key: K, value: V, size: int) -> None:
    store[key] = value
    store.move_to_end(key)
    while len(store) > size:
        store.popitem(last=False)


@dataclass(frozen=True, slots=True)
class _Seen:
    page: Page
    at: float


@dataclass(frozen=True, slots=True)
class _Counts:
    """Counts a key was shown: since when, until when, and the counts before them."""

    counts: tuple[Any, ...]
    period: float
    last_seen: float
    # When the counts before these were last seen: these were computed after it.
    previous_seen: float | None


def cache_period(age: str | None, cache_control: str | None) -> float:
    """How long counts live, from `Age` and `Cache-Control: max-age`, when both are given."""
    max_age = None
    for directive in (cache_control or "").split(","):
        name, _, value = directive.strip().partition("=")
        if name.lower() == "max-age" and value.strip().isdigit():
            max_age = int(value)
    if max_age is None or age is None or not age.strip().isdigit():
        return MIN_CACHE_SECONDS
    return max(MIN_CACHE_SECONDS, float(int(age) + max_age))


class History:
    """The recent answers, per key, that later ones must agree with."""

    def __init__(self) -> None:
        self._pages: OrderedDict[tuple[str, Any], _Seen] = OrderedDict()
        self._counts: OrderedDict[str, _Counts] = OrderedDict()

    def page(self, key: str, query: Any, page: Page, at: float) -> tuple[bool, Breach | None]:
        """`page` answered `query` for `key` at `at`: whether an earlier answer to compare
        it with was there, and how the two disagree if they do."""
        earlier = self._pages.get((key, query))
        _bounded_put(self._pages, (key, query), _Seen(page, at), MAX_QUERIES)
        if earlier is None or at - earlier.at > REPEAT_WINDOW_SECONDS:
            return False, None
        difference = disagreement(earlier.page, page)
        if difference is None:
            return True, None
        return True, Breach(
            "audit.repeatable",
            f"the same query {at - earlier.at:.1f} s later agrees (the log only grows)",
            difference,
        )

    def counts(self, key: str, counts: tuple[Any, ...], period: float, at: float) -> Breach | None:
        """`counts` were shown to `key` at `at`, cached for `period`: a change too soon?"""
        known = self._counts.get(key)
        if known is None or known.counts == counts:
            previous = known.previous_seen if known is not None else None
            _bounded_put(self._counts, key, _Counts(counts, period, at, previous), MAX_KEYS)
            return None
        _bounded_put(self._counts, key, _Counts(counts, period, at, known.last_seen), MAX_KEYS)
        if known.previous_seen is None:
            return None
        lived = at - known.previous_seen
        if lived + SLACK_SECONDS >= known.period:
            return None
        return Breach(
            "project.stable-counts",
            f"counts that last one cache period ({known.period:g} s) once computed",
            f"counts {_named(known.counts)} changed to {_named(counts)} within {lived:.1f} s "
            "of the change before",
        )


def _named(counts: tuple[Any, ...]) -> str:
    names = ("entityTypeCount", "entityCount", "memberCount")
    return "{" + ", ".join(f"{n}={v!r}" for n, v in zip(names, counts, strict=False)) + "}"
