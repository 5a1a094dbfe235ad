"""Compact JSON text: one serialization for every body the mock writes."""

from __future__ import annotations

import json
from typing import Any

# One encoder for every body: json.dumps with options builds a new one on each call.
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dumps(value: Any) -> str:
    return _COMPACT.encode(value)
