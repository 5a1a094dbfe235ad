"""The options of every command, and the one rule that gives each its value.

An option is written once, as an `Option`: its flag, which names its environment
variable (`--world-end` reads `MOCKSERVER_WORLD_END`), its parser, its default and its
help. Parsing the command line only records the flags given; `resolve` then takes, for
each option, the flag, else the variable, else the default. Reading the environment
after parsing keeps `--help` working whatever the environment holds, and lets an error
name the variable it came from.
"""

from __future__ import annotations

import argparse
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Generic, Literal, TypeVar, cast

from mockserver.cli import values
from mockserver.config import (
    DEFAULT_CACHE_TTL_SECONDS,
    DEFAULT_ENTRIES,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_PROJECTS,
    DEFAULT_SEED,
    DEFAULT_WORLD_END_MS,
    ScenarioConfig,
    WorldConfig,
)
from mockserver.control.security import CONTROL_PREFIX, TOKEN_HEADER
from mockserver.scenario.snapshot import DEFAULT_CONCURRENCY, DEFAULT_MAX_REQUESTS

T = TypeVar("T")

ENV_PREFIX = "MOCKSERVER_"
MAX_ENTRIES = 20_000_000
MAX_PROJECTS = 100
MAX_WORKERS = 64
MAX_SNAPSHOT_REQUESTS = 10_000_000
MAX_CONCURRENCY = 32


class UsageError(Exception):
    """A bad flag or environment value: reported as one line, exit code 2."""


class _Required(enum.Enum):
    REQUIRED = enum.auto()


# The default of an option that must be given, by its flag or its variable.
REQUIRED: Final = _Required.REQUIRED


@dataclass(frozen=True, slots=True)
class Option(Generic[T]):
    """One option of a command: `--flag VALUE`, or MOCKSERVER_<FLAG>=VALUE.

    A `switch` takes no value on the command line (it turns the option on); its
    variable reads on/off words. A `repeatable` option parses to a tuple: each flag
    given adds its values, and its variable holds them all, separated by commas.
    """

    flag: str
    parse: Callable[[str], T]
    default: T | Literal[_Required.REQUIRED]
    help: str
    switch: bool = False
    repeatable: bool = False

    @property
    def dest(self) -> str:
        """The attribute argparse stores the flag under: `--world-end` gives `world_end`."""
        return self.flag.removeprefix("--").replace("-", "_")

    @property
    def variable(self) -> str:
        """The environment variable of the flag: `--world-end` reads MOCKSERVER_WORLD_END."""
        return ENV_PREFIX + self.dest.upper()

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


def switch(flag: str, help: str) -> Option[bool]:
    """An on/off option, off unless its flag is given or its variable says on."""
    return Option(flag, values.on_off, False, help, switch=True)


def repeatable(
    flag: str, parse: Callable[[str], tuple[T, ...]], help: str
) -> Option[tuple[T, ...]]:
    """An option that may be given many times, empty unless given; `parse` reads one
    flag's value, or the whole variable, into a tuple."""
    return Option(flag, parse, (), help, repeatable=True)


class Resolved:
    """The value of each option of one command, read with the option: `resolved[PORT]`."""

    __slots__ = ("_values",)

    def __init__(self, by_dest: Mapping[str, object]) -> None:
        self._values = dict(by_dest)

    def __getitem__(self, option: Option[T]) -> T:
        return cast(T, self._values[option.dest])


def resolve(
    options: Sequence[Option[Any]], args: argparse.Namespace, environ: Mapping[str, str]
) -> Resolved:
    """Each option's value: its flag, else its environment variable, else its default.

    Raises `UsageError`, naming the variable, for a variable its parser refuses, and
    for a required option given neither way.
    """
    given = vars(args)
    found: dict[str, object] = {}
    for option in options:
        if option.dest in given:
            value = given[option.dest]
            found[option.dest] = tuple(value) if option.repeatable else value
        elif option.variable in environ:
            try:
                found[option.dest] = option.parse(environ[option.variable])
            except argparse.ArgumentTypeError as error:
                raise UsageError(f"{option.variable}: {error}") from None
        else:
            found[option.dest] = option.default
    for option in options:
        if found[option.dest] is REQUIRED:
            raise UsageError(f"{option.flag} is required (or {option.variable})")
    return Resolved(found)


