"""The options of a contract run, each written once, and the one rule that gives each its value.

An option is an `Option`: its name, which gives its flag (`timeout`: `--timeout`), its
environment variable (`CONTRACT_TIMEOUT`) and its key in the configuration file
(`timeout`), unless it names others; the parser of its text; its default; its help.
A front-end (the `contracts` command, the pytest plugin) registers `argument()` of each
option and collects the texts it was given, nothing more; `resolve` then takes, for each
option, the front-end's text, else the variable, else the file's value, else the
default, parses it with the same parser whatever its source, and builds one `Settings`.

Every refusal is a `UsageError` of one line that names the source of the bad value
(`--timeout`, `CONTRACT_TIMEOUT` or `contracts.toml: timeout`) and never shows a key or
a header's value.
"""

from __future__ import annotations

import difflib
import enum
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from . import config, values
from .config import ConfigError, ConfigFile
from .runner import UnknownCheck, selected
from .settings import (
    DEFAULT_MAX_EXAMPLES,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT_SECONDS,
    Connection,
    Settings,
)

T = TypeVar("T")

ENV_PREFIX = "CONTRACT_"
MAX_TIMEOUT_SECONDS = 600.0
MAX_WAIT_SECONDS = 3600.0
MAX_RATE_LIMIT = 10_000.0
MAX_RETRIES = 100


class UsageError(Exception):
    """Options that cannot make a run: reported as one line, exit status 2."""


class Kind(enum.Enum):
    """Which TOML values an option takes in the configuration file, and what they mean.

    Each kind turns a file's value into the texts a flag would carry, so one parser
    checks every source alike; the value says what is expected, for a wrong type.
    """

    TEXT = "a string"
    WHOLE = "an integer"
    NUMBER = "a number"
    PATH = "a string (a path, relative to the file's directory)"
    SWITCH = "true or false"
    NAMES = "an array of strings, or one string of names separated by commas"
    HEADERS = 'a table of header names to values, or an array of "Name: value" strings'

    def texts(self, value: object, file: ConfigFile) -> tuple[str, ...] | None:
        """The texts `value` stands for; None for a wrong type, () for an empty string."""
        if isinstance(value, str) and self in (Kind.TEXT, Kind.PATH, Kind.NAMES):
            # An empty string, as a ${VAR} set to nothing gives, is a value not given.
            if not value:
                return ()
            return (str(file.path_of(value)) if self is Kind.PATH else value,)
        if self is Kind.WHOLE and type(value) is int:
            return (str(value),)
        if self is Kind.NUMBER and type(value) in (int, float):
            return (repr(value),)
        if self is Kind.SWITCH and isinstance(value, bool):
            return ("true" if value else "false",)
        if self is Kind.NAMES and _strings(value):
            return (",".join(cast(list[str], value)),)
        if self is Kind.HEADERS and _strings(value):
            return tuple(cast(list[str], value))
        if self is Kind.HEADERS and isinstance(value, dict) and all(map(_scalar, value.values())):
            return tuple(f"{name}: {item}" for name, item in value.items())
        return None


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _scalar(value: object) -> bool:
    # A header's value in a table may be a number (`X-Version = 2`) as well as a string.
    return type(value) in (str, int, float)


