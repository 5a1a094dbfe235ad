"""`mockserver --scenario F --watch`: edits of F are served without a restart, bad ones not."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

from tests.processes.commands import free_port, run, started
from tests.watched import ONE_ENTRY, TWO_ENTRIES

BAD = "projects:\n  - plan: gold\n    auditLog: [{timestamp: 2024-01-01}]\n"
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def total(url: str) -> int:
    request = urllib.request.Request(
        url + "/api/v1/audit-log", headers={"Authorization": "Bearer demo-admin"}
    )
    with DIRECT.open(request, timeout=10) as response:
        count: int = json.loads(response.read())["total"]
        return count


def eventually_total(url: str, expected: int, seconds: float = 10) -> int:
    deadline = time.monotonic() + seconds
    while (seen := total(url)) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    return seen


def test_a_good_edit_is_served_and_a_bad_one_keeps_the_world(tmp_path: Path) -> None:
    scenario = tmp_path / "world.yaml"
    scenario.write_text(ONE_ENTRY)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with started("--scenario", str(scenario), "--watch", "--port", str(port)) as process:
        assert total(url) == 1
        scenario.write_text(TWO_ENTRIES)
        assert eventually_total(url, 2) == 2
        scenario.write_text(BAD)
        # Two poll intervals and more: the bad file was read, and refused.
        time.sleep(1.5)
        assert total(url) == 2
        scenario.write_text(ONE_ENTRY)
        assert eventually_total(url, 1) == 1
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert f"reloaded {scenario}: 1 projects, 2 entries" in stderr
    assert f"invalid scenario {scenario}: 3 problems" in stderr
    assert '  projects[0].plan: expected one of free, pro, team, enterprise, got "gold"' in stderr
    assert "still serving the previous world" in stderr
    assert f"reloaded {scenario}: 1 projects, 1 entries" in stderr


def test_watch_without_a_scenario_is_refused_before_listening() -> None:
    result = run("--watch", "--port", "0")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "mockserver: --watch needs --scenario: there is no file to watch\n"
    result = run("--port", "0", env={"MOCKSERVER_WATCH": "on"})
    assert result.returncode == 2
