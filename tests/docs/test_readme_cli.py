"""The README's tables of flags: every option of `mockserver`, its variable and its default."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mockserver.cli import keys, serve, snapshot
from mockserver.cli.options import ENTRIES, Command, Option
from mockserver.config import DEFAULT_ENTRIES
from tests import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
ROW = re.compile(r"^\| `(--[a-z-]+)` \| `?([A-Z_]*)`? \| ([^|]+) \|", re.MULTILINE)


def table_after(heading: str) -> dict[str, tuple[str, str]]:
    """The flag table that follows `heading`: flag -> (variable, default)."""
    section = README.split(heading, 1)[1].split("\n\n|", 1)[1].split("\n\n", 1)[0]
    return {
        flag: (variable, default.strip()) for flag, variable, default in ROW.findall("|" + section)
    }


def documented_default(option: Option[Any], text: str) -> bool:
    if option.required:
        return text == "required"
    if text in ("none", "off"):
        return option.default in (None, False)
    if text == "any":  # a repeatable option given no value restricts nothing
        return option.repeatable and option.default == ()
    # --entries stays None until resolved, which tells a scenario's entries apart.
    default = DEFAULT_ENTRIES if option is ENTRIES else option.default
    return bool(option.parse(text.strip("`")) == default)


@pytest.mark.parametrize(
    ("heading", "commands"),
    [
        ("## Command line", (serve.COMMAND, keys.COMMAND)),
        ("### Snapshot of a running implementation", (snapshot.COMMAND,)),
    ],
)
def test_the_tables_list_every_flag_with_its_variable_and_default(
    heading: str, commands: tuple[Command, ...]
) -> None:
    table = table_after(heading)
    options = {option.flag: option for command in commands for option in command.options}
    assert list(table) == list(options)
    for flag, (variable, default) in table.items():
        assert variable == options[flag].variable, flag
        assert documented_default(options[flag], default), (flag, default)