@dataclass(frozen=True, slots=True)
class Command:
    """A command's name, what it does, and its options in the order `--help` lists them."""

    prog: str
    description: str
    options: tuple[Option[Any], ...]

    def parser(self) -> argparse.ArgumentParser:
        """A parser that records only the flags given; its help names each variable."""
        parser = argparse.ArgumentParser(prog=self.prog, description=self.description)
        for option in self.options:
            help = f"{option.help} (env {option.variable})"
            # SUPPRESS leaves a flag that was not given out of the namespace, so the
            # resolver tells it apart from one given with the default's value.
            if option.switch:
                parser.add_argument(
                    option.flag, action="store_true", default=argparse.SUPPRESS, help=help
                )
            elif option.repeatable:
                # Each flag's tuple extends the list, so `--x a --x b` gives both.
                parser.add_argument(
                    option.flag,
                    action="extend",
                    type=option.parse,
                    default=argparse.SUPPRESS,
                    help=help,
                )
            else:
                parser.add_argument(
                    option.flag, type=option.parse, default=argparse.SUPPRESS, help=help
                )
        return parser

    def resolve(self, argv: Sequence[str], environ: Mapping[str, str]) -> Resolved:
        """Parse `argv` (a bad flag exits 2, as argparse does), then `resolve` the options."""
        return resolve(self.options, self.parser().parse_args(argv), environ)


# The world: served by `mockserver`, listed by `mockserver keys`.
SEED: Option[int] = Option(
    "--seed",
    values.bounded_int(0, 2**63 - 1),
    DEFAULT_SEED,
    f"seed of the generated world (default {DEFAULT_SEED})",
)
PROJECTS: Option[int] = Option(
    "--projects",
    values.bounded_int(1, MAX_PROJECTS),
    DEFAULT_PROJECTS,
    f"number of projects (default {DEFAULT_PROJECTS})",
)
# None tells "not given" apart, which decides whether a scenario gets generated entries.
ENTRIES: Option[int | None] = Option(
    "--entries",
    values.bounded_int(0, MAX_ENTRIES),
    None,
    f"audit-log entries of the first project (default {DEFAULT_ENTRIES}; "
    "with --scenario: generated entries added to the file's, default none)",
)
SCENARIO: Option[Path | None] = Option(
    "--scenario",
    Path,
    None,
    "a YAML or JSON scenario file to serve instead of a generated world",
)
WORLD_END: Option[int] = Option(
    "--world-end",
    values.instant,
    DEFAULT_WORLD_END_MS,
    "the instant the generated logs end: Unix ms or ISO 8601 (default 2025-01-01T00:00:00Z)",
)
WORLD: tuple[Option[Any], ...] = (SEED, PROJECTS, ENTRIES, SCENARIO, WORLD_END)


def world_config(resolved: Resolved) -> WorldConfig:
    """The world the world options describe: generated, or a scenario file's."""
    entries = resolved[ENTRIES]
    path = resolved[SCENARIO]
    scenario = None if path is None else ScenarioConfig(path=path, generated_entries=entries or 0)
    return WorldConfig(
        seed=resolved[SEED],
        projects=resolved[PROJECTS],
        entries=DEFAULT_ENTRIES if entries is None else entries,
        world_end_ms=resolved[WORLD_END],
        scenario=scenario,
    )


