"""The app factory: one configuration in, one fully wired aiohttp application out."""

from __future__ import annotations

from aiohttp import web

from .clock import Clock
from .config import Config
from .middlewares import setup_middlewares
from .models import World
from .routes import setup_routes
from .spec import load_spec, operations
from .state import ServerState
from .typedefs import clock_key, config_key, state_key, validators_key
from .validation import validators_for
from .world import generate_world


def create_app(config: Config | None = None, *, world: World | None = None) -> web.Application:
    """Build the mock for `config`; `world` replaces the generated one when given."""
    config = config or Config()
    spec = load_spec()
    clock = Clock()
    app = web.Application()
    app[config_key] = config
    app[clock_key] = clock
    app[state_key] = ServerState(
        world or generate_world(config.world), clock, config.cache_ttl_seconds
    )
    app[validators_key] = validators_for(operations(spec))
    setup_routes(app, spec)
    setup_middlewares(app)
    return app
