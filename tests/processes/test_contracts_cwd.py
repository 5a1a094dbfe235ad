"""`contracts` run from a directory it cannot write to prints its report and nothing else."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver.generate.world import generate_world
from tests import REPO_ROOT
from tests.contracts.harness import VARIANT_WORLD, serving
from tests.contracts.variants import Keys

# What Hypothesis warns from a directory where its default database cannot live.
WARNING = "default location is unusable"


@pytest.fixture
def read_only_cwd(tmp_path: Path) -> Iterator[Path]:
    """A directory no `.hypothesis/` can be created in, whoever runs the tests.

    Its mode forbids writing; root ignores modes, so a file already holds the name
    `.hypothesis` as well (Hypothesis finds its location unusable either way)."""
    directory = tmp_path / "read-only"
    directory.mkdir()
    (directory / ".hypothesis").write_text("", encoding="utf-8")
    directory.chmod(0o555)
    try:
        yield directory
    finally:
        directory.chmod(0o755)


def python(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": path},
    )


def test_hypothesis_warns_from_this_directory(read_only_cwd: Path) -> None:
    """The condition the next test needs: without the fix, Hypothesis warns here."""
    probe = "import hypothesis; hypothesis.settings.get_profile('default').database"
    assert WARNING in python(read_only_cwd, "-c", probe).stderr


def test_no_database_warning_from_a_read_only_directory(read_only_cwd: Path) -> None:
    world = generate_world(VARIANT_WORLD)
    keys = Keys.of(world)
    with serving(world) as url:
        done = python(
            read_only_cwd,
            "-m",
            "contracts",
            "--base-url",
            url,
            "--admin-key",
            keys.admin[0],
            "--member-key",
            keys.member[0],
            "--seed",
            "1",
            "--max-examples",
            "5",
            "--select",
            "schema,audit.since",
        )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""
    assert "0 failed" in done.stdout
    assert [path.name for path in read_only_cwd.iterdir()] == [".hypothesis"]
