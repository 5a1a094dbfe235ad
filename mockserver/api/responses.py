"""JSON responses, serialized the one way every body of the mock is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from mockserver.domain.encoding import dumps


def json_response(
    value: Any, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    return web.json_response(value, status=status, headers=headers, dumps=dumps)
