"""Reading as much of an audit log as its API lets a client reach.

The API has no cursor and `since` only bounds from below, so any one query shows the
newest `page_size` entries of its filter and, in `total`, how many match. The filters
partition the log: each entry belongs to exactly one action, one user and one
action+user pair. The crawl therefore queries the whole log, each action, each user
and each pair it discovers, until nothing new turns up. Everything any client can
reach is the newest `page_size` entries of each pair, so that is the crawl's goal.

An action or a user that none of those pages shows cannot be guessed (beyond the
hints given at the start). A pair hidden behind busier ones is found by the totals:
when the pairs of an action add up to less than the action's total, a pair is
missing; it can only join an action and a user that both have more than a page of
entries (all entries of a smaller one were seen), and those are tried.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

# (action, userId): the filters of one query; None leaves a filter out.
Filter = tuple[str | None, str | None]
Entry = dict[str, Any]

logger = logging.getLogger("mockserver.scenario.crawl")


@dataclass(frozen=True, slots=True)
class FetchedPage:
    entries: list[Entry]
    total: int


FetchPage = Callable[[Filter], Awaitable[FetchedPage]]
# Called after each answer with (entries captured, total of the log or None, requests).
OnProgress = Callable[[int, int | None, int], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class CrawlLimits:
    page_size: int
    max_entries: int | None = None
    max_requests: int | None = None
    concurrency: int = 4


@dataclass(frozen=True, slots=True, kw_only=True)
class CrawlResult:
    """What the crawl captured, and how that compares to what exists."""

    entries: list[Entry]  # newest first, as the API orders them
    total: int  # entries in the log (within `since`), by its unfiltered `total`
    page_size: int  # the most entries one query shows
    requests: int
    beyond_reach: int  # older than the newest page of their action+user: no client sees them
    undiscovered: int  # in actions or users no page showed
    stopped_by: str | None  # "max-entries", "max-requests", or None when the crawl finished

    @property
    def captured(self) -> int:
        return len(self.entries)

    @property
    def complete(self) -> bool:
        return self.captured == self.total


@dataclass(slots=True)
class _Crawl:
    fetch: FetchPage
    limits: CrawlLimits
    on_progress: OnProgress
    entries: dict[str, Entry] = field(default_factory=dict)
    totals: dict[Filter, int] = field(default_factory=dict)
    actions: dict[str, None] = field(default_factory=dict)
    users: dict[str, None] = field(default_factory=dict)
    pairs: dict[tuple[str, str], None] = field(default_factory=dict)
    requests: int = 0

    async def run(self, hints: Iterable[Filter]) -> CrawlResult:
        pending = _new([(None, None), *hints], self.totals)
        stopped_by = None
        while pending:
            budget = self._requests_left()
            if budget is not None and budget < len(pending):
                pending, stopped_by = pending[:budget], "max-requests"
            await self._query(pending)
            if stopped_by is None and self._enough():
                stopped_by = "max-entries"
            if stopped_by is not None:
                break
            pending = self._discovered() or self._hidden_pairs()
        return self._result(stopped_by)

    def _requests_left(self) -> int | None:
        if self.limits.max_requests is None:
            return None
        return max(0, self.limits.max_requests - self.requests)

    def _enough(self) -> bool:
        return self.limits.max_entries is not None and len(self.entries) >= self.limits.max_entries

    async def _query(self, filters: list[Filter]) -> None:
        gate = asyncio.Semaphore(self.limits.concurrency)

        async def one(query: Filter) -> None:
            async with gate:
                page = await self.fetch(query)
                self.requests += 1
                self._record(query, page)

        await asyncio.gather(*(one(query) for query in filters))
        logger.debug("%d queries; %d entries captured", len(filters), len(self.entries))

    def _record(self, query: Filter, page: FetchedPage) -> None:
        self.totals[query] = page.total
        for entry in page.entries:
            self.entries.setdefault(entry["id"], entry)
            action, user = entry["action"], entry["userId"]
            self.actions[action] = self.users[user] = self.pairs[action, user] = None
        self.on_progress(len(self.entries), self.totals.get((None, None)), self.requests)

    def _discovered(self) -> list[Filter]:
        """Every action, user and pair seen that has not been queried yet."""
        return _new(
            [
                *((action, None) for action in self.actions),
                *((None, user) for user in self.users),
                *self.pairs,
            ],
            self.totals,
        )

    def _hidden_pairs(self) -> list[Filter]:
        """Pairs the totals say exist but no page showed (see the module's docstring)."""
        in_pairs: dict[Filter, int] = {}
        for (action, user), count in self._pair_totals().items():
            in_pairs[action, None] = in_pairs.get((action, None), 0) + count
            in_pairs[None, user] = in_pairs.get((None, user), 0) + count

        def short(query: Filter) -> bool:
            total = self.totals.get(query, 0)
            return total > self.limits.page_size and in_pairs.get(query, 0) < total

        actions = [action for action in self.actions if short((action, None))]
        users = [user for user in self.users if short((None, user))]
        return _new([(action, user) for action in actions for user in users], self.totals)

    def _pair_totals(self) -> dict[tuple[str, str], int]:
        return {
            (action, user): count
            for (action, user), count in self.totals.items()
            if action is not None and user is not None
        }

    def _result(self, stopped_by: str | None) -> CrawlResult:
        entries = sorted(
            self.entries.values(), key=lambda e: (e["timestamp"], e["id"]), reverse=True
        )
        if self.limits.max_entries is not None:
            entries = entries[: self.limits.max_entries]
        total = self.totals.get((None, None), 0)
        in_pairs = self._pair_totals().values()
        return CrawlResult(
            entries=entries,
            total=total,
            page_size=self.limits.page_size,
            requests=self.requests,
            beyond_reach=sum(max(0, count - self.limits.page_size) for count in in_pairs),
            undiscovered=max(0, total - sum(in_pairs)),
            stopped_by=stopped_by,
        )


def _new(filters: Iterable[Filter], done: dict[Filter, int]) -> list[Filter]:
    return [query for query in dict.fromkeys(filters) if query not in done]


async def crawl(
    fetch: FetchPage,
    limits: CrawlLimits,
    *,
    hints: Iterable[Filter] = (),
    on_progress: OnProgress = lambda captured, total, requests: None,
) -> CrawlResult:
    """Query `fetch` until every entry within reach is captured (or a limit is met).

    `hints` are filters worth trying before anything is seen, such as the documented
    actions and the user `system`.
    """
    return await _Crawl(fetch, limits, on_progress).run(hints)
