"""`--scenario` on the command line: served, listed by `keys`, and refused when invalid."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.cli.main import main
from tests import REPO_ROOT

FIVE_LINES = REPO_ROOT / "examples" / "scenarios" / "five-lines.yaml"


def test_an_invalid_scenario_stops_the_server_before_it_listens(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("projects:\n  - plan: gold\n    auditLog: [{timestamp: 2024-01-01}]\n")
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", "--scenario", str(bad), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"mockserver: invalid scenario {bad}: 3 problems",
        "  projects[0].auditLog[0].action: missing; expected a string of 1 to 100 characters",
        '  projects[0].auditLog[0].timestamp: expected an integer in Unix ms, got "2024-01-01"',
        '  projects[0].plan: expected one of free, pro, team, enterprise, got "gold"',
    ]


def test_keys_lists_the_scenarios_keys(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = [{"project": "prj_1", "slug": "project-1", "role": "admin", "key": "demo-admin"}]
    assert main(["keys", "--scenario", str(FIVE_LINES)]) == 0
    assert json.loads(capsys.readouterr().out) == expected
    monkeypatch.setenv("MOCKSERVER_SCENARIO", str(FIVE_LINES))
    assert main(["keys"]) == 0
    assert json.loads(capsys.readouterr().out) == expected


def test_entries_and_seed_add_generated_entries_to_the_served_scenario() -> None:
    flags = ["--scenario", str(FIVE_LINES), "--entries", "100", "--seed", "3", "--port", "0"]
    with subprocess.Popen(
        [sys.executable, "-m", "mockserver", *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            banner = [process.stdout.readline() for _ in range(3)]
        finally:
            process.kill()
    assert "listening on" in banner[0]
    assert banner[1].strip() == "project prj_1 (project-1, 102 entries)"
    assert banner[2].split() == ["admin", "key:", "demo-admin"]
