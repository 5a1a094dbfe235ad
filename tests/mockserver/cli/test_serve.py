"""`mockserver`: its options into a `Config`, the banner, and how it starts and fails."""

from __future__ import annotations

import errno
import signal
import sys
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web

from mockserver.api.keys import state_key
from mockserver.cli import main, serve
from mockserver.cli.options import UsageError
from mockserver.config import Config, WorldConfig
from mockserver.domain.models import World
from mockserver.generate.world import generate_world
from mockserver.serving.loops import default_loop
from mockserver.serving.server import RunningServer
from mockserver.serving.workers import WorkersError

SMALL = ["--entries", "5", "--projects", "1", "--seed", "9"]


def config_of(*argv: str, **environ: str) -> Config:
    return serve.serve_config(serve.COMMAND.resolve(list(argv), environ))


def off_reason_of(*argv: str) -> str | None:
    return serve.control_off_reason(serve.COMMAND.resolve(list(argv), {}))


def parse_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """The one line a bad flag prints; the server never starts."""
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    assert exited.value.code == 2
    return capsys.readouterr().err.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("argv", "names"),
    [
        (["--clock", "frozen"], "--clock"),
        (["--clock", "frozen:yesterday"], "--clock"),
        (["--clock", "later"], "--clock"),
        (["--activity", "-1"], "--activity"),
        (["--activity", "nan"], "--activity"),
        (["--activity", "1001"], "--activity"),
        (["--control-token", "short"], "--control-token"),
        (["--log-level", "loud"], "--log-level"),
    ],
)
def test_bad_values_give_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], names: str
) -> None:
    assert names in parse_error(capsys, *argv)


def test_off_the_loopback_without_a_token_the_control_api_is_off_and_says_how_to_turn_it_on(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "serve_until_signalled", fake_serving(calls))
    assert main(["--host", "0.0.0.0", "--entries", "5", "--port", "0"]) == 0
    assert calls == [{"host": "0.0.0.0", "port": 0}]
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Control API: off (0.0.0.0 is not a loopback address: "
        "set MOCKSERVER_CONTROL_TOKEN (or --control-token) to turn it on)"
    )
    assert config_of("--host", "0.0.0.0").control is False
    assert config_of("--host", "0.0.0.0", MOCKSERVER_CONTROL_TOKEN="t" * 16).control is True
    monkeypatch.setenv("MOCKSERVER_NO_CONTROL", "maybe")
    assert main(["--entries", "5"]) == 2
    assert "MOCKSERVER_NO_CONTROL" in capsys.readouterr().err


def test_with_several_workers_the_control_api_is_off_and_says_why(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--workers", "2", "--control-token", "x" * 16, "--entries", "5"]) == 2
    assert "--control-token" in capsys.readouterr().err
    reason = off_reason_of("--workers", "2")
    line = serve.control_line("http://127.0.0.1:1", Config(workers=2, control=False), reason)
    assert line == "Control API: off (each of the --workers processes has its own world)"
    assert config_of("--workers", "2").control is False


def test_a_bad_log_level_in_the_environment_names_the_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """It named the flag, which was not given, when the environment was read with it."""
    monkeypatch.setenv("MOCKSERVER_LOG_LEVEL", "loud")
    assert main(SMALL) == 2
    assert capsys.readouterr().err.splitlines() == [
        "mockserver: MOCKSERVER_LOG_LEVEL: expected one of debug, info, warning, error"
    ]


def test_help_works_with_a_bad_port_in_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCKSERVER_PORT", "x")
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    assert "(env MOCKSERVER_PORT)" in " ".join(capsys.readouterr().out.split())
    assert main(SMALL) == 2
    assert capsys.readouterr().err == "mockserver: MOCKSERVER_PORT: expected an integer, got 'x'\n"


def test_the_options_describe_the_server() -> None:
    config = config_of(
        "--host",
        "::1",
        "--port",
        "0",
        "--cache-ttl",
        "1.5",
        "--clock",
        "frozen:5",
        "--activity",
        "2",
        *SMALL,
        MOCKSERVER_LOG_LEVEL="WARNING",
        MOCKSERVER_CONTROL_TOKEN="t" * 16,
    )
    assert config == Config(
        world=WorldConfig(seed=9, projects=1, entries=5),
        host="::1",
        port=0,
        cache_ttl_seconds=1.5,
        log_level="warning",
        clock_frozen_at_ms=5,
        activity_per_second=2.0,
        control_token="t" * 16,
    )
    assert config_of("--no-control").control is False
    assert config_of(MOCKSERVER_NO_CONTROL="yes").control is False
    assert config_of("--host", "0.0.0.0", "--no-control").host == "0.0.0.0"


def test_watch_latency_and_chaos_describe_the_server() -> None:
    config = config_of(
        "--scenario", "a.yaml", "--watch", "--latency", "5-50", MOCKSERVER_CHAOS="503:0.1"
    )
    assert (config.watch, config.latency_ms, config.chaos) == (True, (5, 50), (("503", 0.1),))
    assert (Config().watch, Config().latency_ms, Config().chaos) == (False, None, ())
    assert config_of("--latency", "7").latency_ms == (7, 7)


def test_watch_without_a_scenario_is_a_usage_error() -> None:
    # The line and the exit status 2 of a usage error: tests/processes/test_cli_watch.py.
    with pytest.raises(UsageError, match=r"^--watch needs --scenario: there is no file to watch$"):
        config_of("--watch", *SMALL)
    with pytest.raises(UsageError):
        config_of(*SMALL, MOCKSERVER_WATCH="on")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--chaos", "503:1.5"], "503: expected a share from 0 to 1, got '1.5'"),
        (["--chaos", "teapot:0.1"], "unknown kind 'teapot'"),
        (["--chaos", "503:0.6,429:0.5"], "the shares add up to 1.1"),
        (["--latency", "400-50"], "LO-HI: 400 is above 50"),
        (["--latency", "soon"], "expected MS or LO-HI in milliseconds"),
    ],
)
def test_bad_latency_and_chaos_give_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    line = parse_error(capsys, *argv)
    assert line.startswith(f"mockserver: error: argument {argv[0]}: ")
    assert message in line


