"""Running `contracts` as a process: a bad configuration is one line and exit 2, never a
traceback, wherever the file was found."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import REPO_ROOT


def contracts(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    # The checkout's code, whatever directory the command runs in.
    environ = {
        name: value for name, value in os.environ.items() if not name.startswith("CONTRACT_")
    }
    environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPO_ROOT), environ.get("PYTHONPATH")])
    )
    return subprocess.run(
        [sys.executable, "-m", "contracts", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env={**environ, **(env or {})},
    )


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "contracts.toml",
            'base-url = "http://127.0.0.1:1"\nretrys = 3\n',
            "unknown key 'retrys' (did you mean 'retries'?)",
        ),
        (
            "contracts.toml",
            '[headers]\nX-Key = "${GATEWAY_KEY_UNSET}"\n',
            "headers.X-Key: ${GATEWAY_KEY_UNSET}",
        ),
        (
            "pyproject.toml",
            '[tool.contracts]\ntimeout = "ten"\n',
            "timeout must be a number, got a string",
        ),
        ("contracts.toml", "base-url = [\n", "not valid TOML"),
        ("contracts.toml", 'client-cert = "cert.pem"\n', "client-cert must be an existing file"),
    ],
)
def test_a_bad_configuration_file_is_one_line_and_exit_2(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    (tmp_path / name).write_text(text)
    below = tmp_path / "below"
    below.mkdir()
    done = contracts("--admin-key", "a", "--member-key", "m", cwd=below)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"contracts: error: {tmp_path / name}")
    assert message in done.stderr


def test_a_named_configuration_file_that_is_missing_is_one_line(tmp_path: Path) -> None:
    done = contracts("--config", "absent.toml", cwd=tmp_path)
    assert done.returncode == 2
    assert (
        done.stderr
        == f"contracts: error: cannot read {tmp_path / 'absent.toml'}: No such file or directory\n"
    )


def test_help_runs_whatever_the_configuration_holds(tmp_path: Path) -> None:
    (tmp_path / "contracts.toml").write_text("not toml\n")
    done = contracts("--help", cwd=tmp_path, env={"CONTRACT_TIMEOUT": "nonsense"})
    assert done.returncode == 0
    assert "CONTRACT_CA_BUNDLE" in done.stdout
