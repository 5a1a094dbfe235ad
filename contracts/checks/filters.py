"""The filters of the audit log: exact, case-sensitive, strictly after, AND-ed.

Every generated query is judged twice: each entry it returns must match it, and it must
agree with every reference window it narrows down (the entries a window shows that match
the query open the page, and where the window sees everything, they are the page).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from ..context import Check, Context
from ..discovery import MAX_VALUES_PER_FILTER, Dataset
from ..expect import fetch, settled
from ..model import MAX_LIMIT, Page, Query
from ..outcome import Violation
from ..properties import for_all
from ..strategies import Values, combined_queries, near_misses, queries


def agree_with_windows(data: Dataset, query: Query, page: Page) -> None:
    for window in data.references(query):
        mismatch = window.mismatch(query, page)
        if mismatch:
            raise Violation(
                f"the entries of {window.describe()} that match, in its order",
                mismatch,
                page.exchange,
            )


def only_matching(page: Page, query: Query, rule: str) -> None:
    for index, entry in enumerate(page.entries):
        reasons = query.mismatches(entry)
        if reasons:
            raise Violation(
                rule, f"data[{index}] does not match: {'; '.join(reasons)}", page.exchange
            )


def judge(data: Dataset, query: Query, page: Page, rule: str) -> None:
    only_matching(page, query, rule)
    agree_with_windows(data, query, page)


def check_since(ctx: Context) -> None:
    data = ctx.data()
    values = Values.of(data)

    def rule(query: Query) -> None:
        judge(
            data,
            query,
            fetch(ctx.client, query),
            f"only entries with timestamp > since={query.since} (strictly after)",
        )

    for_all(ctx, "audit.since", queries(values, always=frozenset({"since"})), rule)
    # Then on and just before real timestamps spread over the data, whatever was drawn: an
    # entry at exactly `since` must be left out, one a millisecond later kept.
    stamps = values.timestamps
    for timestamp in sorted(
        {stamps[0], stamps[1 % len(stamps)], stamps[len(stamps) // 2], stamps[-1]}, reverse=True
    ):
        rule(Query(since=timestamp, limit=MAX_LIMIT))
        rule(Query(since=max(0, timestamp - 1), limit=MAX_LIMIT))


def check_filter(ctx: Context, field: str, name: str) -> None:
    data = ctx.data()
    values = Values.of(data)

    def rule(query: Query) -> None:
        value = query.action if field == "action" else query.user_id
        judge(
            data,
            query,
            fetch(ctx.client, query),
            f"only entries whose {field} is exactly {value!r} (case-sensitive), and all of them",
        )

    for_all(ctx, name, queries(values, always=frozenset({field})), rule)
    # Then every near miss of every value seen, whatever was drawn: case, prefix and spacing
    # bugs cannot hide behind an unlucky draw.
    seen = values.actions if field == "action" else values.users
    for value in seen[:MAX_VALUES_PER_FILTER]:
        for miss in near_misses(value):
            query = Query(action=miss) if field == "action" else Query(user_id=miss)
            rule(replace(query, limit=MAX_LIMIT))


def check_filter_action(ctx: Context) -> None:
    check_filter(ctx, "action", "audit.filter-action")


def check_filter_user(ctx: Context) -> None:
    check_filter(ctx, "userId", "audit.filter-user")


def check_combined(ctx: Context) -> None:
    data = ctx.data()

    def no_more_than_alone(query: Query) -> Violation | None:
        both = fetch(ctx.client, replace(query, limit=1))
        for alone in (replace(query, user_id=None, limit=1), replace(query, action=None, limit=1)):
            broader = fetch(ctx.client, alone)
            if both.count() > broader.count():
                return Violation(
                    f"total <= {broader.total}, the total of {alone.describe()}",
                    f"total={both.total}",
                    both.exchange,
                )
        return None

    def rule(query: Query) -> None:
        page = fetch(ctx.client, query)
        judge(
            data,
            query,
            page,
            f"only entries matching action={query.action!r} AND "
            f"userId={query.user_id!r}" + (f" AND since={query.since}" if query.since else ""),
        )
        settled(partial(no_more_than_alone, query))

    for_all(ctx, "audit.filters-combined", combined_queries(Values.of(data)), rule)


def check_subset(ctx: Context) -> None:
    data = ctx.data()

    def rule(query: Query) -> None:
        agree_with_windows(data, query, fetch(ctx.client, query))

    for_all(ctx, "audit.filtered-subset", queries(Values.of(data)), rule)


CHECKS = (
    Check(
        "audit.since",
        "since=t keeps exactly the entries with timestamp > t (strictly "
        "after), with every other filter and limit.",
        check_since,
    ),
    Check(
        "audit.filter-action",
        "action keeps exactly the entries with that action: exact, "
        "case-sensitive, no prefix or partial match.",
        check_filter_action,
    ),
    Check(
        "audit.filter-user",
        "userId keeps exactly the entries of that user: exact, "
        "case-sensitive, no prefix or partial match.",
        check_filter_user,
    ),
    Check(
        "audit.filters-combined",
        "Filters combine with AND: only entries matching all of "
        "them, and no more than either filter alone.",
        check_combined,
    ),
    Check(
        "audit.filtered-subset",
        "Any filtered answer is the part of a broader answer that "
        "matches, in the same order; where that broader answer shows everything, exactly "
        "that, with a total that counts it.",
        check_subset,
    ),
)
