"""Reference windows: what a broader listing shows, and what any narrower query must agree with.

The API has no cursor or offset: only the newest `limit` (at most 200) entries of any
query can be seen. So comparisons are made where a window sees everything: a window
whose `total` fits in it is complete, and a `since` at or after the oldest timestamp of a
window keeps only entries that all lie inside it. Elsewhere, the window's matching
entries must still open the narrower answer, in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Entry, Page, Query


@dataclass(frozen=True, slots=True)
class Window:
    """The newest entries matching `query` (filters and `limit=200`), as one page showed them.

    `horizon` is the last millisecond the windows show in full: entries after it may have
    arrived since they were read, and comparisons set them aside instead of calling them
    wrong, so a log that keeps growing (a live staging server) can still be checked.
    """

    query: Query
    page: Page
    horizon: int | None = None

    def as_of(self, horizon: int | None) -> Window:
        """This window without the entries newer than `horizon`, its total reduced to match."""
        if horizon is None:
            return self
        kept = tuple(e for e in self.entries if e["timestamp"] <= horizon)
        total = self.page.total
        if isinstance(total, int) and not isinstance(total, bool):
            total -= len(self.entries) - len(kept)
        page = Page(kept, total, self.page.has_more, self.page.exchange)
        return Window(self.query, page, horizon)

    @property
    def entries(self) -> tuple[Entry, ...]:
        return self.page.entries

    @property
    def complete(self) -> bool:
        total = self.page.total
        return isinstance(total, int) and total == len(self.entries)

    def covers(self, query: Query) -> bool:
        """Whether every entry `query` matches is in this window (so it can be compared exactly)."""
        if not query.refines(self.query):
            return False
        if self.complete:
            return True
        oldest = self.oldest
        return oldest is not None and query.since is not None and query.since >= oldest

    @property
    def oldest(self) -> int | None:
        return min((entry["timestamp"] for entry in self.entries), default=None)

    def visible(self, query: Query) -> list[Entry]:
        return [entry for entry in self.entries if query.matches(entry)]

    def arrived_later(self, entry: Entry) -> bool:
        return self.horizon is not None and entry["timestamp"] > self.horizon

    def mismatch(self, query: Query, page: Page) -> str | None:
        """How `page`, the answer to `query`, contradicts this window, or None.

        The entries the window shows that match `query` must open the page, in the same
        order (after any that arrived later); an entry newer than anything the window cut
        off must be in the window; and when the window covers the query, the page holds
        exactly those entries and `total` counts them.
        """
        if not query.refines(self.query):
            return None
        later = sum(1 for entry in page.entries if self.arrived_later(entry))
        known = [entry for entry in page.entries if not self.arrived_later(entry)]
        expected = self.visible(query)
        shown = expected[: max(0, query.page_size - later)]
        got = [entry["id"] for entry in known]
        for position, entry in enumerate(shown):
            if position >= len(got) or got[position] != entry["id"]:
                found = got[position] if position < len(got) else "nothing"
                return (
                    f"data[{position + later}] should be entry {entry['id']!r} (timestamp "
                    f"{entry['timestamp']}), as {self.describe()} shows; got {found!r}"
                )
        if self.covers(query):
            return self._coverage_mismatch(query, page, expected, len(shown), later)
        oldest = self.oldest
        for entry in known[len(shown) :]:
            if oldest is not None and entry["timestamp"] > oldest:
                return (
                    f"entry {entry['id']!r} (timestamp {entry['timestamp']}) is newer than the "
                    f"oldest entry {self.describe()} shows, yet it is not there among the "
                    "matching entries"
                )
        return None

    def _coverage_mismatch(
        self, query: Query, page: Page, expected: list[Entry], shown: int, later: int
    ) -> str | None:
        known = len(page.entries) - later
        if known > shown:
            extra = next(
                e["id"] for e in page.entries[later + shown :] if not self.arrived_later(e)
            )
            return (
                f"exactly {shown} entries, as {self.describe()} shows; got {known}, e.g. "
                f"unexpected entry {extra!r}"
            )
        total = page.total
        # Entries that arrived later are the newest, so they open the page: all of them are
        # on it unless they fill it, and then more may lie beyond it.
        if later < query.page_size:
            if total != len(expected) + later:
                return (
                    f"total={len(expected) + later}: {self.describe()} shows every matching "
                    f"entry{_and_later(later)}; got total={total!r}"
                )
        elif not isinstance(total, int) or total < len(expected) + later:
            return (
                f"total >= {len(expected) + later}: {self.describe()} shows that many "
                f"matching entries{_and_later(later)}; got total={total!r}"
            )
        return None

    def describe(self) -> str:
        return f"the listing {self.query.describe()}"


def _and_later(count: int) -> str:
    return f", and {count} more arrived since" if count else ""
