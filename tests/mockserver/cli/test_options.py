"""The options of every command: each flag has its variable, and a flag beats its variable,
which beats the default."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.cli import keys, options, serve, snapshot
from mockserver.cli.options import REQUIRED, Command, Option, UsageError
from mockserver.config import Config, ScenarioConfig, WorldConfig

COMMANDS = (serve.COMMAND, keys.COMMAND, snapshot.COMMAND)
EVERY_OPTION = {option.flag: option for command in COMMANDS for option in command.options}

# Two valid texts of each option that takes a value, giving different values.
SAMPLES: dict[str, tuple[str, str]] = {
    "--seed": ("1", "2"),
    "--projects": ("1", "100"),
    "--entries": ("0", "7"),
    "--scenario": ("a.yaml", "b.json"),
    "--world-end": ("1000", "2024-01-01T00:00:00Z"),
    "--host": ("0.0.0.0", "::1"),
    "--port": ("0", "65535"),
    "--cache-ttl": ("0", "1.5"),
    "--log-level": ("debug", "WARNING"),
    "--clock": ("real", "frozen:5"),
    "--activity": ("0", "2.5"),
    "--control-token": ("a" * 16, "b" * 20),
    "--workers": ("1", "64"),
    "--loop": ("asyncio", "UVLOOP"),
    "--latency": ("200", "50-400"),
    "--chaos": ("503:0.05,429:0.02,drop:0.01", "reset:1"),
    "--cors-origin": ("http://localhost:3000", "https://a.example,http://127.0.0.1:5173"),
    "--base-url": ("http://a.example", "https://b.example:8443"),
    "--admin-key": ("alk_a_one", "alk_a_two"),
    "--member-key": ("alk_m_one", "alk_m_two"),
    "--since": ("1", "2024-01-01T00:00:00+01:00"),
    "--max-entries": ("1", "20000000"),
    "--max-requests": ("1", "2"),
    "--concurrency": ("1", "32"),
    "--out": ("a.json", "b.yaml"),
}
# A text each option's parser refuses, for the options that can refuse one.
REFUSED: dict[str, str] = {
    "--seed": "abc",
    "--projects": "0",
    "--entries": "-1",
    "--world-end": "yesterday",
    "--port": "x",
    "--cache-ttl": "-1",
    "--log-level": "loud",
    "--clock": "later",
    "--activity": "nan",
    "--control-token": "short",
    "--no-control": "maybe",
    "--workers": "0",
    "--loop": "trio",
    "--watch": "maybe",
    "--latency": "400-50",
    "--chaos": "503:0.6,429:0.6",
    "--cors-origin": "localhost:3000",
    "--no-cors": "maybe",
    "--base-url": "ftp://x",
    "--since": "2024-01-01T00:00:00",
    "--max-entries": "0",
    "--max-requests": "",
    "--concurrency": "33",
    "--include-keys": "2",
}
ON_WORDS = ["1", "true", "YES", " on "]
OFF_WORDS = ["", "0", "false", "No", "off"]


def variable_of(flag: str) -> str:
    return "MOCKSERVER_" + flag.removeprefix("--").replace("-", "_").upper()


def test_every_flag_of_every_command_is_an_option_whose_help_names_its_variable() -> None:
    for command in COMMANDS:
        flags = [option.flag for option in command.options]
        assert len(set(flags)) == len(flags), command.prog
        actions = [a for a in command.parser()._actions if a.dest != "help"]
        assert [action.option_strings for action in actions] == [[flag] for flag in flags]
        for action in actions:
            assert action.help is not None
            assert action.help.endswith(f"(env {variable_of(action.option_strings[0])})")


def test_the_help_shows_each_variable() -> None:
    for command in COMMANDS:
        text = " ".join(command.parser().format_help().split())
        for option in command.options:
            assert f"(env {variable_of(option.flag)})" in text, option.flag


def test_the_samples_cover_every_option() -> None:
    switches = {flag for flag, option in EVERY_OPTION.items() if option.switch}
    assert switches == {"--no-control", "--no-cors", "--include-keys", "--watch"}
    assert set(SAMPLES) == set(EVERY_OPTION) - switches
    for flag, (one, other) in SAMPLES.items():
        parse = EVERY_OPTION[flag].parse
        assert parse(one) != parse(other), flag


Source = str  # "flag", "variable", "both" or "neither"


@st.composite
def command_lines(draw: st.DrawFn) -> tuple[Command, dict[str, Source], list[str], dict[str, str]]:
    """A command, where each option's value comes from, and the argv and environment."""
    command = draw(st.sampled_from(COMMANDS))
    sources: dict[str, Source] = {}
    argv: list[str] = []
    environ: dict[str, str] = {}
    for option in draw(st.permutations(command.options)):
        choices = ["flag", "variable", "both"] + ([] if option.required else ["neither"])
        source = sources[option.flag] = draw(st.sampled_from(choices))
        if source in ("flag", "both"):
            argv += [option.flag] if option.switch else [option.flag, SAMPLES[option.flag][0]]
        if source in ("variable", "both"):
            words = OFF_WORDS if source == "both" else ON_WORDS + OFF_WORDS
            sample = SAMPLES.get(option.flag, ("", ""))[1]
            environ[option.variable] = draw(st.sampled_from(words)) if option.switch else sample
    return command, sources, argv, environ


