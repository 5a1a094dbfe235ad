"""A brute-force model of what a client of the API can read from an audit log."""

from __future__ import annotations

from collections.abc import Iterable

from mockserver.domain.models import AuditEntry

Hint = tuple[str | None, str | None]


def newest(
    entries: Iterable[AuditEntry], k: int, action: str | None = None, user: str | None = None
) -> list[AuditEntry]:
    """The page a query with these filters and `limit=k` shows."""
    matching = [e for e in entries if action in (None, e.action) and user in (None, e.user_id)]
    return sorted(matching, key=lambda e: e.sort_key, reverse=True)[:k]


def reachable(entries: list[AuditEntry], k: int, hints: Iterable[Hint] = ()) -> set[str]:
    """Ids of every entry some query shows, trying all combinations of the names seen.

    Starting from the unfiltered page and the hints, it queries every action, every
    user and every action+user pair of the names seen so far, until no page shows a
    new name: the most a client can read without guessing names.
    """
    actions = {action for action, _ in hints if action is not None}
    users = {user for _, user in hints if user is not None}
    seen = {e.id: e for e in newest(entries, k)}
    while True:
        actions |= {e.action for e in seen.values()}
        users |= {e.user_id for e in seen.values()}
        queried = (frozenset(actions), frozenset(users))
        pages = [newest(entries, k, action=a) for a in actions]
        pages += [newest(entries, k, user=u) for u in users]
        pages += [newest(entries, k, a, u) for a in actions for u in users]
        seen |= {e.id: e for page in pages for e in page}
        if {e.action for e in seen.values()} <= queried[0] and {
            e.user_id for e in seen.values()
        } <= queried[1]:
            return set(seen)
