"""`mockserver`: serve the mock, from this process or from `--workers` forked ones."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from types import FrameType

from mockserver.api.docs import DOCS_PATH
from mockserver.api.keys import state_key
from mockserver.app import create_app
from mockserver.cli import options
from mockserver.cli.options import Command, Resolved, UsageError
from mockserver.config import Config
from mockserver.control.security import CONTROL_PREFIX, TOKEN_HEADER, control_refusal
from mockserver.domain.models import World
from mockserver.serving.logs import setup_logging
from mockserver.serving.loops import LoopUnavailable, default_loop, loop_factory
from mockserver.serving.loops import run as run_on_loop
from mockserver.serving.server import listen_problem, serve_until_signalled, server_url
from mockserver.serving.workers import WorkersError, serve_workers
from mockserver.spec.loader import load_spec
from mockserver.spec.operations import operation_table

COMMAND = Command(
    "mockserver",
    "Serve a seeded mock of the Audit Log & Project API. "
    "'mockserver keys' prints the API keys of a world as JSON.",
    options.SERVE,
)


def control_off_reason(resolved: Resolved) -> str | None:
    """Why the control API is off with these options, or None when it is on.

    Off the loopback without a token it is off rather than a reason not to start: the
    API alone is safe to serve to a network (as a container does), and the line at
    start says how to turn the control API on.
    """
    if resolved[options.NO_CONTROL]:
        return "--no-control"
    if resolved[options.WORKERS] > 1:
        # Each worker process would have its own world, clock and journal, and a
        # control request would reach one of them at random: it needs one process.
        return "each of the --workers processes has its own world"
    return control_refusal(resolved[options.HOST], resolved[options.CONTROL_TOKEN])


def serve_config(resolved: Resolved) -> Config:
    """The server the options describe; `UsageError` for options that do not go together."""
    workers = resolved[options.WORKERS]
    chaos = resolved[options.CHAOS]
    config = Config(
        world=options.world_config(resolved),
        host=resolved[options.HOST],
        port=resolved[options.PORT],
        cache_ttl_seconds=resolved[options.CACHE_TTL],
        log_level=resolved[options.LOG_LEVEL],
        clock_frozen_at_ms=resolved[options.CLOCK],
        activity_per_second=resolved[options.ACTIVITY],
        control=control_off_reason(resolved) is None,
        control_token=resolved[options.CONTROL_TOKEN],
        cors=not resolved[options.NO_CORS],
        cors_origins=resolved[options.CORS_ORIGIN],
        workers=workers,
        watch=resolved[options.WATCH],
        latency_ms=resolved[options.LATENCY],
        chaos=chaos or (),
    )
    if config.watch and config.world.scenario is None:
        raise UsageError("--watch needs --scenario: there is no file to watch")
    if not config.cors and config.cors_origins:
        raise UsageError("--cors-origin: CORS is off with --no-cors")
    if config.workers > 1 and config.control_token is not None:
        raise UsageError("--control-token: the control API is off with --workers above 1")
    return config


def event_loop(resolved: Resolved) -> str:
    """The loop `--loop` names, else the default; `UsageError` when it is not installed."""
    loop = resolved[options.LOOP] or default_loop()
    try:
        loop_factory(loop)
    except LoopUnavailable as error:
        raise UsageError(str(error)) from None
    return loop


# The request the banner suggests trying, by operationId: its path comes from the spec.
TRY_OPERATION = "listAuditLogEntries"


def banner(url: str, world: World) -> str:
    """Where the mock listens, each project's keys, and a first request to try."""
    lines = [f"Audit Log & Project API mock listening on {url}"]
    for project in world.projects:
        lines.append(f"  project {project.id} ({project.slug}, {len(project.log)} entries)")
        for key in project.keys:
            lines.append(f"    {key.role.value:<6} key: {key.key}")
    try_path = operation_table(load_spec())[TRY_OPERATION].path
    lines.append(
        f"Try: curl -H 'Authorization: Bearer {world.projects[0].keys[0].key}' "
        f"{url}{try_path}?limit=5"
    )
    return "\n".join(lines)


def control_line(url: str, config: Config, off_reason: str | None) -> str:
    """Where the control API is and what guards it, or why it is off.

    `off_reason` is `control_off_reason` of the options `config` was made from.
    """
    if not config.control:
        return f"Control API: off ({off_reason})"
    guard = f"needs {TOKEN_HEADER}" if config.control_token else "loopback only"
    return f"Control API: {url}{CONTROL_PREFIX} ({guard})"


def pages_line(url: str, config: Config) -> str:
    """The pages a person opens in a browser: the docs, and the dashboard when it is on."""
    line = f"In a browser: {url}{DOCS_PATH} (the API's docs)"
    if config.control:
        line += f", {url}{CONTROL_PREFIX} (the dashboard)"
    return line


def announce(url: str, world: World, config: Config, off_reason: str | None) -> None:
    """Print the banner and the control line once the mock listens on `url`."""
    print(banner(url, world), flush=True)
    print(pages_line(url, config), flush=True)
    print(control_line(url, config, off_reason), flush=True)


def _serve_workers(config: Config, off_reason: str | None, loop: str) -> int:
    """Generate the world once, then serve it from `config.workers` processes on `loop`."""
    world = create_app(config)[state_key].world

    def on_ready(port: int) -> None:
        announce(server_url(config.host, port), world, config, off_reason)
        print(f"Serving from {config.workers} worker processes", flush=True)

    try:
        return serve_workers(
            partial(create_app, config, world=world),
            config.host,
            config.port,
            config.workers,
            on_ready,
            loop=loop,
        )
    except WorkersError as error:
        print(f"mockserver: {error}", file=sys.stderr)
        return 1


def _serve_here(config: Config, off_reason: str | None, loop: str) -> int:
    """Serve from this process on `loop` until SIGINT or SIGTERM."""
    app = create_app(config)
    world = app[state_key].world
    run_on_loop(
        serve_until_signalled(
            app,
            config.host,
            config.port,
            on_ready=lambda server: announce(server.url, world, config, off_reason),
        ),
        loop,
    )
    return 0


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def _sigterm_ends_start_up() -> Iterator[None]:
    """SIGTERM ends the process while it starts (the world can take seconds to build).

    As PID 1, in a container, a signal left to its default action is ignored: without
    a handler, a SIGTERM sent before the server listens would be lost, and the engine
    would wait for SIGKILL. Once listening, the server takes the signal itself.
    """
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(argv: Sequence[str], environ: Mapping[str, str]) -> int:
    """Serve until stopped: 0 after SIGINT or SIGTERM, 1 when it cannot listen."""
    resolved = COMMAND.resolve(argv, environ)
    config = serve_config(resolved)
    off_reason = control_off_reason(resolved)
    loop = event_loop(resolved)
    setup_logging(config.log_level)
    try:
        with _sigterm_ends_start_up():
            if config.workers > 1:
                return _serve_workers(config, off_reason, loop)
            return _serve_here(config, off_reason, loop)
    except OSError as error:
        print(f"mockserver: {listen_problem(config.host, config.port, error)}", file=sys.stderr)
        return 1