def test_a_bad_chaos_variable_names_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCKSERVER_CHAOS", "drop:2")
    assert main(SMALL) == 2
    assert capsys.readouterr().err.startswith("mockserver: MOCKSERVER_CHAOS: drop: expected")


def test_cors_is_on_for_any_origin_unless_restricted_or_turned_off() -> None:
    assert (config_of().cors, config_of().cors_origins) == (True, ())
    restricted = config_of(
        "--cors-origin", "http://localhost:3000/", "--cors-origin", "HTTP://A:80"
    )
    assert restricted.cors_origins == ("http://localhost:3000", "http://a")
    assert config_of("--no-cors").cors is False
    assert config_of(MOCKSERVER_NO_CORS="on").cors is False


def test_cors_origins_without_cors_do_not_go_together(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SMALL, "--no-cors", "--cors-origin", "http://a.example"]) == 2
    assert capsys.readouterr().err == "mockserver: --cors-origin: CORS is off with --no-cors\n"


def test_the_banner_lists_each_projects_keys_and_a_request_to_try() -> None:
    world = generate_world(WorldConfig(seed=9, projects=2, entries=5))
    lines = serve.banner("http://127.0.0.1:8080", world).splitlines()
    assert lines[0] == "Audit Log & Project API mock listening on http://127.0.0.1:8080"
    expected = []
    for project in world.projects:
        expected.append(f"  project {project.id} ({project.slug}, {len(project.log)} entries)")
        expected += [f"    {key.role.value:<6} key: {key.key}" for key in project.keys]
    assert lines[1:-1] == expected
    admin = world.projects[0].keys[0]
    assert admin.role.value == "admin"
    assert lines[-1] == (
        f"Try: curl -H 'Authorization: Bearer {admin.key}' "
        "http://127.0.0.1:8080/api/v1/audit-log?limit=5"
    )


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        ((), "Control API: http://h:1/__mock/ (loopback only)"),
        (
            ("--control-token", "t" * 16),
            "Control API: http://h:1/__mock/ (needs X-Mock-Control-Token)",
        ),
        (
            ("--host", "0.0.0.0", "--control-token", "t" * 16),
            "Control API: http://h:1/__mock/ (needs X-Mock-Control-Token)",
        ),
        (("--no-control",), "Control API: off (--no-control)"),
        # --no-control says why, not a token that would not turn it on.
        (("--host", "0.0.0.0", "--no-control"), "Control API: off (--no-control)"),
        (
            ("--host", "", "--workers", "2"),
            "Control API: off (each of the --workers processes has its own world)",
        ),
        (
            ("--host", "::"),
            "Control API: off (:: is not a loopback address: "
            "set MOCKSERVER_CONTROL_TOKEN (or --control-token) to turn it on)",
        ),
    ],
)
def test_the_control_line_says_where_and_what_guards_it(argv: tuple[str, ...], line: str) -> None:
    config = config_of(*argv)
    assert serve.control_line("http://h:1", config, off_reason_of(*argv)) == line


