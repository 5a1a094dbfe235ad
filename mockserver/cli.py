"""The `mockserver` command: serve the mock, or print the keys of a world.

Flags are parsed once into a `Config`; every flag also reads an environment
variable (MOCKSERVER_<FLAG>), which the flag overrides.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from .app import create_app
from .config import (
    DEFAULT_CACHE_TTL_SECONDS,
    DEFAULT_ENTRIES,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_PROJECTS,
    DEFAULT_SEED,
    DEFAULT_WORLD_END_MS,
    Config,
    WorldConfig,
)
from .logs import setup_logging
from .models import World
from .server import serve
from .world import generate_world

MAX_ENTRIES = 20_000_000
MAX_PROJECTS = 100
LOG_LEVELS = ("debug", "info", "warning", "error")


class UsageError(Exception):
    """A bad flag or environment value: reported as one line, exit code 2."""


def _bounded_int(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {low} to {high}, got {value}")
        return value

    return parse


def _instant(text: str) -> int:
    """Unix milliseconds, or an ISO 8601 date-time with a time zone."""
    if text.isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected Unix milliseconds or an ISO 8601 date-time, got {text!r}"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give a time zone, for example {text}Z")
    return int(moment.timestamp() * 1000)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 <= value <= 86_400:
        raise argparse.ArgumentTypeError(f"expected 0 to 86400 seconds, got {text}")
    return value


def _option(
    parser: argparse.ArgumentParser, flag: str, parse: Callable[[str], Any], default: Any, help: str
) -> None:
    """Add `flag`, whose default comes from MOCKSERVER_<FLAG> when that is set."""
    env = "MOCKSERVER_" + flag.removeprefix("--").replace("-", "_").upper()
    raw = os.environ.get(env)
    if raw is not None:
        try:
            default = parse(raw)
        except argparse.ArgumentTypeError as error:
            raise UsageError(f"{env}: {error}") from None
    parser.add_argument(flag, type=parse, default=default, help=f"{help} (env {env})")


def _world_options(parser: argparse.ArgumentParser) -> None:
    _option(
        parser,
        "--seed",
        _bounded_int(0, 2**63 - 1),
        DEFAULT_SEED,
        f"seed of the generated world (default {DEFAULT_SEED})",
    )
    _option(
        parser,
        "--projects",
        _bounded_int(1, MAX_PROJECTS),
        DEFAULT_PROJECTS,
        f"number of projects (default {DEFAULT_PROJECTS})",
    )
    _option(
        parser,
        "--entries",
        _bounded_int(0, MAX_ENTRIES),
        DEFAULT_ENTRIES,
        f"audit-log entries of the first project (default {DEFAULT_ENTRIES})",
    )
    _option(
        parser,
        "--world-end",
        _instant,
        DEFAULT_WORLD_END_MS,
        "the instant the generated logs end: Unix ms or ISO 8601 (default 2025-01-01T00:00:00Z)",
    )


def _serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mockserver",
        description="Serve a seeded mock of the Audit Log & Project API. "
        "'mockserver keys' prints the API keys of a world as JSON.",
    )
    _option(parser, "--host", str, DEFAULT_HOST, f"interface to listen on (default {DEFAULT_HOST})")
    _option(
        parser,
        "--port",
        _bounded_int(0, 65_535),
        DEFAULT_PORT,
        f"port to listen on, 0 for any free one (default {DEFAULT_PORT})",
    )
    _world_options(parser)
    _option(
        parser,
        "--cache-ttl",
        _seconds,
        DEFAULT_CACHE_TTL_SECONDS,
        "seconds the project counts are cached (default 60)",
    )
    _option(parser, "--log-level", str.lower, "info", "debug, info, warning or error")
    return parser


def _keys_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mockserver keys", description="Print the API keys of a world as JSON."
    )
    _world_options(parser)
    return parser


def _world_config(args: argparse.Namespace) -> WorldConfig:
    return WorldConfig(
        seed=args.seed, projects=args.projects, entries=args.entries, world_end_ms=args.world_end
    )


def keys_listing(world: World) -> list[dict[str, str]]:
    return [
        {"project": project.id, "slug": project.slug, "role": key.role.value, "key": key.key}
        for project in world.projects
        for key in project.keys
    ]


def banner(url: str, world: World) -> str:
    lines = [f"Audit Log & Project API mock listening on {url}"]
    for project in world.projects:
        lines.append(f"  project {project.id} ({project.slug}, {len(project.log)} entries)")
        for key in project.keys:
            lines.append(f"    {key.role.value:<6} key: {key.key}")
    lines.append(
        f"Try: curl -H 'Authorization: Bearer {world.projects[0].keys[0].key}' "
        f"{url}/api/v1/audit-log?limit=5"
    )
    return "\n".join(lines)


async def _serve_until_signalled(config: Config) -> None:
    app = create_app(config)
    world = app_world(app)
    async with serve(app, config.host, config.port) as server:
        print(banner(server.url, world), flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
        logging.getLogger("mockserver").info("stopping: finishing requests in flight")


def app_world(app: Any) -> World:
    from .typedefs import state_key

    world: World = app[state_key].world
    return world


def run_serve(argv: Sequence[str]) -> int:
    args = _serve_parser().parse_args(argv)
    if args.log_level not in LOG_LEVELS:
        raise UsageError(f"--log-level: expected one of {', '.join(LOG_LEVELS)}")
    config = Config(
        world=_world_config(args),
        host=args.host,
        port=args.port,
        cache_ttl_seconds=args.cache_ttl,
        log_level=args.log_level,
    )
    setup_logging(config.log_level)
    try:
        asyncio.run(_serve_until_signalled(config))
    except OSError as error:
        reason = os.strerror(error.errno).lower() if error.errno else str(error)
        print(
            f"mockserver: cannot listen on {config.host}:{config.port}: {reason}", file=sys.stderr
        )
        return 1
    return 0


def run_keys(argv: Sequence[str]) -> int:
    args = _keys_parser().parse_args(argv)
    print(json.dumps(keys_listing(generate_world(_world_config(args))), indent=2))
    return 0


COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {"keys": run_keys}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = COMMANDS.get(argv[0]) if argv else None
    try:
        if command is not None:
            return command(argv[1:])
        return run_serve(argv)
    except UsageError as error:
        print(f"mockserver: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
