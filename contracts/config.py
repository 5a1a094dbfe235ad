"""The configuration file: found, read with tomllib, and its `${VAR}` references replaced.

A run's options can live in a file so that a team writes them once: `contracts.toml`
(its top-level keys), or the `[tool.contracts]` table of `pyproject.toml`. The file is
`--config PATH` when one is named, else the nearest of the two found from the current
directory upward; in one directory `contracts.toml` wins, and a `pyproject.toml`
without a `[tool.contracts]` table does not count.

Keys stay out of files: `${NAME}` in any string value is replaced here, in this one
place, by the environment variable NAME when the file is read; `$${` stands for a
literal `${`. An unset variable is an error that names it and the key. What the keys
mean, and whether they are known, is the option table's concern (`contracts.options`):
this module only reads TOML.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = "contracts.toml"
PYPROJECT = "pyproject.toml"
# The table of pyproject.toml that holds the options.
TABLE = ("tool", "contracts")

# `$${` (an escaped `${`), or `${...}` with its closing brace when there is one.
_REFERENCE = re.compile(r"\$\$\{|\$\{(?P<name>[^}]*)(?P<close>\})?")
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message is one line naming the file."""


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """The options one file holds: TOML values by key, every `${VAR}` already replaced.

    `label` names the file (and its table) in messages; relative paths in the file are
    relative to `directory`, wherever the command runs.
    """

    path: Path
    values: Mapping[str, object]
    label: str

    @property
    def directory(self) -> Path:
        return self.path.parent

    def path_of(self, text: str) -> Path:
        """A path written in the file, relative to the file's directory unless absolute."""
        return self.directory / Path(text).expanduser()


def find(start: Path) -> Path | None:
    """The nearest `contracts.toml`, or `pyproject.toml` with `[tool.contracts]`, from
    `start` upward; None when no directory up to the root has one."""
    for directory in (start, *start.parents):
        candidate = directory / FILE_NAME
        if candidate.is_file():
            return candidate
        pyproject = directory / PYPROJECT
        # A project's pyproject.toml that says nothing about the suite is passed over, so
        # a configuration further up still counts; one that cannot be read is reported.
        if pyproject.is_file() and _table(_parse(pyproject), pyproject) is not None:
            return pyproject
    return None


def read(path: Path, environ: Mapping[str, str]) -> ConfigFile:
    """Read `path`: `[tool.contracts]` of a `pyproject.toml`, the whole of any other file.

    Raises `ConfigError` for a file that cannot be read or is not TOML, a pyproject.toml
    without the table, and a `${VAR}` that is malformed or names an unset variable.
    """
    document = _parse(path)
    if path.name == PYPROJECT:
        table = _table(document, path)
        if table is None:
            raise ConfigError(f"{path}: no [{'.'.join(TABLE)}] table")
        label = f"{path} [{'.'.join(TABLE)}]"
    else:
        table, label = document, str(path)
    values = {key: substitute(value, environ, f"{label}: {key}") for key, value in table.items()}
    return ConfigFile(path=path, values=values, label=label)


def load(explicit: Path | None, start: Path, environ: Mapping[str, str]) -> ConfigFile | None:
    """The file a run uses: `explicit` (relative to `start`) when given, else the one
    `find` finds from `start`, else None."""
    path = start / explicit if explicit is not None else find(start)
    return None if path is None else read(path, environ)


def substitute(value: object, environ: Mapping[str, str], where: str) -> object:
    """`value` with `${NAME}` in every string, at any depth, replaced from `environ`.

    `where` names the key in messages (`contracts.toml: admin-key`); a list item adds its
    index, a table its key. Replaced text is not read again, so a variable's value
    that holds `${` stays as it is.
    """
    if isinstance(value, str):
        return _substitute_text(value, environ, where)
    if isinstance(value, list):
        return [substitute(item, environ, f"{where}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, dict):
        return {key: substitute(item, environ, f"{where}.{key}") for key, item in value.items()}
    return value


def _substitute_text(text: str, environ: Mapping[str, str], where: str) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group() == "$${":
            return "${"
        name = match["name"]
        if match["close"] is None:
            raise ConfigError(
                f"{where}: '${{' without a closing '}}' (write $${{ for a literal ${{)"
            )
        if not _VARIABLE_NAME.fullmatch(name):
            raise ConfigError(
                f"{where}: ${{{name}}} is not a variable name (write $${{ for a literal ${{)"
            )
        if name not in environ:
            raise ConfigError(f"{where}: ${{{name}}} refers to {name}, which is not set")
        return environ[name]

    return _REFERENCE.sub(replace, text)


def _parse(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid TOML: not UTF-8 text") from None


def _table(document: Mapping[str, object], path: Path) -> dict[str, object] | None:
    """`[tool.contracts]` of a parsed pyproject.toml, None when it has none."""
    table: object = document
    for name in TABLE:
        if not isinstance(table, dict) or name not in table:
            return None
        table = table[name]
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {'.'.join(TABLE)} must be a table")
    return table
