"""`--watch`: reload the scenario file while serving, whenever its content changes.

The file is polled on the app's own loop: its size and modification time every
`interval` seconds (a `stat`, cheap), and its SHA-256 only when those moved, so a save
that changes nothing (or a `touch`) reloads nothing. Polling needs no dependency and
behaves the same on every file system, editors' rename-on-save included; a scenario
is a small file read by a person's edits, so half a second of delay is nothing.

A changed file is built into a world off the loop and served through
`ServerState.replace_world`: a file with problems leaves the served world as it is and
logs every problem, as at start, and is not read again until it changes once more.
The task runs in the app's `cleanup_ctx`, so it starts and stops with the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from mockserver.api.state import ServerState
from mockserver.domain.models import World
from mockserver.scenario.document import ScenarioError

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What tells one version of a file from another: cheap parts first, then the hash."""

    size: int
    mtime_ns: int
    digest: str


def stat_of(path: Path) -> tuple[int, int] | None:
    """The file's size and modification time, or None when it cannot be read."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def fingerprint(path: Path) -> Fingerprint | None:
    """The file's fingerprint, or None when it cannot be read."""
    try:
        content = path.read_bytes()
        status = path.stat()
    except OSError:
        return None
    return Fingerprint(status.st_size, status.st_mtime_ns, hashlib.sha256(content).hexdigest())


class ScenarioWatcher:
    """Reloads the world from `path` through `state` whenever the file's content changes."""

    def __init__(
        self,
        state: ServerState,
        path: Path,
        world_factory: Callable[[], World],
        *,
        interval: float = DEFAULT_INTERVAL_SECONDS,
    ) -> None:
        self._state = state
        self._path = path
        self._world_factory = world_factory
        self._interval = interval
        # The version the served world was built from (read when the watcher is made,
        # right after the first world): only a different one is reloaded.
        self._seen = fingerprint(path)

    async def check(self) -> bool | None:
        """Reload if the file changed: True when a new world is served, False when the
        changed file was refused, None when nothing changed."""
        seen = self._seen
        if seen is not None and stat_of(self._path) == (seen.size, seen.mtime_ns):
            return None
        current = await asyncio.to_thread(fingerprint, self._path)
        if current == seen or (current and seen and current.digest == seen.digest):
            self._seen = current
            return None
        self._seen = current
        try:
            world = await self._state.replace_world(self._world_factory)
        except ScenarioError as error:
            log.error("invalid scenario %s\nstill serving the previous world", error)
            return False
        entries = sum(len(project.log) for project in world.projects)
        log.info("reloaded %s: %d projects, %d entries", self._path, len(world.projects), entries)
        return True

    async def run(self) -> None:
        """Check every `interval` seconds until cancelled; a failure never stops it."""
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.check()
            except Exception:
                log.exception("could not reload %s; still serving the previous world", self._path)


def setup_watch(app: web.Application, watcher: ScenarioWatcher) -> None:
    """Run `watcher` while `app` runs."""

    async def watching(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(watcher.run(), name="scenario-watch")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.cleanup_ctx.append(watching)
