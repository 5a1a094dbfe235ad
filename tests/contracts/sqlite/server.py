"""The HTTP side: `http.server` handlers for the two endpoints, and serving them in a thread.

The stack is Python's standard library only: `ThreadingHTTPServer` and a
`BaseHTTPRequestHandler` whose `do_GET` authenticates (401), authorizes (403), validates
(400) and asks the store, in that order. Every error, the framework's own included
(`send_error` is overridden), is the contract's JSON envelope.

>>> with serving() as api:  # doctest: +SKIP
...     api.url, api.keys.admin
"""

from __future__ import annotations

import json
import math
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

from tests.contracts.sqlite.cache import Cache
from tests.contracts.sqlite.data import Project, generate, new_entity
from tests.contracts.sqlite.mistakes import Mistake
from tests.contracts.sqlite.store import Counts, Filters, Owner, Store
from tests.contracts.sqlite.validation import InvalidParameter, parse_query

AUDIT_LOG = "/api/v1/audit-log"
PROJECT = "/api/v1/project"
ALLOWED_METHODS = "GET, HEAD"
# The contract's caching period of the project counts.
COUNTS_TTL_SECONDS = 60.0
DEFAULT_SEED = 4242
# The first project's log is longer than a page (200), the second's fits in one.
DEFAULT_ENTRIES = (600, 150)
# A body sent with a refused method is read and dropped up to this size; beyond it the
# connection is closed instead, so a large upload costs nothing.
MAX_DISCARDED_BODY = 1 << 20


@dataclass(frozen=True, slots=True)
class ApiError(Exception):
    """An error answer: status, the envelope's code and message, and extra headers."""

    status: int
    code: str
    message: str
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: Any
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Api:
    """Everything the handlers share: the database, the counts' cache, the mistakes made."""

    store: Store
    counts: Cache[Counts]
    mistakes: frozenset[Mistake] = frozenset()

    def makes(self, mistake: Mistake) -> bool:
        return mistake in self.mistakes


class ApiServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, api: Api) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.api = api


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "auditlog-sqlite/1.0"
    # An idle keep-alive connection is closed after this many seconds.
    timeout = 15
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm and
    # the client's delayed ACK hold the body back some 40 ms on every answer.
    disable_nagle_algorithm = True

    @property
    def api(self) -> Api:
        return cast(ApiServer, self.server).api

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Nothing is logged: a request line or header may hold a key."""

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        if self.api.makes(Mistake.NO_HEAD):
            self._refuse()
        else:
            self._answer(head=True)

    def _refuse(self) -> None:
        self._discard_body()
        if self.api.makes(Mistake.DEFAULT_ERROR_PAGES):
            # What http.server does for a method without a `do_*` handler.
            BaseHTTPRequestHandler.send_error(
                self, HTTPStatus.NOT_IMPLEMENTED, f"Unsupported method ({self.command!r})"
            )
            return
        self._send_error(self._method_not_allowed())

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_TRACE = do_CONNECT = _refuse

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The framework's own errors (unknown methods, unparsable requests) as the
        envelope; http.server's HTML page only where that mistake is made."""
        if self.api.makes(Mistake.DEFAULT_ERROR_PAGES):
            super().send_error(code, message, explain)
            return
        # The request was not read to its end: the connection cannot carry another.
        self.close_connection = True
        if code == HTTPStatus.NOT_IMPLEMENTED:
            self._send_error(self._method_not_allowed())
        else:
            self._send_error(ApiError(code, "bad_request", "The request is not valid HTTP."))

    def _not_found(self, path: str) -> None:
        if self.api.makes(Mistake.DEFAULT_ERROR_PAGES):
            BaseHTTPRequestHandler.send_error(self, HTTPStatus.NOT_FOUND)
        else:
            self._send_error(ApiError(404, "not_found", f"No endpoint at {path[:100]}."))

    def _method_not_allowed(self) -> ApiError:
        headers = () if self.api.makes(Mistake.NO_ALLOW_HEADER) else (("Allow", ALLOWED_METHODS),)
        return ApiError(
            405,
            "method_not_allowed",
            f"{self.command} is not allowed here; use GET or HEAD.",
            headers,
        )

    def _discard_body(self) -> None:
        """Read and drop a body the request carries, or close the connection after it."""
        length = self.headers.get("Content-Length", "0").strip()
        readable = (
            length.isascii() and length.isdecimal() and not self.headers.get("Transfer-Encoding")
        )
        if not readable or int(length) > MAX_DISCARDED_BODY:
            self.close_connection = True
        elif int(length):
            self.rfile.read(int(length))

    def _answer(self, *, head: bool) -> None:
        self._discard_body()
        path, _, query = self.path.partition("?")
        routes: dict[str, Callable[[str], Answer]] = {
            AUDIT_LOG: self._audit_log,
            PROJECT: self._project,
        }
        route = routes.get(path)
        if route is None:
            self._not_found(path)
            return
        try:
            answer = route(query)
        except ApiError as error:
            self._send_error(error, head=head)
            return
        except Exception:  # the catch-all every framework has: a bug is a 500, not a hang-up
            self._send_error(ApiError(500, "internal_error", "The server failed."), head=head)
            return
        self._send_json(answer, head=head)

    def _audit_log(self, query: str) -> Answer:
        early = self._filters(query) if self.api.makes(Mistake.VALIDATION_BEFORE_AUTH) else None
        owner = self._authenticate()
        if owner.role != "admin" and not self.api.makes(Mistake.MEMBER_READS_AUDIT_LOG):
            raise ApiError(403, "forbidden", "The audit log needs an admin API key.")
        filters = early if early is not None else self._filters(query)
        page = self.api.store.page(owner.project_id, filters)
        return Answer(200, {"data": page.entries, "total": page.total, "hasMore": page.has_more})

    def _project(self, query: str) -> Answer:
        owner = self._authenticate()
        store = self.api.store
        cached = self.api.counts.get(owner.project_id, lambda: store.counts(owner.project_id))
        counts = cached.value
        body = {
            "data": {
                **store.project(owner.project_id),
                "entityTypeCount": counts.entity_types,
                "entityCount": counts.entities,
                "memberCount": counts.members,
            }
        }
        headers = [("Age", str(int(cached.age)))]
        if not math.isinf(cached.remaining):
            headers.append(("Cache-Control", f"private, max-age={math.ceil(cached.remaining)}"))
        return Answer(200, body, tuple(headers))

    def _filters(self, query: str) -> Filters:
        try:
            return parse_query(query, self.api.mistakes)
        except InvalidParameter as invalid:
            message = invalid.message
            if self.api.makes(Mistake.MESSAGE_WITHOUT_NAME):
                message = "Invalid query parameter."
            raise ApiError(400, "invalid_parameter", message) from None

    def _authenticate(self) -> Owner:
        header = self.headers.get("Authorization") or ""
        if self.api.makes(Mistake.BEARER_OPTIONAL):
            secret = header.removeprefix("Bearer ").strip()
        else:
            scheme, _, secret = header.partition(" ")
            if scheme.lower() != "bearer":
                secret = ""
        owner = self.api.store.owner(secret) if secret else None
        if owner is not None:
            return owner
        message = "A valid API key is required as 'Authorization: Bearer <api-key>'."
        if self.api.makes(Mistake.KEY_ECHOED) and secret:
            message = f"Unknown API key {secret!r}."
        headers = (
            ()
            if self.api.makes(Mistake.NO_WWW_AUTHENTICATE)
            else (("WWW-Authenticate", 'Bearer realm="audit-log"'),)
        )
        raise ApiError(401, "unauthorized", message, headers)

    def _send_error(self, error: ApiError, *, head: bool | None = None) -> None:
        body = {"error": {"code": error.code, "message": error.message}}
        answer = Answer(error.status, body, error.headers)
        self._send_json(answer, head=self.command == "HEAD" if head is None else head)

    def _send_json(self, answer: Answer, *, head: bool) -> None:
        payload = json.dumps(answer.body, separators=(",", ":")).encode()
        self.send_response(answer.status)
        if not self.api.makes(Mistake.NO_CONTENT_TYPE):
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in answer.headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head:
            self.wfile.write(payload)


