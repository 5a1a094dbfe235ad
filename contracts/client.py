"""The HTTP client of the semantic checks: every request and its answer, kept as a value.

Each exchange remembers how its `Authorization` header was built (which key, or which
deliberately wrong credential), so a failure can be reported as a `curl` command that
names the key by its environment variable instead of showing it. The connection's own
headers (`Connection.headers`) are sent with every request and remembered by name only.

Every request goes through the run's `Transport` (pacing, retries, counting) and is sent
with its target exactly as `Request.target` writes it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from . import tls
from .settings import Role, Settings
from .spec import api_facts
from .transport import VERBATIM_TARGET, GaveUp, Inconclusive, Transport, Unreachable, mount

__all__ = [
    "AUDIT_LOG",
    "PROJECT",
    "Auth",
    "Client",
    "Exchange",
    "Request",
    "Response",
    "Unreachable",
]

AUDIT_LOG = api_facts().audit_log_path
PROJECT = api_facts().project_path

Params = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Auth:
    """The `Authorization` header to send (`None`: none), and how a reproduction writes it."""

    value: str | None
    shown: str | None

    @classmethod
    def none(cls) -> Auth:
        return cls(None, None)

    @classmethod
    def literal(cls, value: str) -> Auth:
        """A header that holds no real key, so it can be shown as it is."""
        return cls(value, value)


@dataclass(frozen=True, slots=True)
class Request:
    """A request as sent; `raw_query`, when set, is the query string verbatim (for probes
    that no encoder would produce, such as invalid percent-escapes)."""

    method: str
    path: str
    params: Params
    auth: Auth
    raw_query: str | None = None
    # The names of the connection's headers sent along; their values are never kept.
    headers: tuple[str, ...] = ()

    @property
    def target(self) -> str:
        """Path and query string, encoded exactly as sent."""
        query = self.raw_query
        if query is None and self.params:
            query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in self.params)
        return f"{self.path}?{query}" if query is not None else self.path


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)

    @property
    def media_type(self) -> str:
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    def json(self) -> Any:
        """The body as JSON; raises ValueError when it is not."""
        return json.loads(self.body)

    def excerpt(self, limit: int = 300) -> str:
        text = self.body.decode("utf-8", "replace")
        return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True, slots=True)
class Exchange:
    base_url: str
    request: Request
    response: Response


class Client:
    """Sends requests to the implementation; one connection pool per run.

    `transport` is the run's (shared with schemathesis's phases); a client made without
    one paces, retries and counts on its own.
    """

    def __init__(self, settings: Settings, transport: Transport | None = None) -> None:
        self.settings = settings
        self.transport = transport or Transport(
            settings.connection, rng=random.Random(settings.seed)
        )
        self._session = mount(requests.Session(), self.transport)
        connection = settings.connection
        self._verify = tls.verify(connection)
        self._cert = tls.client_cert(connection)
        self._host = urlsplit(settings.base_url).netloc
        self._prefix = urlsplit(settings.base_url).path

    def bearer(self, role: Role) -> Auth:
        key = self.settings.key(role)
        if key is None:
            raise LookupError(f"no key given for {role.name}")
        return Auth(f"Bearer {key}", f"Bearer ${role.value}")

    def send(
        self,
        method: str,
        path: str,
        params: Sequence[tuple[str, str]] = (),
        *,
        auth: Auth | Role = Role.ADMIN,
        raw_query: str | None = None,
    ) -> Exchange:
        """One request and its answer.

        `Unreachable` when no answer came (`tls.CertificateProblem` when TLS failed);
        `Inconclusive` when only transient answers came, through every retry.
        """
        resolved = self.bearer(auth) if isinstance(auth, Role) else auth
        extra = self.settings.connection.headers
        request = Request(
            method, path, tuple(params), resolved, raw_query, tuple(name for name, _ in extra)
        )
        headers = {**dict(extra), "Accept": "application/json"}
        if resolved.value is not None:
            headers["Authorization"] = resolved.value
        url = self.settings.base_url + request.target
        # The base URL's own path (a gateway's prefix) is part of what goes on the wire.
        headers[VERBATIM_TARGET] = self._prefix + request.target
        try:
            prepared = requests.Request(method, url, headers=headers).prepare()
            environment = self._session.merge_environment_settings(
                url, {}, None, self._verify, self._cert
            )
            raw = self._session.send(
                prepared, timeout=self.settings.timeout, allow_redirects=False, **environment
            )
        except GaveUp as error:
            raise Inconclusive(f"{method} {url}: {error}", error.cause) from None
        except (requests.RequestException, OSError) as error:
            raise tls.certificate_failure(error, self._host) or Unreachable(
                f"{method} {url}: {_reason(error)}"
            ) from None
        response = Response(raw.status_code, dict(raw.headers), raw.content)
        return Exchange(self.settings.base_url, request, response)

    def get(
        self, path: str, params: Sequence[tuple[str, str]] = (), *, auth: Auth | Role = Role.ADMIN
    ) -> Exchange:
        return self.send("GET", path, params, auth=auth)

    def close(self) -> None:
        self._session.close()


def _reason(error: BaseException) -> str:
    """The innermost cause, which names the actual problem (e.g. connection refused)."""
    cause: BaseException = error
    while (inner := cause.__cause__ or cause.__context__) is not None:
        cause = inner
    text = str(cause) or type(cause).__name__
    return text.split("] ", 1)[-1] if text.startswith("[Errno") else text
