"""Exchanges made up for the tests of judging: what the proxy would have captured."""

from __future__ import annotations

import json
from typing import Any

from contracts.proxy.capture import Captured, Headers

ADMIN = (("Authorization", "Bearer alk_a_0123456789abcdef"),)
JSON = (("Content-Type", "application/json; charset=utf-8"),)


def captured(
    target: str,
    status: int | None = 200,
    body: Any = None,
    *,
    method: str = "GET",
    request_headers: Headers = ADMIN,
    headers: Headers = JSON,
    raw: bytes | None = None,
    complete: bool = True,
    at: float = 0.0,
) -> Captured:
    return Captured(
        method=method,
        target=target,
        request_headers=request_headers,
        request_body=b"",
        status=status,
        response_headers=headers,
        body=raw if raw is not None else (b"" if body is None else json.dumps(body).encode()),
        body_complete=complete,
        started=at,
        seconds=0.001,
    )


def entry(id_: str, timestamp: int, action: str = "entity.created", user: str = "usr_1") -> Any:
    return {
        "id": id_,
        "action": action,
        "userId": user,
        "entityId": None,
        "metadata": {},
        "timestamp": timestamp,
    }


def page(*entries: Any, total: int | None = None, has_more: bool | None = None) -> Any:
    count = len(entries) if total is None else total
    more = count > len(entries) if has_more is None else has_more
    return {"data": list(entries), "total": count, "hasMore": more}
