"""Order and pagination of the audit log: newest first, ties, limit, total and hasMore."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from hypothesis import strategies as st

from ..context import Check, Context
from ..expect import fetch, settled
from ..model import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Page,
    Query,
    disagreement,
    newest_timestamp,
    order_mistake,
    tie_mistake,
)
from ..outcome import Skip, Violation
from ..properties import for_all
from ..strategies import Values, limits, queries
from ..window import Window


def check_newest_first(ctx: Context) -> None:
    data = ctx.data()

    def rule(query: Query) -> None:
        page = fetch(ctx.client, query)
        mistake = order_mistake(page.entries)
        if mistake:
            raise Violation("entries sorted by timestamp, newest first", mistake, page.exchange)

    for_all(ctx, "audit.newest-first", queries(Values.of(data)), rule)
    for window in data.windows:
        mistake = order_mistake(window.entries)
        if mistake:
            raise Violation(
                "entries sorted by timestamp, newest first", mistake, window.page.exchange
            )


def check_tie_order(ctx: Context) -> None:
    """Ties by `id`, descending. Ids are strings (the contract says no more), so they
    compare as strings whatever they hold: `"9"` comes before `"10"`."""
    data = ctx.data()
    ties_seen = [0]

    def judge(page: Page) -> None:
        ties_seen[0] += sum(
            1
            for a, b in zip(page.entries, page.entries[1:], strict=False)
            if a["timestamp"] == b["timestamp"]
        )
        mistake = tie_mistake(page.entries)
        if mistake:
            raise Violation(
                "entries with equal timestamps ordered by id, descending", mistake, page.exchange
            )

    for_all(
        ctx,
        "audit.tie-order",
        queries(Values.of(data)),
        lambda query: judge(fetch(ctx.client, query)),
    )
    for window in data.windows:
        judge(window.page)

    def repeated(query: Query) -> Violation | None:
        first, again = fetch(ctx.client, query), fetch(ctx.client, query)
        difference = disagreement(first, again)
        if difference is None:
            return None
        return Violation(
            "the same entries in the same order when a query is repeated",
            difference,
            again.exchange,
        )

    for window in data.windows[:3]:
        settled(partial(repeated, window.query))
    if not ties_seen[0]:
        raise Skip("no two entries seen share a timestamp, so the order of ties cannot show")


def check_page_size(ctx: Context) -> None:
    def rule(query: Query) -> None:
        page = fetch(ctx.client, query)
        wanted = min(query.page_size, page.count())
        if len(page.entries) != wanted:
            raise Violation(
                f"len(data) == min(limit={query.page_size}, total={page.total}) == {wanted}",
                f"{len(page.entries)} entries",
                page.exchange,
            )

    for_all(ctx, "audit.page-size", queries(Values.of(ctx.data())), rule)


def edge_query(window: Window) -> Query | None:
    """The window's filters with `limit` set to exactly the number of entries they match.

    A complete window matches its `total`; any other is narrowed by a `since` at the
    timestamp of its middle entry, so that it shows everything the narrower query
    matches. None when the window has no entry to count.
    """
    query = window.query.filters()
    if not window.complete and window.entries:
        query = replace(query, since=window.entries[len(window.entries) // 2]["timestamp"])
    if not window.covers(query):
        return None
    count = len(window.visible(query))
    return replace(query, limit=count) if 1 <= count <= MAX_LIMIT else None


def beside(query: Query) -> list[Query]:
    """`query` with `limit` one below and one above its own, where those are valid."""
    limits = (query.page_size - 1, query.page_size + 1)
    return [replace(query, limit=limit) for limit in limits if 1 <= limit <= MAX_LIMIT]


def check_has_more(ctx: Context) -> None:
    """Judged at the edge of every reference window, then on generated queries.

    At the edge, `limit` is exactly the number of entries matching: there a server that
    takes a full page to mean that more follow (`hasMore = len(data) == limit`) is wrong,
    and generated queries land on it only by chance. Beside the first edge, one entry
    fewer and one more. One request per window, two more, and one again for a window
    whose `total` moved because entries arrived since it was read.
    """
    data = ctx.data()

    def judge(page: Page) -> Page:
        wanted = page.count() > len(page.entries)
        if page.has_more is not wanted:
            raise Violation(
                f"hasMore == (total > len(data)) == {str(wanted).lower()} with "
                f"total={page.total} and {len(page.entries)} entries",
                f"hasMore={page.has_more!r}",
                page.exchange,
            )
        return page

    edges = [query for query in map(edge_query, data.windows) if query is not None]
    for query in edges:
        total = judge(fetch(ctx.client, query)).count()
        if total != query.limit and 1 <= total <= MAX_LIMIT:
            judge(fetch(ctx.client, replace(query, limit=total)))
    for query in beside(edges[0]) if edges else ():
        judge(fetch(ctx.client, query))

    def rule(query: Query) -> None:
        judge(fetch(ctx.client, query))

    for_all(ctx, "audit.has-more", queries(Values.of(data)), rule)


def check_total_before_limit(ctx: Context) -> None:
    def compare(query: Query, first: int | None, second: int | None) -> Violation | None:
        one = fetch(ctx.client, replace(query, limit=first))
        other = fetch(ctx.client, replace(query, limit=second))
        if one.count() < len(one.entries):
            return Violation(
                "total >= len(data)",
                f"total={one.total} with {len(one.entries)} entries",
                one.exchange,
            )
        # Asked second, `other` may also count entries that arrived in between: then its
        # newest entry is newer than the first answer's.
        before, after = newest_timestamp(one.entries), newest_timestamp(other.entries)
        arrived = after is not None and (before is None or after > before)
        if other.count() == one.count() or (arrived and other.count() > one.count()):
            return None
        return Violation(
            f"the same total whatever the limit (limit={first} gave total={one.total})",
            f"total={other.total}",
            other.exchange,
        )

    def rule(case: tuple[Query, int | None, int | None]) -> None:
        settled(partial(compare, *case))

    cases = st.tuples(
        queries(Values.of(ctx.data()), never=frozenset({"limit"})), limits(), limits()
    )
    for_all(ctx, "audit.total-before-limit", cases, rule)


def check_default_limit(ctx: Context) -> None:
    def compare(query: Query) -> Violation | None:
        page = fetch(ctx.client, query)
        wanted = min(DEFAULT_LIMIT, page.count())
        if len(page.entries) != wanted:
            return Violation(
                f"{wanted} entries without a limit (the default is {DEFAULT_LIMIT})",
                f"{len(page.entries)} entries",
                page.exchange,
            )
        explicit = fetch(ctx.client, replace(query, limit=DEFAULT_LIMIT))
        difference = disagreement(page, explicit)
        if difference is None:
            return None
        return Violation(
            f"the same entries as with limit={DEFAULT_LIMIT}", difference, page.exchange
        )

    values = Values.of(ctx.data())
    for query in (Query(), Query(action=values.actions[0]), Query(user_id=values.users[0])):
        settled(partial(compare, query))


CHECKS = (
    Check(
        "audit.newest-first",
        "Entries come sorted by timestamp, newest first, whatever the filters and limit.",
        check_newest_first,
    ),
    Check(
        "audit.tie-order",
        "Entries sharing a timestamp come by id, descending (ids are strings and compare "
        "as strings), and a repeated query gives the same order.",
        check_tie_order,
    ),
    Check("audit.page-size", "len(data) == min(limit, total).", check_page_size),
    Check("audit.has-more", "hasMore == (total > len(data)).", check_has_more),
    Check(
        "audit.total-before-limit",
        "total counts every matching entry before the limit: "
        "the same for any limit, never below len(data).",
        check_total_before_limit,
    ),
    Check(
        "audit.default-limit",
        f"Without a limit, a page holds min({DEFAULT_LIMIT}, total) "
        f"entries, the same as limit={DEFAULT_LIMIT}.",
        check_default_limit,
    ),
)
