"""The app factory: one configuration in, one fully wired aiohttp application out."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from aiohttp import web

from mockserver.api.chaos import Chaos, setup_chaos
from mockserver.api.cors import CorsPolicy, setup_cors
from mockserver.api.docs import DOCS_PREFIXES, setup_docs
from mockserver.api.keys import clock_key, config_key, operations_key, state_key
from mockserver.api.middlewares import setup_middlewares
from mockserver.api.operations import api_operations
from mockserver.api.routes import setup_routes
from mockserver.api.state import ServerState
from mockserver.config import Config
from mockserver.control.keys import events_key
from mockserver.control.middlewares import mark_faulted
from mockserver.control.routes import setup_control, setup_health
from mockserver.control.security import CONTROL_PREFIX
from mockserver.domain.clock import Clock
from mockserver.domain.events import EventWriter
from mockserver.domain.models import World
from mockserver.generate.activity import Activity, setup_activity
from mockserver.scenario.build import build_world
from mockserver.serving.watch import ScenarioWatcher, setup_watch
from mockserver.spec.loader import load_spec


def create_app(
    config: Config | None = None,
    *,
    world: World | None = None,
    world_factory: Callable[[], World] | None = None,
) -> web.Application:
    """Build the mock for `config`; `world` replaces the one `config.world` describes.

    `world_factory` makes the world a reset installs (by default, the one
    `config.world` describes); without `world`, it also makes the first one.
    `app[state_key].reset()` puts the whole server back (see `ServerState`).
    """
    config = config or Config()
    world_factory = world_factory or partial(build_world, config.world)
    spec = load_spec()
    clock = Clock(frozen_at=config.clock_frozen_at_ms)
    app = web.Application()
    app[config_key] = config
    app[clock_key] = clock
    app[state_key] = state = ServerState(
        world_factory,
        clock,
        cache_ttl_seconds=config.cache_ttl_seconds,
        world=world,
    )
    app[operations_key] = api_operations(spec)
    app[events_key] = events = EventWriter(spec, clock, config.world.seed)
    activity = Activity(config.activity_per_second, config.world.seed, clock, events)
    chaos = Chaos(config.world.seed, config.latency_ms, config.chaos)

    def restart_activity() -> None:
        activity.restart(state.world)

    restart_activity()
    # A reset puts back the event ids and the activity too (and, with `setup_control`,
    # the journal, the faults and the coverage).
    state.on_reset(events.reset)
    state.on_reset(restart_activity)
    state.on_reset(chaos.restart)
    # A reload serves a new world: the activity follows it; the rest stays (see
    # `ServerState.replace_world`).
    state.on_replace(restart_activity)
    setup_routes(app, spec)
    setup_docs(app, spec)
    # Middlewares run in the order they are added, the first outermost: the activity
    # brings the world up to the clock's now, then the control API's journal and
    # faults wrap `--latency` and `--chaos`, which wrap the API's own checks.
    setup_activity(app, activity)
    # The health answer is served with the control API off too: probes need it.
    setup_health(app)
    if config.control:
        setup_control(app, config, spec)
    setup_chaos(
        app,
        chaos,
        exempt=(CONTROL_PREFIX, *DOCS_PREFIXES),
        on_fault=mark_faulted if config.control else None,
    )
    setup_middlewares(app)
    if config.watch and config.world.scenario is not None:
        setup_watch(app, ScenarioWatcher(state, config.world.scenario.path, world_factory))
    # Outermost of all: a preflight is answered before anything else looks at it, and
    # every answer of the API, faults included, leaves with its CORS headers.
    if config.cors:
        setup_cors(app, CorsPolicy(frozenset(config.cors_origins)))
    return app
