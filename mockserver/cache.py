"""The cache in front of the project counts, which makes them lag by up to a TTL."""

from __future__ import annotations

from dataclasses import dataclass

from .clock import Clock
from .models import Project, ProjectCounts


@dataclass(frozen=True, slots=True)
class CachedCounts:
    counts: ProjectCounts
    age_seconds: int
    max_age_seconds: int


class CountsCache:
    """Serves each project's counts as computed at most `ttl_seconds` ago (on the clock).

    The counts are computed on the first read after the previous copy expired, so
    within one period every read returns the same counts, however the world changed.
    """

    def __init__(self, clock: Clock, ttl_seconds: float) -> None:
        self._clock = clock
        self._ttl_ms = int(ttl_seconds * 1000)
        self._entries: dict[str, tuple[int, ProjectCounts]] = {}

    def get(self, project: Project) -> CachedCounts:
        now = self._clock.now_ms()
        cached = self._entries.get(project.id)
        # A clock set backwards before the computation also expires the copy.
        if cached is None or not 0 <= now - cached[0] < self._ttl_ms:
            cached = (now, project.counts())
            self._entries[project.id] = cached
        computed_at, counts = cached
        age_ms = now - computed_at
        return CachedCounts(
            counts=counts,
            age_seconds=age_ms // 1000,
            max_age_seconds=max(0, -(-(self._ttl_ms - age_ms) // 1000)),
        )

    def clear(self) -> None:
        self._entries.clear()
