"""How requests travel: paced to a rate limit, retried when an answer is transient, counted.

One `Transport` per run is shared by the suite's own client and schemathesis's phases
(both send through `requests`, so both mount its `Adapter`): one limiter paces them
together, and one `Traffic` counts what they cost the server.

Transient answers are the gateway's and the network's, not the implementation's: 429,
502, 503, 504 and a connection dropped after it was made. Each is sent again after a
wait (the server's `Retry-After` when it gives one, otherwise exponential backoff with
jitter), never longer than `max_retry_wait`; one that persists through every retry raises
`GaveUp`, which the client turns into an inconclusive check instead of a failure.
"""

from __future__ import annotations

import random
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, InsecureRequestWarning

from .settings import Connection
from .traffic import Traffic

TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})
# The cause of a dropped connection in `Traffic.retried` and `Traffic.gave_up`.
DROPPED = "connection"
# The first backoff; each further attempt doubles it, up to `Connection.max_retry_wait`.
FIRST_BACKOFF_SECONDS = 0.1
# A request carrying this header has its target sent exactly as the header says; the
# header itself is taken out before sending.
VERBATIM_TARGET = "X-Contracts-Verbatim-Target"


class Unreachable(Exception):
    """The server gave no HTTP answer at all (refused, reset, timed out)."""


class Inconclusive(Unreachable):
    """A transient answer persisted through every retry; says which, and how often.

    Raised by the client; a check that meets it neither passed nor failed. It lives here,
    below the client, and `outcome` re-exports it with the other conclusions. It is an
    `Unreachable` (no answer that can be judged), so code that sets unreachable servers
    apart from violations sets it apart too; `run_check` tells the two apart. `cause`
    is the status as text ("503") or `DROPPED`.
    """

    def __init__(self, message: str, cause: str = "") -> None:
        super().__init__(message)
        self.cause = cause


class GaveUp(requests.RequestException):
    """A transient answer persisted through every retry: nothing can be concluded from it.

    A `requests` exception, so that schemathesis reports it as an error of the request
    (which the suite then shows as inconclusive) rather than judging the answer.
    """

    def __init__(self, cause: str, attempts: int, **kwargs: Any) -> None:
        what = "the connection dropped" if cause == DROPPED else f"the server answered {cause}"
        super().__init__(f"{what} on each of {attempts} attempts", **kwargs)
        self.cause = cause
        self.attempts = attempts


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds a `Retry-After` value asks for (delay-seconds or an HTTP date); None if unusable.

    >>> retry_after("3", datetime(2025, 1, 1, tzinfo=UTC))
    3.0
    >>> retry_after("Wed, 01 Jan 2025 00:00:05 GMT", datetime(2025, 1, 1, tzinfo=UTC))
    5.0
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def backoff(attempt: int, cap: float, rng: random.Random | None) -> float:
    """The wait before retry `attempt` (0 first): doubling from `FIRST_BACKOFF_SECONDS`, at most
    `cap`; with `rng`, a seeded jitter between half and all of it, so clients that failed
    together do not come back together."""
    delay = min(cap, FIRST_BACKOFF_SECONDS * 2.0 ** min(attempt, 60))
    return delay * rng.uniform(0.5, 1.0) if rng is not None else delay


def wait_before_retry(
    attempt: int, asked: float | None, cap: float, rng: random.Random | None
) -> float:
    """What the server asked for when it said, otherwise backoff; never more than `cap`."""
    return min(cap, asked) if asked is not None else backoff(attempt, cap, rng)


