"""The state of a running server, and the one `reset()` that puts all of it back."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from mockserver.api.auth import KeyRing
from mockserver.api.cache import CountsCache
from mockserver.domain.clock import Clock
from mockserver.domain.models import ApiKey, Project, World

# Puts one part of the server back as it was at the start; called on the event loop,
# once the new world is installed and the clock is back at its start.
ResetHook = Callable[[], object]


class ServerState:
    """Everything a reset puts back, owned by one object with one `reset()`.

    The state holds the served world and what is derived from it (the keys that open
    it, the cache of its counts), the factory of fresh worlds and the clock's start.
    The other parts a reset puts back belong to layers the API may not import (the
    event ids, the live activity, the control API's journal, faults and coverage):
    whoever creates one registers how to put it back with `on_reset`, the way
    `create_app` and `setup_control` do. So `reset()` is the only way to start again,
    and no caller has to know the list of parts, which cannot drift apart:

    >>> state = ServerState(partial(fork_world, pristine), clock, cache_ttl_seconds=60)
    >>> state.on_reset(journal.clear)
    >>> await state.reset()

    The clock's start is how it is when the state is made: frozen at its instant, or
    following real time. `world_factory` runs in a worker thread on a reset, so it must
    not read what requests change (the served world): it builds a world, or forks one
    that nothing serves.
    """

    def __init__(
        self,
        world_factory: Callable[[], World],
        clock: Clock,
        *,
        cache_ttl_seconds: float,
        world: World | None = None,
    ) -> None:
        self._world_factory = world_factory
        self._clock = clock
        self._clock_start_ms = clock.now_ms() if clock.frozen else None
        self._cache_ttl_seconds = cache_ttl_seconds
        self._hooks: list[ResetHook] = []
        self._replace_hooks: list[ResetHook] = []
        self._install(world if world is not None else world_factory())

    def on_reset(self, hook: ResetHook) -> None:
        """Have every `reset()` call `hook`, after the hooks registered before it."""
        self._hooks.append(hook)

    async def reset(self) -> None:
        """Back to a fresh world and the starting clock, with every registered part reset.

        It runs on the server's event loop (from another thread, through
        `asyncio.run_coroutine_threadsafe`); the new world is built in a worker thread,
        since a big one or a scenario file takes a while, and installed on the loop,
        between two requests, with everything else.
        """
        world = await asyncio.to_thread(self._world_factory)
        self._clock.run_real()
        if self._clock_start_ms is not None:
            self._clock.freeze()
            self._clock.set(self._clock_start_ms)
        self._install(world)
        for hook in self._hooks:
            hook()

    def on_replace(self, hook: ResetHook) -> None:
        """Have every `replace_world()` call `hook` once the new world is served."""
        self._replace_hooks.append(hook)

    async def replace_world(self, world_factory: Callable[[], World]) -> World:
        """Serve the world `world_factory` builds from now on: the reload of a scenario.

        The world is built in a worker thread; if that fails, the error propagates and
        the served world stays. Otherwise the new world, its keys and a fresh counts
        cache are installed on the loop in one step with no await inside, so a request
        sees the old world or the new one, never a mix. Unlike `reset()`, nothing else
        goes back: the clock, the event ids, the journal, the faults and the coverage
        stay; the `on_replace` hooks (the live activity) follow the new world.
        """
        world = await asyncio.to_thread(world_factory)
        self._install(world)
        for hook in self._replace_hooks:
            hook()
        return world

    def _install(self, world: World) -> None:
        self.world = world
        self.keyring = KeyRing([key for project in world.projects for key in project.keys])
        self.counts_cache = CountsCache(self._clock, self._cache_ttl_seconds)

    def authenticate(self, authorization: str | None) -> tuple[ApiKey, Project]:
        key = self.keyring.authenticate(authorization)
        return key, self.world.project_of(key)
