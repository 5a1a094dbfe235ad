"""The cache in front of the project counts, which makes them lag by up to a TTL."""

from __future__ import annotations

from typing import NamedTuple

from mockserver.domain.clock import Clock
from mockserver.domain.models import Project, ProjectCounts


class CachedCounts(NamedTuple):
    counts: ProjectCounts
    # The project's JSON body with these counts, rendered once per computation.
    json: bytes
    age_seconds: int
    max_age_seconds: int


class _Computed(NamedTuple):
    at_ms: int
    counts: ProjectCounts
    json: bytes


class CountsCache:
    """Serves each project's counts as computed at most `ttl_seconds` ago (on the clock).

    The counts are computed on the first read after the previous copy expired, so
    within one period every read returns the same counts, however the world changed.
    """

    def __init__(self, clock: Clock, ttl_seconds: float) -> None:
        self._clock = clock
        self._ttl_ms = int(ttl_seconds * 1000)
        self._entries: dict[str, _Computed] = {}

    def get(self, project: Project) -> CachedCounts:
        now = self._clock.now_ms()
        computed = self._entries.get(project.id)
        # A clock set backwards before the computation also expires the copy.
        if computed is None or not 0 <= now - computed.at_ms < self._ttl_ms:
            counts = project.counts()
            computed = self._entries[project.id] = _Computed(now, counts, project.json(counts))
        age_ms = now - computed.at_ms
        return CachedCounts(
            computed.counts,
            computed.json,
            age_ms // 1000,
            max(0, -(-(self._ttl_ms - age_ms) // 1000)),
        )

    def clear(self) -> None:
        self._entries.clear()