@dataclass(frozen=True, slots=True)
class Keys:
    """The keys a contract run needs: an admin and a member of the first project, and an
    admin of the second."""

    admin: str
    member: str
    other_admin: str


@dataclass(frozen=True, slots=True)
class Served:
    """A running server: where it answers, and its keys."""

    url: str
    keys: Keys


def _activity(
    store: Store, project: Project, per_second: float, stop: threading.Event, seed: int
) -> None:
    """Entities created in the first project while the server runs, as on a live server."""
    rng = random.Random(seed)
    while not stop.wait(1 / per_second):
        entry, entity = new_entity(rng, project, time.time_ns() // 1_000_000)
        store.record(project.id, entry, entity)


@contextmanager
def serving(
    *,
    seed: int = DEFAULT_SEED,
    entries: tuple[int, ...] = DEFAULT_ENTRIES,
    mistakes: Iterable[Mistake] = (),
    counts_ttl: float = COUNTS_TTL_SECONDS,
    activity_per_second: float = 0.0,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[Served]:
    """The API on 127.0.0.1 at a free port, served by a thread until the block ends.

    `mistakes` turns on the mistakes named; `activity_per_second` creates entities in the
    first project while it runs; `clock` (monotonic seconds) times the counts' cache.
    """
    if len(entries) < 2:
        raise ValueError("the contract needs two projects: give two sizes or more")
    made = frozenset(mistakes)
    data = generate(seed, entries)
    store = Store(data, made)
    ttl = counts_ttl
    if Mistake.COUNTS_UNCACHED in made:
        ttl = 0.0
    elif Mistake.COUNTS_CACHED_FOREVER in made:
        ttl = math.inf
    server = ApiServer(Api(store, Cache(ttl, clock), made))
    threads = [threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)]
    stop = threading.Event()
    first, second = data.projects[0], data.projects[1]
    if activity_per_second > 0:
        threads.append(
            threading.Thread(
                target=_activity,
                args=(store, first, activity_per_second, stop, seed),
                daemon=True,
            )
        )
    for thread in threads:
        thread.start()
    host, port = server.server_address[:2]
    try:
        yield Served(
            f"http://{host!s}:{port}",
            Keys(first.key("admin"), first.key("member"), second.key("admin")),
        )
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        for thread in threads:
            thread.join(timeout=5)
        store.close()