@dataclass(frozen=True, slots=True, kw_only=True)
class Option(Generic[T]):
    """One option: `--<name> TEXT`, CONTRACT_<NAME>=TEXT, or `<name> = value` in the file.

    `parse` reads one text. A `switch` takes no text on a command line (its flag turns
    it on). A `repeatable` option is a tuple of parsed items: each flag given adds one,
    its variable holds one per line, its file key a table or an array. `secret` keeps
    the value out of every message.
    """

    name: str
    parse: Callable[[str], T]
    kind: Kind
    default: T | None
    help: str
    metavar: str | None = None
    required: bool = False
    switch: bool = False
    repeatable: bool = False
    secret: bool = False
    # Named only where they are not the rule's (`""` for the key: its name); `key=None`
    # keeps an option out of the file.
    variable_name: str | None = None
    key: str | None = ""

    @property
    def flag(self) -> str:
        return f"--{self.name}"

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")

    @property
    def variable(self) -> str:
        """CONTRACT_<NAME>: `other-admin-key` reads CONTRACT_OTHER_ADMIN_KEY."""
        return self.variable_name or ENV_PREFIX + self.dest.upper()

    @property
    def file_key(self) -> str | None:
        """The option's key in the configuration file; None when a file cannot set it."""
        return self.name if self.key == "" else self.key

    def argument(self, prefix: str = "") -> tuple[str, dict[str, Any]]:
        """The flag and keyword arguments that register this option with argparse's
        `add_argument` or pytest's `addoption`, under `--<prefix><name>`.

        Not given, its value is None (False for a switch): `given` reads it back, and
        `resolve` falls back to the variable, the file and the default.
        """
        keywords: dict[str, Any] = {
            "dest": (prefix + self.name).replace("-", "_"),
            "help": f"{self.help} [env {self.variable}]",
        }
        if self.switch:
            keywords.update(action="store_true", default=False)
        else:
            keywords.update(default=None, metavar=self.metavar)
            if self.repeatable:
                keywords["action"] = "append"
        return f"--{prefix}{self.name}", keywords


def given_by(lookup: Callable[[str], object], prefix: str = "") -> dict[str, object]:
    """What a front-end was given, by option name, from its parsed values by `dest`
    (`vars(namespace).get`, pytest's `config.getoption`), with `argument(prefix)`."""
    return {option.name: lookup(option.argument(prefix)[1]["dest"]) for option in OPTIONS}


def check_selection(text: str) -> tuple[str, ...]:
    """Names of checks or groups separated by commas; none selects every check."""
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    try:
        selected(names)
    except UnknownCheck as error:
        raise values.Refused(f"no check or group named {error} (see --list-checks)") from None
    return names


_wait = values.number(
    0, MAX_WAIT_SECONDS, f"seconds from 0 to {MAX_WAIT_SECONDS:g}", low_included=True
)


def wait_seconds(text: str) -> float | None:
    """Seconds to wait for the server; 0 waits not at all (None)."""
    return _wait(text) or None