@dataclass
class Limiter:
    """At most `rate` requests a second, spaced evenly, for every thread that acquires it.

    `clock` and `sleep` are injected so pacing can be tested without waiting.
    """

    rate: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _next: float = field(default=float("-inf"), init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def acquire(self) -> float:
        """Wait for the next free slot; returns the seconds waited."""
        with self._lock:
            now = self.clock()
            slot = max(now, self._next)
            self._next = slot + 1.0 / self.rate
        wait = slot - now
        if wait > 0:
            self.sleep(wait)
        return wait

    def hold(self, seconds: float) -> None:
        """No request for `seconds` from now (a `Retry-After` holds for everyone)."""
        with self._lock:
            self._next = max(self._next, self.clock() + seconds)


@dataclass
class Transport:
    """The run's pacing, retrying and counting, shared by every client of the run."""

    connection: Connection
    traffic: Traffic = field(default_factory=Traffic)
    # Jitter for backoff; None: none (waits exactly double).
    rng: random.Random | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    limiter: Limiter | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.limiter is None and self.connection.rate_limit:
            self.limiter = Limiter(self.connection.rate_limit, self.clock, self.sleep)

    def deliver(
        self,
        send: Callable[[], requests.Response],
        request: requests.PreparedRequest,
        *,
        first: int = 0,
    ) -> requests.Response:
        """Send until an answer is not transient; `GaveUp` when one stays transient.

        `first` is the number of attempts already made elsewhere (see `adopt`).
        """
        attempts = self.connection.retries + 1
        for attempt in range(first, attempts):
            self._pace()
            with self._lock:
                self.traffic.requests += 1
            try:
                response = send()
            except requests.ConnectionError as error:
                if not _dropped(error):
                    raise
                cause, asked, last = DROPPED, None, None
            else:
                if response.status_code not in TRANSIENT_STATUSES:
                    return response
                cause = str(response.status_code)
                asked = retry_after(response.headers.get("Retry-After"), self.now())
                last = response
            if attempt + 1 == attempts:
                self._give_up(cause)
                raise GaveUp(cause, attempts, request=request, response=last)
            if last is not None:
                last.close()
            self._wait(cause, attempt, asked)
        raise AssertionError("unreachable: the loop returns or raises")

    def adopt(self, response: requests.Response, **send: Any) -> requests.Response | None:
        """A `requests` response hook for requests sent on a session without the adapter.

        schemathesis sends a few requests (its `ignored_auth` probes) on sessions it makes
        and drops at once, out of reach. The hook, passed with every request, counts those
        after the fact and sends a transient one again through the transport, so it is
        retried and given up like any other. (A connection they lose is not seen: it
        raises before any hook.) Returns the answer that replaces `response`, if any.
        """
        if isinstance(response.connection, Adapter) and response.connection.transport is self:
            return None
        with self._lock:
            self.traffic.requests += 1
        if response.status_code not in TRANSIENT_STATUSES:
            return None
        cause = str(response.status_code)
        request = response.request
        if self.connection.retries == 0:
            self._give_up(cause)
            raise GaveUp(cause, 1, request=request, response=response)
        self._wait(cause, 0, retry_after(response.headers.get("Retry-After"), self.now()))
        response.close()
        again = Adapter(self)
        try:
            return self.deliver(lambda: again.send_once(request, **send), request, first=1)
        finally:
            again.close()

    def _pace(self) -> None:
        if self.limiter is not None:
            waited = self.limiter.acquire()
            with self._lock:
                self.traffic.rate_limit_wait += waited

    def _wait(self, cause: str, attempt: int, asked: float | None) -> None:
        with self._lock:
            self.traffic.retried[cause] += 1
            seconds = wait_before_retry(attempt, asked, self.connection.max_retry_wait, self.rng)
        if cause == "429" and self.limiter is not None:
            # The gateway's limit is the run's limit: everyone holds, and the wait is pacing.
            self.limiter.hold(seconds)
            return
        started = self.clock()
        self.sleep(seconds)
        with self._lock:
            if cause == "429":
                self.traffic.rate_limit_wait += self.clock() - started
            else:
                self.traffic.retry_wait += self.clock() - started

    def _give_up(self, cause: str) -> None:
        with self._lock:
            self.traffic.gave_up[cause] += 1


class _VerbatimTarget(HTTPConnectionPool):
    """Sends the target named by `VERBATIM_TARGET` as it is: urllib3 would re-encode it
    (`%zz` to `%25zz`, `%2f` to `%2F`), so the request sent would not be the one a
    reproduction shows, and a probe for invalid escapes would probe nothing."""

    def _make_request(self, conn: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        headers = kwargs.get("headers")
        if headers is not None and VERBATIM_TARGET in headers:
            kept = {k: v for k, v in headers.items() if k.lower() != VERBATIM_TARGET.lower()}
            target = headers[VERBATIM_TARGET]
            # Through a proxy the target is the absolute URL: keep its origin.
            url = target if url.startswith("/") else _origin(url) + target
            kwargs["headers"] = kept
        return super()._make_request(conn, method, url, *args, **kwargs)


class _VerbatimHTTPPool(_VerbatimTarget):
    pass


class _VerbatimHTTPSPool(_VerbatimTarget, HTTPSConnectionPool):
    pass


VERBATIM_POOLS: dict[str, type[HTTPConnectionPool]] = {
    "http": _VerbatimHTTPPool,
    "https": _VerbatimHTTPSPool,
}


class Adapter(HTTPAdapter):
    """`requests`' adapter with the run's `Transport` around every request sent through it."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = VERBATIM_POOLS

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        manager.pool_classes_by_scheme = VERBATIM_POOLS
        return manager

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        return self.transport.deliver(lambda: self.send_once(request, *args, **kwargs), request)

    def send_once(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        """One attempt, as `requests` sends it."""
        if not self.transport.connection.insecure:
            return super().send(request, *args, **kwargs)
        # --insecure is said once in the report; urllib3 would say it on every request.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InsecureRequestWarning)
            return super().send(request, *args, **kwargs)


def mount(session: requests.Session, transport: Transport) -> requests.Session:
    """Route every request of `session` through `transport` (idempotent)."""
    current = session.get_adapter("https://")
    if not (isinstance(current, Adapter) and current.transport is transport):
        adapter = Adapter(transport)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
    return session


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _dropped(error: requests.ConnectionError) -> bool:
    """A connection lost after it was made; a refusal means no server, which is not transient."""
    if isinstance(error, requests.exceptions.SSLError | requests.exceptions.ConnectTimeout):
        return False
    return not any(
        isinstance(cause, ConnectTimeoutError | ConnectionRefusedError) for cause in causes(error)
    )


def causes(error: BaseException) -> list[BaseException]:
    """`error` and everything it wraps: chained exceptions, and the errors urllib3 keeps in
    its arguments and `reason`."""
    found: list[BaseException] = []
    pending = [error]
    while pending:
        current = pending.pop()
        if any(current is seen for seen in found):
            continue
        found.append(current)
        inner = [*current.args, getattr(current, "reason", None)]
        pending += [
            e
            for e in (current.__cause__, current.__context__, *inner)
            if isinstance(e, BaseException)
        ]
    return found
