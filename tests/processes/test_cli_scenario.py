"""`--scenario` on the command line: served, and refused when invalid."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