# The table: the order is the order of --help.
BASE_URL: Option[str] = Option(
    name="base-url",
    parse=values.http_url,
    kind=Kind.TEXT,
    default=None,
    required=True,
    metavar="URL",
    help="where the API is served, with any path prefix a gateway adds, "
    "e.g. https://staging.example.com/gateway",
)
ADMIN_KEY: Option[str] = Option(
    name="admin-key",
    parse=values.api_key,
    kind=Kind.TEXT,
    default=None,
    required=True,
    secret=True,
    metavar="KEY",
    help="an admin API key of a project",
)
MEMBER_KEY: Option[str] = Option(
    name="member-key",
    parse=values.api_key,
    kind=Kind.TEXT,
    default=None,
    required=True,
    secret=True,
    metavar="KEY",
    help="a member API key of the same project",
)
OTHER_ADMIN_KEY: Option[str | None] = Option(
    name="other-admin-key",
    parse=values.api_key,
    kind=Kind.TEXT,
    default=None,
    secret=True,
    metavar="KEY",
    help="an admin key of a second project; enables the tenant isolation check",
)
MAX_EXAMPLES: Option[int] = Option(
    name="max-examples",
    parse=values.whole_number(1, None, "1 or more"),
    kind=Kind.WHOLE,
    default=DEFAULT_MAX_EXAMPLES,
    metavar="N",
    help="generated examples per property and per schemathesis phase "
    f"(default {DEFAULT_MAX_EXAMPLES}); more finds more, slower",
)
SEED: Option[int | None] = Option(
    name="seed",
    parse=values.whole_number(0, 2**64 - 1, "from 0 to 2^64-1"),
    kind=Kind.WHOLE,
    default=None,
    metavar="N",
    help="seed for generated inputs; the same seed repeats a run (default: a random one, printed)",
)
SELECT: Option[tuple[str, ...]] = Option(
    name="select",
    parse=check_selection,
    kind=Kind.NAMES,
    default=(),
    metavar="CHECK,...",
    help="run only these checks or groups (e.g. auth,audit.since); see --list-checks",
)
TIMEOUT: Option[float] = Option(
    name="timeout",
    parse=values.number(
        0,
        MAX_TIMEOUT_SECONDS,
        f"seconds, more than 0 and at most {MAX_TIMEOUT_SECONDS:g}",
        low_included=False,
    ),
    kind=Kind.NUMBER,
    default=DEFAULT_TIMEOUT_SECONDS,
    metavar="SECONDS",
    help=f"seconds to wait for each answer (default {DEFAULT_TIMEOUT_SECONDS:g})",
)
JUNIT_XML: Option[Path | None] = Option(
    name="junit-xml",
    parse=values.path,
    kind=Kind.PATH,
    default=None,
    metavar="PATH",
    help="also write a JUnit XML report to PATH",
)
JSON_REPORT: Option[Path | None] = Option(
    name="json-report",
    parse=values.path,
    kind=Kind.PATH,
    default=None,
    metavar="PATH",
    help="also write every check, its findings and the retries as JSON to PATH",
)
MARKDOWN_REPORT: Option[Path | None] = Option(
    name="markdown-report",
    parse=values.path,
    kind=Kind.PATH,
    default=None,
    metavar="PATH",
    help="also write a summary in Markdown to PATH (default: $GITHUB_STEP_SUMMARY when set)",
)
BASELINE: Option[Path | None] = Option(
    name="baseline",
    parse=values.path,
    kind=Kind.PATH,
    default=None,
    metavar="PATH",
    help="known failures: those listed in PATH are reported as known and do not fail the run",
)
WRITE_BASELINE: Option[Path | None] = Option(
    name="write-baseline",
    parse=values.path,
    kind=Kind.PATH,
    default=None,
    metavar="PATH",
    help="write this run's failures to PATH, as a baseline for --baseline",
)
CA_BUNDLE: Option[Path | None] = Option(
    name="ca-bundle",
    parse=values.existing_path,
    kind=Kind.PATH,
    default=None,
    metavar="PATH",
    help="trust the certificate authorities in PATH (default: SSL_CERT_FILE or "
    "REQUESTS_CA_BUNDLE when set, else the system's)",
)
INSECURE: Option[bool] = Option(
    name="insecure",
    parse=values.switch,
    kind=Kind.SWITCH,
    default=False,
    switch=True,
    help="do not verify the server's certificate (prints a warning)",
)
CLIENT_CERT: Option[Path | None] = Option(
    name="client-cert",
    parse=values.existing_path,
    kind=Kind.PATH,
    default=None,
    metavar="PATH",
    help="a client certificate (PEM) for mutual TLS; with --client-key",
)
CLIENT_KEY: Option[Path | None] = Option(
    name="client-key",
    parse=values.existing_path,
    kind=Kind.PATH,
    default=None,
    metavar="PATH",
    help="the private key (PEM) of --client-cert",
)
HEADER: Option[tuple[str, str]] = Option(
    name="header",
    parse=values.header,
    kind=Kind.HEADERS,
    default=None,
    repeatable=True,
    secret=True,
    variable_name=ENV_PREFIX + "HEADERS",
    key="headers",
    metavar='"NAME: VALUE"',
    help="a header sent on every request, e.g. a gateway key (repeatable; "
    "the variable holds one per line); redacted in every output",
)
RATE_LIMIT: Option[float | None] = Option(
    name="rate-limit",
    parse=values.number(
        0,
        MAX_RATE_LIMIT,
        f"requests a second, more than 0 and at most {MAX_RATE_LIMIT:g}",
        low_included=False,
    ),
    kind=Kind.NUMBER,
    default=None,
    metavar="N",
    help="at most N requests a second over the whole run (default: unpaced)",
)
RETRIES: Option[int] = Option(
    name="retries",
    parse=values.whole_number(0, MAX_RETRIES, f"from 0 to {MAX_RETRIES}"),
    kind=Kind.WHOLE,
    default=DEFAULT_RETRIES,
    metavar="N",
    help="times a transient answer (429, 502-504, a dropped connection) is asked again "
    f"(default {DEFAULT_RETRIES})",
)
WAIT_FOR: Option[float | None] = Option(
    name="wait-for",
    parse=wait_seconds,
    kind=Kind.NUMBER,
    default=None,
    metavar="SECONDS",
    help="wait up to SECONDS for the server to answer at all before starting "
    "(default 0: do not wait)",
)
CONFIG: Option[Path | None] = Option(
    name="config",
    parse=values.path,
    kind=Kind.PATH,
    default=None,
    key=None,
    metavar="PATH",
    help=f"the configuration file (default: {config.FILE_NAME}, else [tool.contracts] of "
    f"{config.PYPROJECT}, the nearest from the current directory up; in one directory "
    f"{config.FILE_NAME} wins)",
)
OPTIONS: tuple[Option[Any], ...] = (
    BASE_URL,
    ADMIN_KEY,
    MEMBER_KEY,
    OTHER_ADMIN_KEY,
    MAX_EXAMPLES,
    SEED,
    SELECT,
    TIMEOUT,
    JUNIT_XML,
    JSON_REPORT,
    MARKDOWN_REPORT,
    BASELINE,
    WRITE_BASELINE,
    CA_BUNDLE,
    INSECURE,
    CLIENT_CERT,
    CLIENT_KEY,
    HEADER,
    RATE_LIMIT,
    RETRIES,
    WAIT_FOR,
    CONFIG,
)
FILE_KEYS: tuple[str, ...] = tuple(o.file_key for o in OPTIONS if o.file_key is not None)


