"""Typed configuration: parsed once from the command line, then passed to `create_app`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SEED = 2024
# The instant the generated audit logs end: 2025-01-01T00:00:00Z. Fixed, so the same
# seed gives the same timestamps on any day.
DEFAULT_WORLD_END_MS = 1_735_689_600_000
DEFAULT_ENTRIES = 5_000
DEFAULT_PROJECTS = 3
DEFAULT_CACHE_TTL_SECONDS = 60.0
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioConfig:
    """A scenario file served instead of a generated world.

    `generated_entries` > 0 adds to it what the world of the same seed with that many
    `entries` generates (see `scenario_world.build_world`).
    """

    path: Path
    generated_entries: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class WorldConfig:
    """Everything that decides the generated world: same values, same bytes."""

    seed: int = DEFAULT_SEED
    projects: int = DEFAULT_PROJECTS
    entries: int = DEFAULT_ENTRIES
    world_end_ms: int = DEFAULT_WORLD_END_MS
    # A scenario file replaces the generated projects; `projects` and `entries` then
    # do not apply.
    scenario: ScenarioConfig | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """How one mock server runs."""

    world: WorldConfig = field(default_factory=WorldConfig)
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    cache_ttl_seconds: float = DEFAULT_CACHE_TTL_SECONDS
    log_level: str = "info"
    # The clock starts frozen at this Unix-ms instant; None follows real time.
    clock_frozen_at_ms: int | None = None
    # New audit-log events generated per second of the clock; 0 generates none.
    activity_per_second: float = 0.0
    # The /__mock/ control API: on by default; off the loopback it needs the token.
    control: bool = True
    control_token: str | None = None
    # CORS on the API (`/api/`): any origin may read it unless `cors_origins` names the
    # ones that may (serialized origins, `http://localhost:3000`).
    cors: bool = True
    cors_origins: tuple[str, ...] = ()
    # Processes serving the same world on one port (SO_REUSEPORT); 1 serves in-process.
    workers: int = 1
    # Reload `world.scenario` when its file changes (it needs a scenario).
    watch: bool = False
    # Every API request waits a delay drawn from this range of ms; None waits nothing.
    latency_ms: tuple[int, int] | None = None
    # The share of API requests each chaos kind fails: (("503", 0.05), ("drop", 0.01)).
    chaos: tuple[tuple[str, float], ...] = ()
