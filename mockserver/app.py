"""The app factory: one configuration in, one fully wired aiohttp application out."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from aiohttp import web

from .activity import Activity, setup_activity
from .clock import Clock
from .config import Config
from .control.routes import setup_control
from .events import EventWriter
from .middlewares import setup_middlewares
from .models import World
from .operations import api_operations
from .routes import setup_routes
from .scenario_world import build_world
from .spec import load_spec
from .state import ServerState
from .typedefs import (
    activity_key,
    clock_key,
    config_key,
    events_key,
    operations_key,
    state_key,
    world_factory_key,
)


def create_app(
    config: Config | None = None,
    *,
    world: World | None = None,
    world_factory: Callable[[], World] | None = None,
) -> web.Application:
    """Build the mock for `config`; `world` replaces the one `config.world` describes.

    `world_factory` makes the world a reset of the control API installs (by default,
    the one `config.world` describes); without `world`, it also makes the first one.
    """
    config = config or Config()
    spec = load_spec()
    clock = Clock(frozen_at=config.clock_frozen_at_ms)
    app = web.Application()
    app[config_key] = config
    app[clock_key] = clock
    app[world_factory_key] = world_factory or partial(build_world, config.world)
    app[state_key] = ServerState(world or app[world_factory_key](), clock, config.cache_ttl_seconds)
    app[operations_key] = api_operations(spec)
    app[events_key] = events = EventWriter(spec, clock, config.world.seed)
    app[activity_key] = activity = Activity(
        config.activity_per_second, config.world.seed, clock, events
    )
    activity.restart(app[state_key].world)
    setup_routes(app, spec)
    # Middlewares run in the order they are added, the first outermost: the activity
    # brings the world up to the clock's now, then the control API's journal and
    # faults wrap the API's own checks.
    setup_activity(app, activity)
    if config.control:
        setup_control(app, config, spec)
    setup_middlewares(app)
    return app