class Resolved:
    """Each option's value, read with the option: `resolved[TIMEOUT]`."""

    __slots__ = ("_values",)

    def __init__(self, by_name: Mapping[str, object]) -> None:
        self._values = dict(by_name)

    def __getitem__(self, option: Option[T]) -> T:
        return cast(T, self._values[option.name])

    def items(self, option: Option[T]) -> tuple[T, ...]:
        """The items of a repeatable option: none unless given."""
        return cast(tuple[T, ...], self._values[option.name] or ())


def configuration(
    given: Mapping[str, object], environ: Mapping[str, str], cwd: Path
) -> ConfigFile | None:
    """The configuration file of a run, read: `--config` (or CONTRACT_CONFIG) relative to
    `cwd`, else the nearest found from `cwd` upward, else None."""
    explicit = _given(CONFIG, given, environ, {})
    try:
        return config.load(
            None if explicit is None else Path(explicit[1][0]).expanduser(), cwd, environ
        )
    except ConfigError as error:
        raise UsageError(str(error)) from None


def settings(given: Mapping[str, object], environ: Mapping[str, str], cwd: Path) -> Settings:
    """The settings of a run: `resolve` with the configuration file `configuration` finds."""
    return resolve(given, environ, configuration(given, environ, cwd))


def resolve(
    given: Mapping[str, object], environ: Mapping[str, str], file: ConfigFile | None
) -> Settings:
    """The settings the options describe, each from the highest source that gives it.

    `given` holds what a front-end was given, by option name: a text, a list of texts
    (a repeatable option), True (a switch); None, False, an empty text or a missing name
    is not given. Then, for each option: its variable in `environ` (empty is not given),
    its key in `file`, its default. Raises `UsageError`.
    """
    strange = set(given) - {option.name for option in OPTIONS}
    if strange:
        # A front-end's mistake, not a user's: it registered something else.
        raise TypeError(f"not options: {', '.join(sorted(strange))}")
    in_file = _file_texts(file)
    resolved: dict[str, object] = {}
    for option in OPTIONS:
        found = _given(option, given, environ, in_file)
        resolved[option.name] = option.default if found is None else _parsed(option, *found)
    missing = [option for option in OPTIONS if option.required and resolved[option.name] is None]
    if missing:
        raise UsageError(f"missing {', '.join(_sources(option, file) for option in missing)}")
    return _settings(Resolved(resolved))


def _sources(option: Option[Any], file: ConfigFile | None) -> str:
    """Where an option could have come from: `--base-url (or CONTRACT_BASE_URL)`."""
    in_file = f", or {option.file_key} in {file.label}" if file is not None else ""
    return f"{option.flag} (or {option.variable}{in_file})"


