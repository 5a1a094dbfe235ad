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
from functools import partial
from pathlib import Path
from typing import Any

from yarl import URL

from mockserver.api.keys import state_key
from mockserver.app import create_app
from mockserver.config import (
    DEFAULT_CACHE_TTL_SECONDS,
    DEFAULT_ENTRIES,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_PROJECTS,
    DEFAULT_SEED,
    DEFAULT_WORLD_END_MS,
    Config,
    ScenarioConfig,
    WorldConfig,
)
from mockserver.control.routes import keys_listing
from mockserver.control.security import (
    CONTROL_PREFIX,
    MIN_TOKEN_CHARS,
    TOKEN_HEADER,
    startup_problem,
)
from mockserver.domain.models import World
from mockserver.generate.activity import MAX_EVENTS_PER_SECOND
from mockserver.scenario.api_client import ApiClientError
from mockserver.scenario.build import build_world
from mockserver.scenario.document import ScenarioError, write_scenario
from mockserver.scenario.snapshot import (
    DEFAULT_CONCURRENCY,
    DEFAULT_MAX_REQUESTS,
    Progress,
    SnapshotError,
    SnapshotOptions,
    take_snapshot,
)
from mockserver.serving.logs import setup_logging
from mockserver.serving.server import RunningServer, serve
from mockserver.serving.workers import WorkersError, serve_workers

MAX_ENTRIES = 20_000_000
MAX_PROJECTS = 100
MAX_WORKERS = 64
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


def _clock(text: str) -> int | None:
    """`real`, or `frozen:<instant>` (Unix ms or ISO 8601): None means real time."""
    if text == "real":
        return None
    kind, _, instant = text.partition(":")
    if kind != "frozen" or not instant:
        raise argparse.ArgumentTypeError(f"expected real or frozen:<unix-ms>, got {text!r}")
    return _instant(instant)


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected events per second, got {text!r}") from None
    if not 0 <= value <= MAX_EVENTS_PER_SECOND:
        raise argparse.ArgumentTypeError(f"expected 0 to {MAX_EVENTS_PER_SECOND:g}, got {text}")
    return value


def _token(text: str) -> str:
    if len(text) < MIN_TOKEN_CHARS:
        raise argparse.ArgumentTypeError(
            f"use at least {MIN_TOKEN_CHARS} characters, for example the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe())'"
        )
    return text


def _switch(parser: argparse.ArgumentParser, flag: str, help: str) -> None:
    """Add an on/off `flag`, also on when MOCKSERVER_<FLAG> is 1, true, yes or on."""
    env = "MOCKSERVER_" + flag.removeprefix("--").replace("-", "_").upper()
    raw = os.environ.get(env, "").strip().lower()
    if raw not in ("", "0", "false", "no", "off", "1", "true", "yes", "on"):
        raise UsageError(f"{env}: expected 1, true, yes, on or 0, false, no, off, got {raw!r}")
    default = raw in ("1", "true", "yes", "on")
    parser.add_argument(flag, action="store_true", default=default, help=f"{help} (env {env})")


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
    # None tells "not given" apart, which decides whether a scenario gets generated entries.
    _option(
        parser,
        "--entries",
        _bounded_int(0, MAX_ENTRIES),
        None,
        f"audit-log entries of the first project (default {DEFAULT_ENTRIES}; "
        "with --scenario: generated entries added to the file's, default none)",
    )
    _option(
        parser,
        "--scenario",
        Path,
        None,
        "a YAML or JSON scenario file to serve instead of a generated world",
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
    _option(
        parser,
        "--clock",
        _clock,
        None,
        "real (the default), or frozen:<unix-ms or ISO 8601> to start with a frozen clock",
    )
    _option(
        parser,
        "--activity",
        _rate,
        0.0,
        "new audit-log events per second of the clock (default 0: none)",
    )
    _option(
        parser,
        "--control-token",
        _token,
        None,
        f"secret the control API ({CONTROL_PREFIX}) requires in {TOKEN_HEADER}; "
        "needed to keep it on when --host is not a loopback address",
    )
    _switch(parser, "--no-control", f"turn the control API ({CONTROL_PREFIX}) off")
    _option(
        parser,
        "--workers",
        _bounded_int(1, MAX_WORKERS),
        1,
        "processes serving the same world on one port (default 1)",
    )
    return parser


def _keys_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mockserver keys", description="Print the API keys of a world as JSON."
    )
    _world_options(parser)
    return parser


def _world_config(args: argparse.Namespace) -> WorldConfig:
    scenario = None
    if args.scenario is not None:
        scenario = ScenarioConfig(path=args.scenario, generated_entries=args.entries or 0)
    return WorldConfig(
        seed=args.seed,
        projects=args.projects,
        entries=DEFAULT_ENTRIES if args.entries is None else args.entries,
        world_end_ms=args.world_end,
        scenario=scenario,
    )


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


