"""A client of the API over HTTP for tools that read an implementation: JSON out,
answers checked against the spec, 429 and 5xx retried with backoff.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from jsonschema import Draft202012Validator

from mockserver.domain.models import redact_key
from mockserver.spec.loader import load_spec, schema_validator
from mockserver.spec.operations import operation_table
from mockserver.spec.problems import first_problem
from mockserver.spec.text import shorten

# Characters of an unexpected body quoted in a message: enough to tell an HTML error
# page or a proxy's answer from JSON.
SHOWN_BODY_CHARS = 60

logger = logging.getLogger("mockserver.client")


class ApiClientError(Exception):
    """The implementation cannot be read: one line that says why."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """How often and how patiently to retry a 429, a 5xx or a dropped connection."""

    attempts: int = 6
    first_delay_seconds: float = 0.5
    max_delay_seconds: float = 30.0

    def delay(self, attempt: int, retry_after: str | None) -> float:
        """Seconds to wait before retry number `attempt` (1 for the first retry)."""
        if retry_after is not None and retry_after.strip().isdigit():
            return min(float(retry_after), self.max_delay_seconds)
        backoff: float = self.first_delay_seconds * 2 ** (attempt - 1)
        return min(backoff, self.max_delay_seconds)


class _Retry(Exception):
    def __init__(self, reason: str, retry_after: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class ApiClient:
    """GETs the two operations with a key and returns their checked JSON bodies."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        *,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        spec = load_spec()
        operations = operation_table(spec)
        self._audit_log_path = operations["listAuditLogEntries"].path
        self._project_path = operations["getProject"].path
        schemas = spec["components"]["schemas"]
        self._page_schema = schema_validator(spec, schemas["AuditLogPage"])
        self._project_schema = schema_validator(spec, schemas["ProjectResponse"])
        self.requests = 0

    async def project(self, key: str) -> dict[str, Any]:
        body = await self._get_json(self._project_path, key, {})
        _check(self._project_schema, body, self._project_path)
        project: dict[str, Any] = body["data"]
        return project

    async def audit_log(self, key: str, params: Mapping[str, str | int]) -> dict[str, Any]:
        body = await self._get_json(self._audit_log_path, key, params)
        _check(self._page_schema, body, self._audit_log_path)
        page: dict[str, Any] = body
        return page

    async def _get_json(self, path: str, key: str, params: Mapping[str, str | int]) -> Any:
        url = self._base_url + path
        for attempt in range(1, self._retry.attempts + 1):
            try:
                return await self._get_once(url, key, params)
            except _Retry as retry:
                if attempt == self._retry.attempts:
                    raise ApiClientError(
                        f"GET {path}: {retry.reason}, still after {attempt} attempts"
                    ) from None
                delay = self._retry.delay(attempt, retry.retry_after)
                logger.warning(
                    "GET %s: %s; retrying in %.1f s (attempt %d of %d)",
                    path,
                    retry.reason,
                    delay,
                    attempt + 1,
                    self._retry.attempts,
                )
                await self._sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _get_once(self, url: str, key: str, params: Mapping[str, str | int]) -> Any:
        self.requests += 1
        headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
        try:
            async with self._session.get(url, params=dict(params), headers=headers) as response:
                body = await response.read()
                status = response.status
                retry_after = response.headers.get("Retry-After")
        except (aiohttp.ClientConnectionError, TimeoutError) as error:
            raise _Retry(f"connection failed ({type(error).__name__}: {error})") from None
        if status == 429 or status >= 500:
            raise _Retry(f"{status} {_reason(body)}", retry_after)
        if status != 200:
            raise ApiClientError(_refusal(url, status, body, key))
        try:
            return json.loads(body)
        except ValueError:
            raise ApiClientError(f"GET {url}: expected JSON, got {_start(body)}") from None


def _check(validator: Draft202012Validator, body: Any, path: str) -> None:
    problem = first_problem(validator, body, "body")
    if problem is not None:
        raise ApiClientError(f"GET {path}: the answer does not follow the API: {problem}")


def _start(body: bytes) -> str:
    """The start of a body that is not what was expected, quoted."""
    text = body.decode("utf-8", errors="replace")
    return json.dumps(shorten(text, SHOWN_BODY_CHARS), ensure_ascii=False)


def _reason(body: bytes) -> str:
    """The `message` of an error envelope, else the start of the body."""
    try:
        message = json.loads(body)["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return _start(body)
    return str(message)


def _refusal(url: str, status: int, body: bytes, key: str) -> str:
    hint = {
        401: f"the key {redact_key(key)} was not accepted",
        403: f"the key {redact_key(key)} may not read this (is it an admin key?)",
        404: "nothing there (is the base URL right?)",
    }.get(status, "unexpected answer")
    return f"GET {url}: {status}: {hint}: {_reason(body)}"