def _file_texts(file: ConfigFile | None) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each option the file sets, by name: its source and its texts.

    Every key's type is checked here, even where a flag or a variable overrides it: a
    file that is wrong is reported whatever the run is given besides. Its values are
    parsed only where they count, so an overridden path need not exist here.
    """
    if file is None:
        return {}
    _refuse_unknown_keys(file)
    found = {}
    for option in OPTIONS:
        key = option.file_key
        if key is None or key not in file.values:
            continue
        source = f"{file.label}: {key}"
        texts = option.kind.texts(file.values[key], file)
        if texts is None:
            got = _toml_type(file.values[key])
            raise UsageError(f"{source} must be {option.kind.value}, got {got}")
        found[option.name] = (source, texts)
    return found


def _given(
    option: Option[Any],
    given: Mapping[str, object],
    environ: Mapping[str, str],
    in_files: Mapping[str, tuple[str, tuple[str, ...]]],
) -> tuple[str, tuple[str, ...]] | None:
    """Where the option's value comes from, and its texts; None when no source gives it."""
    value = given.get(option.name)
    if value is True and option.switch:
        return option.flag, ("true",)
    if isinstance(value, str) and value:
        return option.flag, (value,)
    if isinstance(value, Sequence) and not isinstance(value, str) and value:
        return option.flag, tuple(str(item) for item in value)
    text = environ.get(option.variable, "")
    if text:
        lines = tuple(line for line in text.splitlines() if line.strip())
        return option.variable, lines if option.repeatable else (text,)
    in_file = in_files.get(option.name)
    if in_file is not None and (in_file[1] or option.repeatable):
        return in_file
    return None


def _parsed(option: Option[Any], source: str, texts: tuple[str, ...]) -> object:
    items = []
    for text in texts:
        try:
            items.append(option.parse(text))
        except values.Invalid as error:
            raise UsageError(error.line(source, text, secret=option.secret)) from None
    return tuple(items) if option.repeatable else items[0]


def _refuse_unknown_keys(file: ConfigFile) -> None:
    """One line naming every unknown key, each with the known key it is close to, if
    any; when one is close to none, the known keys too."""
    unknown = [key for key in file.values if key not in FILE_KEYS]
    if not unknown:
        return
    close = {
        key: difflib.get_close_matches(key.replace("_", "-"), FILE_KEYS, n=1) for key in unknown
    }
    named = ", ".join(
        f"{key!r} (did you mean {close[key][0]!r}?)" if close[key] else repr(key) for key in unknown
    )
    plural = "s" if len(unknown) > 1 else ""
    known = "" if all(close.values()) else f"; the keys are {', '.join(FILE_KEYS)}"
    raise UsageError(f"{file.label}: unknown key{plural} {named}{known}")


def _toml_type(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def _settings(resolved: Resolved) -> Settings:
    client_cert, client_key = resolved[CLIENT_CERT], resolved[CLIENT_KEY]
    if (client_cert is None) != (client_key is None):
        raise UsageError(
            f"{CLIENT_CERT.flag} and {CLIENT_KEY.flag} go together: give both, or neither"
        )
    headers = resolved.items(HEADER)
    names = [name.lower() for name, _ in headers]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise UsageError(f"{HEADER.flag}: {', '.join(repeated)} given more than once")
    seed = resolved[SEED]
    return Settings(
        base_url=resolved[BASE_URL],
        admin_key=resolved[ADMIN_KEY],
        member_key=resolved[MEMBER_KEY],
        other_admin_key=resolved[OTHER_ADMIN_KEY],
        # Drawn when not given, so that every run has a seed it prints and can repeat.
        seed=random.SystemRandom().randrange(2**32) if seed is None else seed,
        max_examples=resolved[MAX_EXAMPLES],
        select=resolved[SELECT],
        timeout=resolved[TIMEOUT],
        junit_xml=resolved[JUNIT_XML],
        json_report=resolved[JSON_REPORT],
        markdown_report=resolved[MARKDOWN_REPORT],
        baseline=resolved[BASELINE],
        write_baseline=resolved[WRITE_BASELINE],
        connection=Connection(
            ca_bundle=resolved[CA_BUNDLE],
            insecure=resolved[INSECURE],
            client_cert=client_cert,
            client_key=client_key,
            headers=headers,
            rate_limit=resolved[RATE_LIMIT],
            retries=resolved[RETRIES],
            wait_for=resolved[WAIT_FOR],
        ),
    )
