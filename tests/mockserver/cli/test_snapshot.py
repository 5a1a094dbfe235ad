"""`mockserver snapshot`: the options of a snapshot, the file written and the one-line errors."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mockserver import Config, ThreadedServer, create_app
from mockserver.cli import main, snapshot
from mockserver.cli.options import UsageError
from mockserver.config import WorldConfig
from mockserver.domain.models import Role, World
from mockserver.generate.world import generate_world
from mockserver.scenario.document import load_scenario
from mockserver.scenario.snapshot import SnapshotOptions
from tests.conftest import key_of

ORIGINAL_WORLD = WorldConfig(seed=3, entries=800, projects=2)


@dataclass
class Original:
    world: World
    server: ThreadedServer


@pytest.fixture(scope="module")
def original() -> Iterator[Original]:
    world = generate_world(ORIGINAL_WORLD)
    with ThreadedServer(create_app(Config(world=ORIGINAL_WORLD), world=world)) as server:
        yield Original(world, server)


def test_the_options_describe_the_snapshot(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    environ = {"MOCKSERVER_ADMIN_KEY": "alk_a_x", "MOCKSERVER_INCLUDE_KEYS": "1"}
    argv = ["--base-url", "http://h", "--out", str(out), "--since", "5", "--max-entries", "9"]
    resolved = snapshot.COMMAND.resolve(argv, environ)
    assert snapshot.snapshot_options(resolved) == (
        SnapshotOptions(
            base_url="http://h",
            admin_key="alk_a_x",
            since=5,
            max_entries=9,
            include_keys=True,
        ),
        out,
    )
    defaults = snapshot.COMMAND.resolve(argv, {"MOCKSERVER_ADMIN_KEY": "alk_a_x"})
    assert snapshot.snapshot_options(defaults)[0] == SnapshotOptions(
        base_url="http://h", admin_key="alk_a_x", since=5, max_entries=9
    )


def test_an_out_without_its_directory_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "s.json"
    resolved = snapshot.COMMAND.resolve(
        ["--base-url", "http://h", "--admin-key", "k", "--out", str(out)], {}
    )
    with pytest.raises(UsageError) as refused:
        snapshot.snapshot_options(resolved)
    assert str(refused.value) == f"--out: no directory {str(out.parent)!r} to write into"


def test_the_command_writes_the_file_and_reports(
    original: Original, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = key_of(original.world, 0, Role.ADMIN)
    out = tmp_path / "snap.json"
    args = ["snapshot", "--base-url", original.server.url, "--admin-key", admin, "--out", str(out)]
    assert main([*args, "--max-entries", "50", "--concurrency", "2"]) == 0
    printed = capsys.readouterr()
    assert "50 of 800 (6.2%): PARTIAL" in printed.out and "stopped by --max-entries" in printed.out
    assert f"Wrote {out}" in printed.out
    assert len(load_scenario(out)["projects"][0]["auditLog"]) == 50
    assert admin not in printed.out + printed.err


def test_include_keys_from_the_environment_writes_the_keys(
    original: Original,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    admin = key_of(original.world, 0, Role.ADMIN)
    out = tmp_path / "snap.json"
    monkeypatch.setenv("MOCKSERVER_ADMIN_KEY", admin)
    monkeypatch.setenv("MOCKSERVER_INCLUDE_KEYS", "yes")
    args = ["snapshot", "--base-url", original.server.url, "--out", str(out)]
    assert main([*args, "--max-entries", "10"]) == 0
    capsys.readouterr()
    keys = load_scenario(out)["projects"][0]["keys"]
    assert {"role": "admin", "key": admin} in [
        {"role": key["role"], "key": key["key"]} for key in keys
    ]


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["--admin-key", "alk_a_wrong"], 1, "401: the key alk_a_wr… was not accepted"),
        (["--admin-key", "MEMBER"], 1, "403: the key alk_m_"),
        (["--admin-key", "ADMIN", "--base-url", "ftp://x"], 2, "--base-url: expected an http"),
        (["--base-url", "URL"], 2, "--admin-key is required"),
    ],
)
def test_the_command_fails_with_one_line_and_writes_nothing(
    original: Original,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    status: int,
    message: str,
) -> None:
    values = {
        "ADMIN": key_of(original.world, 0, Role.ADMIN),
        "MEMBER": key_of(original.world, 0, Role.MEMBER),
        "URL": original.server.url,
    }
    args = [values.get(arg, arg) for arg in args]
    if "--base-url" not in args:
        args += ["--base-url", original.server.url]
    out = tmp_path / "snap.json"
    code: int | str | None
    try:
        code = main(["snapshot", *args, "--out", str(out)])
    except SystemExit as exit:  # argparse rejects a malformed flag itself
        code = exit.code
    assert code == status
    err = capsys.readouterr().err.strip().splitlines()
    assert message in err[-1] and "Traceback" not in "".join(err)
    assert list(tmp_path.iterdir()) == []
