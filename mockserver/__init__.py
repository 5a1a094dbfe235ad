"""A seeded, behaviour-exact mock of the Audit Log & Project API."""

from .app import create_app
from .config import Config, ScenarioConfig, WorldConfig
from .control.client import MockApi
from .server import ThreadedServer, serve

__all__ = [
    "Config",
    "MockApi",
    "ScenarioConfig",
    "ThreadedServer",
    "WorldConfig",
    "create_app",
    "serve",
]
