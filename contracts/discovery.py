"""Finding out what the implementation holds, so every filter check asks about real data.

The suite assumes nothing about the data set: it reads the newest page of the audit log,
then the newest page for each action and each user found there. Those pages are the
reference windows the cross-query checks compare other answers with. The newest
timestamp of the first page bounds that snapshot: anything at that millisecond or later
may have arrived since, and the comparisons set it aside.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from .client import Client
from .expect import fetch
from .model import MAX_LIMIT, Entry, Page, Query, newest_timestamp
from .window import Window

# Per-value windows cost one request each; this many of each kind reach far past the
# newest page on any realistic data set while keeping discovery to a second or so.
MAX_VALUES_PER_FILTER = 16


@dataclass(frozen=True, slots=True)
class Dataset:
    """The reference windows (the unfiltered one first) and the values seen in them."""

    windows: tuple[Window, ...]
    # The newest page as it came, before the snapshot set its newest millisecond aside.
    first: Page

    @property
    def newest(self) -> Window:
        return self.windows[0]

    def entries(self) -> Iterator[Entry]:
        """Every entry seen, once, newest window first."""
        seen: set[str] = set()
        for window in self.windows:
            for entry in window.entries:
                if entry["id"] not in seen:
                    seen.add(entry["id"])
                    yield entry

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(sorted({entry["action"] for entry in self.entries()}))

    @property
    def users(self) -> tuple[str, ...]:
        return tuple(sorted({entry["userId"] for entry in self.entries()}))

    @property
    def timestamps(self) -> tuple[int, ...]:
        return tuple(sorted({entry["timestamp"] for entry in self.entries()}))

    @property
    def empty(self) -> bool:
        return not self.newest.entries

    def references(self, query: Query) -> list[Window]:
        """The windows `query` narrows down, whose entries it must agree with."""
        return [window for window in self.windows if query.refines(window.query)]


def discover(client: Client) -> Dataset:
    """Read the reference windows; raises `Violation` if the newest page cannot be read."""
    newest = _window(client, Query())
    windows = [newest]
    actions = Counter(entry["action"] for entry in newest.entries)
    users = Counter(entry["userId"] for entry in newest.entries)
    for action, _ in actions.most_common(MAX_VALUES_PER_FILTER):
        windows.append(_window(client, Query(action=action)))
    for user, _ in users.most_common(MAX_VALUES_PER_FILTER):
        windows.append(_window(client, Query(user_id=user)))
    # One snapshot: entries that arrived while the windows were read are set aside, and
    # with them the newest millisecond, in which more entries may still be arriving.
    latest = newest_timestamp(newest.entries)
    horizon = None if latest is None else latest - 1
    return Dataset(tuple(window.as_of(horizon) for window in windows), newest.page)


def _window(client: Client, query: Query) -> Window:
    window_query = Query(action=query.action, user_id=query.user_id, limit=MAX_LIMIT)
    return Window(window_query, fetch(client, window_query))
