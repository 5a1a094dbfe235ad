"""The project counts' cache: counted at most once per period, with their age.

The contract lets the counts lag the truth by up to 60 seconds, and promises that calls
within one period agree. The clock is given (monotonic seconds), so a test can move it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Cached(Generic[T]):
    value: T
    age: float
    """Seconds since the value was computed."""
    remaining: float
    """Seconds until it is computed again (`math.inf`: never)."""


class Cache(Generic[T]):
    """Values by key, each computed again once `ttl` seconds old (`math.inf`: never)."""

    def __init__(self, ttl: float, clock: Callable[[], float]) -> None:
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._values: dict[str, tuple[float, T]] = {}

    def get(self, key: str, compute: Callable[[], T]) -> Cached[T]:
        now = self._clock()
        with self._lock:
            stored = self._values.get(key)
            if stored is None or now - stored[0] >= self._ttl:
                stored = (now, compute())
                self._values[key] = stored
        age = max(0.0, now - stored[0])
        remaining = math.inf if math.isinf(self._ttl) else max(0.0, self._ttl - age)
        return Cached(stored[1], age, remaining)
