"""Tenant isolation: nothing of one project shows through another project's key."""

from __future__ import annotations

import json

from ..client import PROJECT
from ..context import Check, Context
from ..expect import fetch
from ..model import MAX_LIMIT, Entry, Query, documented
from ..outcome import Skip, Violation
from ..settings import Role
from .project import read_project

# Entries looked up one by one through the other project's key, newest first.
PROBED_ENTRIES = 5


def fingerprint(entry: Entry) -> str:
    """An entry as a whole: two projects may reuse an id, never a whole entry by chance."""
    return json.dumps(documented(entry), sort_keys=True, default=str)


def check_isolation(ctx: Context) -> None:
    if ctx.settings.other_admin_key is None:
        raise Skip("needs --other-admin-key, the admin key of a second project")
    mine = read_project(ctx.client.get(PROJECT, auth=Role.ADMIN))
    theirs_exchange = ctx.client.get(PROJECT, auth=Role.OTHER_ADMIN)
    theirs = read_project(theirs_exchange)
    if mine.get("id") == theirs.get("id"):
        raise Violation(
            "another project behind --other-admin-key",
            f"the same project id {theirs.get('id')!r} for both keys",
            theirs_exchange,
        )
    data = ctx.data()
    own = {fingerprint(entry) for entry in data.entries()}
    other_newest = fetch(ctx.client, Query(limit=MAX_LIMIT), role=Role.OTHER_ADMIN)
    for index, entry in enumerate(other_newest.entries):
        if fingerprint(entry) in own:
            raise Violation(
                "none of the admin key's entries through another project's key",
                f"data[{index}] = entry {entry['id']!r} of the admin key's project",
                other_newest.exchange,
            )
    probes = [(Role.OTHER_ADMIN, entry) for entry in data.newest.entries[:PROBED_ENTRIES]]
    probes += [(Role.ADMIN, entry) for entry in other_newest.entries[:PROBED_ENTRIES]]
    for role, entry in probes:
        # Narrow filters that single out `entry`: a leak cannot hide beyond the page.
        query = Query(entry["action"], entry["userId"], max(0, entry["timestamp"] - 1), 200)
        page = fetch(ctx.client, query, role=role)
        for index, found in enumerate(page.entries):
            if fingerprint(found) == fingerprint(entry):
                raise Violation(
                    "no entry of one project through another project's key",
                    f"data[{index}] = entry {found['id']!r} of the other project",
                    page.exchange,
                )
    if not other_newest.entries:
        # Nothing of the second project leaked into the first: there was nothing to leak.
        raise Skip(
            "the audit log of the second project is empty, so nothing of it can be looked "
            "for through the first key (none of the first's entries showed through the second)"
        )


CHECKS = (
    Check(
        "isolation.tenants",
        "With --other-admin-key: the two keys see different projects, "
        "and no entry of one project is visible through the other's key.",
        check_isolation,
    ),
)
