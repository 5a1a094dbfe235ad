"""The world a running server serves, with what is derived from it."""

from __future__ import annotations

from mockserver.api.auth import KeyRing
from mockserver.api.cache import CountsCache
from mockserver.domain.clock import Clock
from mockserver.domain.models import ApiKey, Project, World


class ServerState:
    """The served world, the keys that open it and the cache of its counts.

    They change together (a reset installs a new world), so they live in one object
    that the app holds, rather than in separate app keys that could drift apart.
    """

    def __init__(self, world: World, clock: Clock, cache_ttl_seconds: float) -> None:
        self._clock = clock
        self._cache_ttl_seconds = cache_ttl_seconds
        self.install(world)

    def install(self, world: World) -> None:
        self.world = world
        self.keyring = KeyRing([key for project in world.projects for key in project.keys])
        self.counts_cache = CountsCache(self._clock, self._cache_ttl_seconds)

    def authenticate(self, authorization: str | None) -> tuple[ApiKey, Project]:
        key = self.keyring.authenticate(authorization)
        return key, self.world.project_of(key)
