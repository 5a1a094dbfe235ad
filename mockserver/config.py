"""Typed configuration: parsed once from the command line, then passed to `create_app`."""

from __future__ import annotations

from dataclasses import dataclass, field

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
class WorldConfig:
    """Everything that decides the generated world: same values, same bytes."""

    seed: int = DEFAULT_SEED
    projects: int = DEFAULT_PROJECTS
    entries: int = DEFAULT_ENTRIES
    world_end_ms: int = DEFAULT_WORLD_END_MS


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """How one mock server runs."""

    world: WorldConfig = field(default_factory=WorldConfig)
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    cache_ttl_seconds: float = DEFAULT_CACHE_TTL_SECONDS
    log_level: str = "info"
