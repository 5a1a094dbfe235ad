"""The database: the schema, the data loaded into it, and every query the API answers with.

One in-memory SQLite database per server, one connection shared by the server's threads
under a lock (sqlite3 objects may cross threads with `check_same_thread=False`, but not
be used by two at once). Every listing is one SQL query and its `COUNT(*)`: the filters
are a `WHERE`, the order an `ORDER BY`, the page a `LIMIT`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tests.contracts.sqlite.data import DataSet, Entity, Entry
from tests.contracts.sqlite.mistakes import Mistake

SCHEMA = """
CREATE TABLE projects (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, slug TEXT NOT NULL, plan TEXT NOT NULL
);
CREATE TABLE api_keys (
    digest BLOB PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects, role TEXT NOT NULL
);
CREATE TABLE members (project_id TEXT NOT NULL, user_id TEXT NOT NULL);
CREATE TABLE entity_types (project_id TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE entities (
    project_id TEXT NOT NULL, id TEXT NOT NULL, entity_type TEXT NOT NULL,
    deleted INTEGER NOT NULL, PRIMARY KEY (project_id, id)
);
CREATE TABLE audit_log (
    project_id TEXT NOT NULL, id TEXT NOT NULL, action TEXT NOT NULL,
    user_id TEXT NOT NULL, entity_id TEXT, metadata TEXT NOT NULL,
    timestamp INTEGER NOT NULL, PRIMARY KEY (project_id, id)
);
-- On (project, timestamp) only: ties are then read in insertion order, so a query
-- that forgets the `id` tie-break shows it instead of being saved by the index.
CREATE INDEX audit_log_by_time ON audit_log (project_id, timestamp);
"""


@dataclass(frozen=True, slots=True)
class Filters:
    """The validated parameters of one listing."""

    action: str | None = None
    user_id: str | None = None
    since: int | None = None
    limit: int = 50


@dataclass(frozen=True, slots=True)
class Page:
    entries: list[dict[str, Any]]
    total: int
    has_more: bool


@dataclass(frozen=True, slots=True)
class Owner:
    """The project and role an API key opens."""

    project_id: str
    role: str


@dataclass(frozen=True, slots=True)
class Counts:
    entity_types: int
    entities: int
    members: int


class Store:
    """The database of one server, with the queries of the API."""

    def __init__(self, data: DataSet, mistakes: frozenset[Mistake] = frozenset()) -> None:
        self._mistakes = mistakes
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.executescript(SCHEMA)
        with self._db:
            for project in data.projects:
                self._db.execute(
                    "INSERT INTO projects VALUES (?, ?, ?, ?)",
                    (project.id, project.name, project.slug, project.plan),
                )
                self._db.executemany(
                    "INSERT INTO api_keys VALUES (?, ?, ?)",
                    [(self.digest(k.secret), project.id, k.role) for k in project.keys],
                )
                self._db.executemany(
                    "INSERT INTO members VALUES (?, ?)", [(project.id, m) for m in project.members]
                )
                self._db.executemany(
                    "INSERT INTO entity_types VALUES (?, ?)",
                    [(project.id, t) for t in project.entity_types],
                )
                for entity in project.entities:
                    self._insert_entity(project.id, entity)
                for entry in project.entries:
                    self._insert_entry(project.id, entry)

    @contextmanager
    def _locked(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._db

    def digest(self, secret: str) -> bytes:
        """What the database keeps of a key: its SHA-256, so a lookup compares digests only."""
        if Mistake.KEYS_CASE_INSENSITIVE in self._mistakes:
            secret = secret.lower()
        return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).digest()

    def owner(self, secret: str) -> Owner | None:
        with self._locked() as db:
            row = db.execute(
                "SELECT project_id, role FROM api_keys WHERE digest = ?", (self.digest(secret),)
            ).fetchone()
        return None if row is None else Owner(row[0], row[1])

    def project(self, project_id: str) -> dict[str, str]:
        with self._locked() as db:
            row = db.execute(
                "SELECT id, name, slug, plan FROM projects WHERE id = ?", (project_id,)
            ).fetchone()
        return dict(zip(("id", "name", "slug", "plan"), row, strict=True))

    def counts(self, project_id: str) -> Counts:
        with self._locked() as db:
            row = db.execute(
                """SELECT
                    (SELECT COUNT(*) FROM entity_types WHERE project_id = :p),
                    (SELECT COUNT(*) FROM entities WHERE project_id = :p AND NOT deleted),
                    (SELECT COUNT(*) FROM members WHERE project_id = :p)""",
                {"p": project_id},
            ).fetchone()
        return Counts(*row)

    def page(self, project_id: str, filters: Filters) -> Page:
        """The newest `filters.limit` entries matching `filters`, and how many match in all."""
        where, args = self._where(project_id, filters)
        order = (
            "timestamp DESC"
            if Mistake.NO_TIE_BREAK in self._mistakes
            else "timestamp DESC, id DESC"
        )
        count_where, count_args = where, args
        if Mistake.TOTAL_UNFILTERED in self._mistakes:
            count_where, count_args = self._where(project_id, Filters())
        with self._locked() as db:
            rows = db.execute(
                "SELECT id, action, user_id, entity_id, metadata, timestamp FROM audit_log "
                f"WHERE {where} ORDER BY {order} LIMIT ?",
                [*args, filters.limit],
            ).fetchall()
            (total,) = db.execute(
                f"SELECT COUNT(*) FROM audit_log WHERE {count_where}", count_args
            ).fetchone()
        if Mistake.TOTAL_FROM_PAGE in self._mistakes:
            total = len(rows)
        has_more = total > len(rows)
        if Mistake.HAS_MORE_FROM_PAGE_SIZE in self._mistakes:
            has_more = len(rows) == filters.limit
        return Page([self._entry(row) for row in rows], total, has_more)

    def _where(self, project_id: str, filters: Filters) -> tuple[str, list[Any]]:
        equals = "LIKE" if Mistake.LIKE_FILTERS in self._mistakes else "="
        after = ">=" if Mistake.SINCE_INCLUSIVE in self._mistakes else ">"
        clauses = ["project_id = ?"]
        args: list[Any] = [project_id]
        for column, operator, value in (
            ("action", equals, filters.action),
            ("user_id", equals, filters.user_id),
            ("timestamp", after, filters.since),
        ):
            if value is not None:
                clauses.append(f"{column} {operator} ?")
                args.append(value)
        if Mistake.FILTERS_DROP_PROJECT in self._mistakes and len(clauses) > 1:
            clauses, args = clauses[1:], args[1:]
        return " AND ".join(clauses), args

    def _entry(self, row: tuple[Any, ...]) -> dict[str, Any]:
        entry_id, action, user_id, entity_id, metadata, timestamp = row
        if Mistake.TIMESTAMPS_IN_SECONDS in self._mistakes:
            timestamp //= 1000
        entry = {
            "id": entry_id,
            "action": action,
            "userId": user_id,
            "entityId": entity_id,
            "metadata": json.loads(metadata),
            "timestamp": timestamp,
        }
        if Mistake.ENTITY_ID_DROPPED in self._mistakes:
            entry = {name: value for name, value in entry.items() if value is not None}
        return entry

    def record(self, project_id: str, entry: Entry, entity: Entity) -> None:
        """An entity created while the server runs, with its audit-log entry."""
        with self._locked() as db, db:
            self._insert_entity(project_id, entity)
            self._insert_entry(project_id, entry)

    def _insert_entity(self, project_id: str, entity: Entity) -> None:
        self._db.execute(
            "INSERT INTO entities VALUES (?, ?, ?, ?)",
            (project_id, entity.id, entity.entity_type, int(entity.deleted)),
        )

    def _insert_entry(self, project_id: str, entry: Entry) -> None:
        self._db.execute(
            "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                project_id,
                entry.id,
                entry.action,
                entry.user_id,
                entry.entity_id,
                json.dumps(entry.metadata, separators=(",", ":")),
                entry.timestamp,
            ),
        )

    def close(self) -> None:
        with self._locked() as db:
            db.close()