def expected(option: Option[Any], source: Source, environ: dict[str, str]) -> Any:
    if source in ("flag", "both"):
        return True if option.switch else option.parse(SAMPLES[option.flag][0])
    if source == "variable":
        return option.parse(environ[option.variable])
    return option.default


@given(command_lines())
def test_a_flag_beats_its_variable_which_beats_the_default(
    case: tuple[Command, dict[str, Source], list[str], dict[str, str]],
) -> None:
    command, sources, argv, environ = case
    resolved = command.resolve(argv, environ)
    for option in command.options:
        assert resolved[option] == expected(option, sources[option.flag], environ), option.flag


@given(st.sampled_from(sorted(REFUSED)), st.booleans())
def test_a_refused_variable_is_named_unless_its_flag_is_given(flag: str, flag_given: bool) -> None:
    command = next(c for c in COMMANDS if any(o.flag == flag for o in c.options))
    option = EVERY_OPTION[flag]
    environ = {option.variable: REFUSED[flag]}
    argv = [
        a
        for o in command.options
        if o.required and o is not option
        for a in (o.flag, SAMPLES[o.flag][0])
    ]
    if flag_given:
        argv += [flag] if option.switch else [flag, SAMPLES[flag][0]]
        assert command.resolve(argv, environ)[option] == expected(option, "flag", environ)
        return
    with pytest.raises(argparse.ArgumentTypeError) as parsed:
        option.parse(REFUSED[flag])
    with pytest.raises(UsageError) as refused:
        command.resolve(argv, environ)
    assert str(refused.value) == f"{option.variable}: {parsed.value}"
    assert "\n" not in str(refused.value)


def test_a_refused_flag_is_argparses_error_naming_the_flag(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for flag, text in REFUSED.items():
        option = EVERY_OPTION[flag]
        if option.switch:
            continue
        command = next(c for c in COMMANDS if option in c.options)
        with pytest.raises(SystemExit) as exited:
            command.resolve([flag, text], {})
        assert exited.value.code == 2
        assert f"error: argument {flag}: " in capsys.readouterr().err.splitlines()[-1]


@given(
    st.sampled_from(COMMANDS),
    st.dictionaries(
        st.sampled_from(sorted({o.variable for o in EVERY_OPTION.values()})),
        st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00")),
    ),
)
def test_help_works_whatever_the_environment_holds(
    command: Command, environ: dict[str, str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        command.resolve(["--help"], environ)
    assert exited.value.code == 0


def test_a_required_option_given_neither_way_names_its_flag_and_variable() -> None:
    required = [option for option in snapshot.COMMAND.options if option.required]
    assert [option.flag for option in required] == ["--base-url", "--admin-key", "--out"]
    for option in required:
        argv = [a for o in required if o is not option for a in (o.flag, SAMPLES[o.flag][0])]
        with pytest.raises(UsageError) as missing:
            snapshot.COMMAND.resolve(argv, {})
        assert str(missing.value) == f"{option.flag} is required (or {variable_of(option.flag)})"
        assert option.default is REQUIRED


def test_an_unknown_variable_is_ignored() -> None:
    resolved = keys.COMMAND.resolve([], {"MOCKSERVER_BOGUS": "1", "MOCKSERVER_PORT": "x"})
    assert options.world_config(resolved) == WorldConfig()


def test_the_defaults_are_those_of_config() -> None:
    """No option, no variable: the server `Config()` describes, `--entries` aside."""
    resolved = serve.COMMAND.resolve([], {})
    assert resolved[options.ENTRIES] is None
    assert serve.serve_config(resolved) == Config()


@pytest.mark.parametrize(
    ("argv", "world"),
    [
        ([], WorldConfig()),
        (["--entries", "7", "--seed", "3"], WorldConfig(entries=7, seed=3)),
        (
            ["--scenario", "s.yaml"],
            WorldConfig(scenario=ScenarioConfig(path=Path("s.yaml"))),
        ),
        (
            ["--scenario", "s.yaml", "--entries", "9"],
            WorldConfig(
                entries=9, scenario=ScenarioConfig(path=Path("s.yaml"), generated_entries=9)
            ),
        ),
    ],
)
def test_the_world_options_give_the_world(argv: list[str], world: WorldConfig) -> None:
    """Without --scenario, --entries sizes the log; with it, it adds generated entries."""
    assert options.world_config(keys.COMMAND.resolve(argv, {})) == world


def test_a_namespace_without_the_flags_falls_back() -> None:
    resolved = options.resolve(
        (options.PORT, options.NO_CONTROL), argparse.Namespace(), {"MOCKSERVER_NO_CONTROL": "on"}
    )
    assert resolved[options.PORT] == 8080
    assert resolved[options.NO_CONTROL] is True


def test_a_repeatable_option_adds_each_flag_and_reads_its_variable_as_a_list() -> None:
    argv = ["--cors-origin", "http://a.example", "--cors-origin", "http://b.example,http://c:81"]
    resolved = serve.COMMAND.resolve(argv, {"MOCKSERVER_CORS_ORIGIN": "http://ignored"})
    assert resolved[options.CORS_ORIGIN] == ("http://a.example", "http://b.example", "http://c:81")
    from_variable = serve.COMMAND.resolve([], {"MOCKSERVER_CORS_ORIGIN": "http://a,http://b:8"})
    assert from_variable[options.CORS_ORIGIN] == ("http://a", "http://b:8")
    assert serve.COMMAND.resolve([], {})[options.CORS_ORIGIN] == ()
