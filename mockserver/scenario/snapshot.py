"""`mockserver snapshot`: read a running implementation through its public API into a
scenario that the mock serves back with the same answers.

The project comes from `GET /api/v1/project`, the audit log from as many filtered
queries as it takes to reach every entry a client can reach (see `crawl.py`). Keys
are written only when asked for; fields beyond the documented ones are not kept.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

import aiohttp
from yarl import URL

from mockserver.domain.clock import system_time_ms
from mockserver.domain.models import SYSTEM_USER
from mockserver.generate.world import DOCUMENTED_ACTIONS
from mockserver.scenario.api_client import ApiClient, RetryPolicy
from mockserver.scenario.crawl import (
    CrawlLimits,
    CrawlResult,
    FetchedPage,
    Filter,
    OnProgress,
    crawl,
)
from mockserver.scenario.document import FORMAT_VERSION, Document, validate
from mockserver.spec.loader import load_spec, operations, query_parameters

DEFAULT_MAX_REQUESTS = 10_000
DEFAULT_CONCURRENCY = 4
REQUEST_TIMEOUT_SECONDS = 60.0
ENTRY_FIELDS = ("id", "action", "userId", "entityId", "metadata", "timestamp")

logger = logging.getLogger("mockserver.scenario.snapshot")


class SnapshotError(Exception):
    """The snapshot cannot be taken or written; the message says why."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SnapshotOptions:
    base_url: str
    admin_key: str
    member_key: str | None = None
    since: int | None = None
    max_entries: int | None = None
    max_requests: int | None = DEFAULT_MAX_REQUESTS
    include_keys: bool = False
    concurrency: int = DEFAULT_CONCURRENCY
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(frozen=True, slots=True)
class Snapshot:
    document: Document
    project: dict[str, Any]
    crawl: CrawlResult
    grew_by: int  # entries the log gained while the snapshot ran

    def report(self) -> str:
        """What was read and how complete it is, for a person."""
        result = self.crawl
        source = self.document["snapshot"]["source"]
        lines = [f"Snapshot of {source}, project {self.project['id']} ({self.project['slug']})"]
        share = f" ({result.captured / result.total:.1%})" if result.total else ""
        verdict = "complete" if result.complete else "PARTIAL"
        lines.append(f"  entries: {result.captured:,} of {result.total:,}{share}: {verdict}")
        if result.stopped_by is not None:
            lines.append(f"    stopped by --{result.stopped_by}")
        elif not result.complete:
            lines.append(
                f"    {result.beyond_reach:,} are older than the newest {result.page_size} of "
                "their action and user: no client of this API can read them"
            )
            lines.append(f"    {result.undiscovered:,} have an action or user no answer showed")
        if self.grew_by:
            lines.append(
                f"    the log gained {self.grew_by:,} entries while the snapshot ran; "
                "the newest may be missing"
            )
        lines.append(f"  requests: {result.requests:,}")
        if "keys" in self.document["projects"][0]:
            lines.append("  keys: written (the file now holds secrets)")
        else:
            lines.append("  keys: not written; the mock derives its own (see --include-keys)")
        return "\n".join(lines)


class Progress:
    """Entries fetched and their rate: a live line on a terminal, a log line now and then
    otherwise."""

    def __init__(
        self,
        stream: TextIO,
        *,
        now: Callable[[], float] = time.monotonic,
        redraw_seconds: float = 0.1,
        log_seconds: float = 10.0,
    ) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._now = now
        self._every = redraw_seconds if self._tty else log_seconds
        self._started = now()
        self._shown_at: float | None = None
        self._last: tuple[int, int | None, int] = (0, None, 0)

    def __call__(self, captured: int, total: int | None, requests: int) -> None:
        self._last = (captured, total, requests)
        moment = self._now()
        if self._shown_at is None or moment - self._shown_at >= self._every:
            self._show(moment)

    def finish(self) -> None:
        self._show(self._now())
        if self._tty:
            self._stream.write("\n")
            self._stream.flush()

    def line(self, moment: float) -> str:
        captured, total, requests = self._last
        of_total = f" of {total:,}" if total is not None else ""
        elapsed = max(moment - self._started, 1e-9)
        return (
            f"snapshot: {captured:,}{of_total} entries, {requests:,} requests, "
            f"{captured / elapsed:,.0f} entries/s"
        )

    def _show(self, moment: float) -> None:
        self._shown_at = moment
        if self._tty:
            self._stream.write("\r\033[K" + self.line(moment))
            self._stream.flush()
        else:
            logger.info("%s", self.line(moment))


async def take_snapshot(
    options: SnapshotOptions, *, on_progress: OnProgress | None = None
) -> Snapshot:
    """Read the project of `options.admin_key` and all of its audit log within reach."""
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
    connector = aiohttp.TCPConnector(limit=options.concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        client = ApiClient(session, options.base_url, retry=options.retry)
        project = await client.project(options.admin_key)
        if options.member_key is not None:
            other = await client.project(options.member_key)
            if other["id"] != project["id"]:
                raise SnapshotError(
                    f"the member key opens project {other['id']}, the admin key {project['id']}"
                )
        page_size = _page_size()

        async def fetch(query: Filter) -> FetchedPage:
            action, user = query
            params: dict[str, str | int] = {"limit": page_size}
            if options.since is not None:
                params["since"] = options.since
            if action is not None:
                params["action"] = action
            if user is not None:
                params["userId"] = user
            page = await client.audit_log(options.admin_key, params)
            return FetchedPage(page["data"], page["total"])

        result = await crawl(
            fetch,
            CrawlLimits(
                page_size=page_size,
                max_entries=options.max_entries,
                max_requests=options.max_requests,
                concurrency=options.concurrency,
            ),
            hints=[*((action, None) for action in DOCUMENTED_ACTIONS), (None, SYSTEM_USER)],
            on_progress=on_progress or (lambda captured, total, requests: None),
        )
        grew_by = (await fetch((None, None))).total - result.total
    document = _document(options, project, result)
    problems = validate(document)
    if problems:
        raise SnapshotError(
            "the implementation's data does not fit the scenario format:\n  "
            + "\n  ".join(map(str, problems))
        )
    return Snapshot(document, project, result, max(0, grew_by))


def _page_size() -> int:
    """The largest `limit` the spec allows: the most entries one query can show."""
    _, operation = operations(load_spec())["listAuditLogEntries"]
    limit = next(p for p in query_parameters(operation) if p["name"] == "limit")
    return int(limit["schema"]["maximum"])


def _document(options: SnapshotOptions, project: dict[str, Any], result: CrawlResult) -> Document:
    source: dict[str, Any] = {
        # A base URL may carry a user and password; they are secrets like the keys.
        "source": str(URL(options.base_url).with_user(None)),
        "takenAt": system_time_ms(),
    }
    if options.since is not None:
        source["since"] = options.since
    source |= {"captured": result.captured, "total": result.total, "complete": result.complete}
    written: dict[str, Any] = {
        "id": project["id"],
        "name": project["name"],
        "slug": project["slug"],
        "plan": project["plan"],
        "entityTypes": project["entityTypeCount"],
        "entities": project["entityCount"],
        "members": project["memberCount"],
    }
    if options.include_keys:
        written["keys"] = [{"key": options.admin_key, "role": "admin"}]
        if options.member_key is not None:
            written["keys"].append({"key": options.member_key, "role": "member"})
    written["auditLog"] = [{name: entry[name] for name in ENTRY_FIELDS} for entry in result.entries]
    return {"version": FORMAT_VERSION, "snapshot": source, "projects": [written]}