Served = Callable[..., Any]


def fake_serving(calls: list[dict[str, Any]], error: OSError | None = None) -> Served:
    async def serve_until_signalled(
        app: web.Application, host: str, port: int, *, on_ready: Callable[[RunningServer], None]
    ) -> None:
        calls.append({"host": host, "port": port})
        if error is not None:
            raise error
        on_ready(RunningServer(app, host, 4321))

    return serve_until_signalled


def test_one_process_announces_itself_once_listening(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "serve_until_signalled", fake_serving(calls))
    assert main([*SMALL, "--port", "0"]) == 0
    assert calls == [{"host": "127.0.0.1", "port": 0}]
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Audit Log & Project API mock listening on http://127.0.0.1:4321"
    assert out[-1] == "Control API: http://127.0.0.1:4321/__mock/ (loopback only)"


def test_a_port_in_use_is_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    busy = OSError(errno.EADDRINUSE, "in use")
    monkeypatch.setattr(serve, "serve_until_signalled", fake_serving([], busy))
    assert main([*SMALL, "--port", "80"]) == 1
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err == "mockserver: cannot listen on 127.0.0.1:80: address already in use\n"


def test_workers_serve_the_world_generated_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[World] = []

    def serve_workers(
        make_app: Callable[[], web.Application],
        host: str,
        port: int,
        count: int,
        on_ready: Callable[[int], None],
        *,
        loop: str,
    ) -> int:
        assert loop == default_loop(), "the workers run on the loop the server would"
        worlds = [make_app()[state_key].world for _ in range(count)]
        started.extend(worlds)
        on_ready(4321)
        return 0

    monkeypatch.setattr(serve, "serve_workers", serve_workers)
    assert main([*SMALL, "--workers", "3", "--host", "::1"]) == 0
    assert len(started) == 3 and all(world is started[0] for world in started)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Audit Log & Project API mock listening on http://[::1]:4321"
    assert out[-2:] == [
        "Control API: off (each of the --workers processes has its own world)",
        "Serving from 3 worker processes",
    ]


def test_workers_that_cannot_start_are_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def serve_workers(*args: Any, **kwargs: Any) -> int:
        raise WorkersError("--workers needs fork(), which this system lacks")

    monkeypatch.setattr(serve, "serve_workers", serve_workers)
    assert main([*SMALL, "--workers", "2"]) == 1
    assert capsys.readouterr().err == (
        "mockserver: --workers needs fork(), which this system lacks\n"
    )


def test_sigterm_ends_the_start_up_and_the_handler_before_comes_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As PID 1 (in a container) a signal left to its default action is ignored, so a
    SIGTERM while the world is built would be lost without a handler of our own."""
    before = signal.getsignal(signal.SIGTERM)

    def building(config: Config, **kw: Any) -> web.Application:
        assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN)
        signal.raise_signal(signal.SIGTERM)
        raise AssertionError("SIGTERM did not end the start-up")

    monkeypatch.setattr(serve, "create_app", building)
    with pytest.raises(SystemExit) as exited:
        main(SMALL)
    assert exited.value.code == 128 + signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) is before


def test_the_pages_line_names_the_docs_and_the_dashboard_when_the_control_api_is_on() -> None:
    assert serve.pages_line("http://h:1", Config()) == (
        "In a browser: http://h:1/docs (the API's docs), http://h:1/__mock/ (the dashboard)"
    )
    assert serve.pages_line("http://h:1", Config(control=False)) == (
        "In a browser: http://h:1/docs (the API's docs)"
    )


def test_a_loop_that_is_not_installed_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # makes `import uvloop` fail
    assert main([*SMALL, "--loop", "uvloop"]) == 2
    assert "uvloop is not installed" in capsys.readouterr().err


def test_the_server_runs_on_the_loop_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []

    def run_on_loop(main: Any, loop: str) -> None:
        main.close()
        ran.append(loop)

    monkeypatch.setattr(serve, "run_on_loop", run_on_loop)
    assert main([*SMALL, "--loop", "asyncio"]) == 0
    assert ran == ["asyncio"]