def control_line(url: str, config: Config) -> str:
    if not config.control:
        if config.workers > 1:
            return "Control API: off (each of the --workers processes has its own world)"
        return "Control API: off (--no-control)"
    guard = f"needs {TOKEN_HEADER}" if config.control_token else "loopback only"
    return f"Control API: {url}{CONTROL_PREFIX} ({guard})"


async def _serve_until_signalled(config: Config) -> None:
    app = create_app(config)
    world = app[state_key].world
    async with serve(app, config.host, config.port) as server:
        print(banner(server.url, world), flush=True)
        print(control_line(server.url, config), flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
        logging.getLogger("mockserver").info("stopping: finishing requests in flight")


def _serve_workers(config: Config) -> int:
    """Generate the world once, then serve it from `config.workers` processes."""
    app = create_app(config)
    world = app[state_key].world

    def announce(port: int) -> None:
        url = RunningServer(app, config.host, port).url
        print(banner(url, world), flush=True)
        print(control_line(url, config), flush=True)
        print(f"Serving from {config.workers} worker processes", flush=True)

    try:
        return serve_workers(
            partial(create_app, config, world=world),
            config.host,
            config.port,
            config.workers,
            announce,
        )
    except WorkersError as error:
        print(f"mockserver: {error}", file=sys.stderr)
        return 1


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
        clock_frozen_at_ms=args.clock,
        activity_per_second=args.activity,
        # Each worker process would have its own world, clock and journal, and a control
        # request would reach one of them at random: the control API needs one process.
        control=not args.no_control and args.workers == 1,
        control_token=args.control_token,
        workers=args.workers,
    )
    if config.workers > 1 and config.control_token is not None:
        raise UsageError("--control-token: the control API is off with --workers above 1")
    problem = startup_problem(config)
    if problem is not None:
        raise UsageError(problem)
    setup_logging(config.log_level)
    try:
        if config.workers > 1:
            return _serve_workers(config)
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
    print(json.dumps(keys_listing(build_world(_world_config(args))), indent=2))
    return 0


def _http_url(text: str) -> str:
    try:
        url = URL(text)
    except ValueError:
        url = URL()
    if url.scheme not in ("http", "https") or not url.host:
        raise argparse.ArgumentTypeError(f"expected an http:// or https:// URL, got {text!r}")
    return text


def _snapshot_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mockserver snapshot",
        description="Read a running implementation's project and audit log into a scenario.",
    )
    _option(
        parser, "--base-url", _http_url, None, "the implementation, e.g. https://api.example.com"
    )
    _option(parser, "--admin-key", str, None, "an admin key of the project to read")
    _option(parser, "--member-key", str, None, "a member key of the same project (optional)")
    _option(parser, "--since", _instant, None, "read only entries after this Unix ms or ISO 8601")
    _option(
        parser, "--max-entries", _bounded_int(1, MAX_ENTRIES), None, "stop after this many entries"
    )
    _option(
        parser,
        "--max-requests",
        _bounded_int(1, 10_000_000),
        DEFAULT_MAX_REQUESTS,
        f"stop after this many requests (default {DEFAULT_MAX_REQUESTS})",
    )
    _option(
        parser,
        "--concurrency",
        _bounded_int(1, 32),
        DEFAULT_CONCURRENCY,
        f"requests in flight at once (default {DEFAULT_CONCURRENCY})",
    )
    _option(parser, "--out", Path, None, "the scenario file to write (.json, .yaml or .yml)")
    parser.add_argument(
        "--include-keys", action="store_true", help="write the keys into the file (secrets!)"
    )
    return parser


def run_snapshot(argv: Sequence[str]) -> int:
    args = _snapshot_parser().parse_args(argv)
    for name in ("base_url", "admin_key", "out"):
        if getattr(args, name) is None:
            flag = name.replace("_", "-")
            raise UsageError(f"--{flag} is required (or MOCKSERVER_{name.upper()})")
    if not args.out.parent.is_dir():
        raise UsageError(f"--out: no directory {str(args.out.parent)!r} to write into")
    setup_logging("info")
    options = SnapshotOptions(
        base_url=args.base_url,
        admin_key=args.admin_key,
        member_key=args.member_key,
        since=args.since,
        max_entries=args.max_entries,
        max_requests=args.max_requests,
        include_keys=args.include_keys,
        concurrency=args.concurrency,
    )
    progress = Progress(sys.stderr)
    try:
        snapshot = asyncio.run(take_snapshot(options, on_progress=progress))
        write_scenario(snapshot.document, args.out)
    except (ApiClientError, SnapshotError, OSError) as error:
        print(f"mockserver snapshot: {error}", file=sys.stderr)
        return 1
    finally:
        progress.finish()
    print(f"{snapshot.report()}\nWrote {args.out}")
    return 0


COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {"keys": run_keys, "snapshot": run_snapshot}


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
    except ScenarioError as error:
        print(f"mockserver: invalid scenario {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
