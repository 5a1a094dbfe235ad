"""A seeded, behaviour-exact mock of the Audit Log & Project API."""

from .app import create_app
from .config import Config, WorldConfig
from .control.client import MockApi
from .server import ThreadedServer, serve

__all__ = ["Config", "MockApi", "ThreadedServer", "WorldConfig", "create_app", "serve"]
