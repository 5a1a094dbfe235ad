"""`mockserver keys`: the keys of the world its options describe, as JSON."""

from __future__ import annotations

import json

import pytest

from mockserver.cli import main
from mockserver.config import WorldConfig
from mockserver.generate.world import generate_world
from tests import REPO_ROOT

FIVE_LINES = REPO_ROOT / "examples" / "scenarios" / "five-lines.yaml"


def test_keys_prints_every_projects_keys_first_project_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["keys", "--seed", "5", "--projects", "2", "--entries", "10"]) == 0
    printed = capsys.readouterr().out
    listing = json.loads(printed)
    world = generate_world(WorldConfig(seed=5, projects=2, entries=10))
    expected = [
        {"project": p.id, "slug": p.slug, "role": k.role.value, "key": k.key}
        for p in world.projects
        for k in p.keys
    ]
    assert listing == expected
    assert [entry["role"] for entry in listing[:2]] == ["admin", "member"]
    assert printed == json.dumps(expected, indent=2) + "\n"


def test_environment_variables_set_flags(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCKSERVER_SEED", "5")
    assert main(["keys", "--entries", "10"]) == 0
    from_env = capsys.readouterr().out
    monkeypatch.delenv("MOCKSERVER_SEED")
    assert main(["keys", "--entries", "10", "--seed", "5"]) == 0
    assert capsys.readouterr().out == from_env
    assert main(["keys", "--entries", "10"]) == 0
    assert capsys.readouterr().out != from_env


def test_keys_lists_the_scenarios_keys(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = [{"project": "prj_1", "slug": "project-1", "role": "admin", "key": "demo-admin"}]
    assert main(["keys", "--scenario", str(FIVE_LINES)]) == 0
    assert json.loads(capsys.readouterr().out) == expected
    monkeypatch.setenv("MOCKSERVER_SCENARIO", str(FIVE_LINES))
    assert main(["keys"]) == 0
    assert json.loads(capsys.readouterr().out) == expected


def test_a_missing_scenario_is_the_scenarios_error_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["keys", "--scenario", "no-such-file.yaml"]) == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    assert (
        printed.err.splitlines()[0] == "mockserver: invalid scenario no-such-file.yaml: 1 problem"
    )


@pytest.mark.parametrize("argv", [["--workers", "2"], ["--port", "1"], ["extra"]])
def test_keys_takes_the_world_options_only(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["keys", *argv])
    assert exited.value.code == 2
    assert (
        capsys.readouterr()
        .err.splitlines()[-1]
        .startswith("mockserver keys: error: unrecognized arguments:")
    )


def test_the_environment_of_other_commands_is_not_read(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCKSERVER_PORT", "x")
    monkeypatch.setenv("MOCKSERVER_BASE_URL", "ftp://x")
    assert main(["keys", "--entries", "1", "--projects", "1"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2
