"""The mock's one source of "now".

Every component that needs the time (new events, the cache of project counts) asks
the clock object held by the app, never `time.time()`, so tests can freeze, set and
advance time and see the effects at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def system_time_ms() -> int:
    return time.time_ns() // 1_000_000


class Clock:
    """Real time by default; can be frozen at an instant, set, and advanced.

    While running, the clock keeps an offset to real time, so `set` and `advance`
    also work on a running clock: time goes on from the new instant.
    """

    def __init__(
        self, *, frozen_at: int | None = None, source: Callable[[], int] = system_time_ms
    ) -> None:
        self._source = source
        self._frozen_at = frozen_at
        self._offset = 0

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def now_ms(self) -> int:
        if self._frozen_at is not None:
            return self._frozen_at
        return self._source() + self._offset

    def freeze(self) -> None:
        self._frozen_at = self.now_ms()

    def set(self, unix_ms: int) -> None:
        if self._frozen_at is not None:
            self._frozen_at = unix_ms
        else:
            self._offset = unix_ms - self._source()

    def advance(self, ms: int) -> None:
        self.set(self.now_ms() + ms)

    def run_real(self) -> None:
        """Follow real time again, from the real current instant."""
        self._frozen_at = None
        self._offset = 0