# Serving: `mockserver`.
HOST: Option[str] = Option(
    "--host", str, DEFAULT_HOST, f"interface to listen on (default {DEFAULT_HOST})"
)
PORT: Option[int] = Option(
    "--port",
    values.bounded_int(0, 65_535),
    DEFAULT_PORT,
    f"port to listen on, 0 for any free one (default {DEFAULT_PORT})",
)
CACHE_TTL: Option[float] = Option(
    "--cache-ttl",
    values.seconds,
    DEFAULT_CACHE_TTL_SECONDS,
    f"seconds the project counts are cached (default {DEFAULT_CACHE_TTL_SECONDS:g})",
)
LOG_LEVEL: Option[str] = Option(
    "--log-level", values.log_level, "info", "debug, info, warning or error"
)
CLOCK: Option[int | None] = Option(
    "--clock",
    values.clock,
    None,
    "real (the default), or frozen:<unix-ms or ISO 8601> to start with a frozen clock",
)
ACTIVITY: Option[float] = Option(
    "--activity",
    values.rate,
    0.0,
    "new audit-log events per second of the clock (default 0: none)",
)
CONTROL_TOKEN: Option[str | None] = Option(
    "--control-token",
    values.token,
    None,
    f"secret the control API ({CONTROL_PREFIX}) requires in {TOKEN_HEADER}; "
    "needed to keep it on when --host is not a loopback address",
)
NO_CONTROL: Option[bool] = switch("--no-control", f"turn the control API ({CONTROL_PREFIX}) off")
CORS_ORIGIN: Option[tuple[str, ...]] = repeatable(
    "--cors-origin",
    values.origins,
    "an origin whose pages may call the API, e.g. http://localhost:3000 (repeatable; "
    "default any origin)",
)
NO_CORS: Option[bool] = switch("--no-cors", "send no CORS headers and answer no preflight")
WORKERS: Option[int] = Option(
    "--workers",
    values.bounded_int(1, MAX_WORKERS),
    1,
    "processes serving the same world on one port (default 1)",
)
WATCH: Option[bool] = switch(
    "--watch", "reload --scenario whenever the file changes (a bad file keeps the served world)"
)
LATENCY: Option[tuple[int, int] | None] = Option(
    "--latency",
    values.latency,
    None,
    "delay every API response by MS, or by LO-HI milliseconds drawn from the seed",
)
CHAOS: Option[tuple[tuple[str, float], ...] | None] = Option(
    "--chaos",
    values.chaos,
    None,
    "fail a share of API requests, drawn from the seed: KIND:SHARE,... with kinds "
    "429, 500, 502, 503, 504, drop, reset, truncated, malformed (e.g. 503:0.05,drop:0.01)",
)
# None: uvloop where it is installed, else asyncio (see `serving.loops.default_loop`).
LOOP: Option[str | None] = Option(
    "--loop",
    values.event_loop,
    None,
    "event loop: asyncio or uvloop (default uvloop where it is installed, else asyncio)",
)
SERVE: tuple[Option[Any], ...] = (
    HOST,
    PORT,
    *WORLD,
    CACHE_TTL,
    LOG_LEVEL,
    CLOCK,
    ACTIVITY,
    CONTROL_TOKEN,
    NO_CONTROL,
    CORS_ORIGIN,
    NO_CORS,
    WORKERS,
    LOOP,
    WATCH,
    LATENCY,
    CHAOS,
)

# Reading a running implementation: `mockserver snapshot`.
BASE_URL: Option[str] = Option(
    "--base-url", values.http_url, REQUIRED, "the implementation, e.g. https://api.example.com"
)
ADMIN_KEY: Option[str] = Option("--admin-key", str, REQUIRED, "an admin key of the project to read")
MEMBER_KEY: Option[str | None] = Option(
    "--member-key", str, None, "a member key of the same project (optional)"
)
SINCE: Option[int | None] = Option(
    "--since", values.instant, None, "read only entries after this Unix ms or ISO 8601"
)
MAX_SNAPSHOT_ENTRIES: Option[int | None] = Option(
    "--max-entries", values.bounded_int(1, MAX_ENTRIES), None, "stop after this many entries"
)
MAX_REQUESTS: Option[int] = Option(
    "--max-requests",
    values.bounded_int(1, MAX_SNAPSHOT_REQUESTS),
    DEFAULT_MAX_REQUESTS,
    f"stop after this many requests (default {DEFAULT_MAX_REQUESTS})",
)
CONCURRENCY: Option[int] = Option(
    "--concurrency",
    values.bounded_int(1, MAX_CONCURRENCY),
    DEFAULT_CONCURRENCY,
    f"requests in flight at once (default {DEFAULT_CONCURRENCY})",
)
OUT: Option[Path] = Option(
    "--out", Path, REQUIRED, "the scenario file to write (.json, .yaml or .yml)"
)
INCLUDE_KEYS: Option[bool] = switch("--include-keys", "write the keys into the file (secrets!)")
SNAPSHOT: tuple[Option[Any], ...] = (
    BASE_URL,
    ADMIN_KEY,
    MEMBER_KEY,
    SINCE,
    MAX_SNAPSHOT_ENTRIES,
    MAX_REQUESTS,
    CONCURRENCY,
    OUT,
    INCLUDE_KEYS,
)
