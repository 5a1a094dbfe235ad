"""A seeded, behaviour-exact mock of the Audit Log & Project API."""

from mockserver.app import create_app
from mockserver.config import Config, ScenarioConfig, WorldConfig
from mockserver.control.client import MockApi
from mockserver.serving.server import ThreadedServer, serve

__all__ = [
    "Config",
    "MockApi",
    "ScenarioConfig",
    "ThreadedServer",
    "WorldConfig",
    "create_app",
    "serve",
]
