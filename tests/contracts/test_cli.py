"""The `contracts` command: exit statuses, output, JUnit XML, and keys never shown."""

from __future__ import annotations

import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from contracts.cli import main
from contracts.runner import selected
from mockserver.domain.models import World
from tests.contracts.harness import serving
from tests.contracts.variants import BROKEN, Keys

CHEAP = "auth,errors.envelope,params.limit-bounds,audit.since"


def arguments(url: str, keys: Keys, *extra: str) -> list[str]:
    return [
        "--base-url",
        url,
        "--admin-key",
        keys.admin[0],
        "--member-key",
        keys.member[0],
        "--other-admin-key",
        keys.admin[1],
        "--seed",
        "3",
        "--max-examples",
        "10",
        *extra,
    ]


def assert_no_key(text: str, keys: Keys) -> None:
    for key in keys.all():
        assert key not in text


def test_exit_0_with_one_line_per_check_and_a_junit_report(
    contract_world: World, contract_keys: Keys, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "reports" / "contracts.xml"
    with serving(contract_world) as url:
        status = main(arguments(url, contract_keys, "--select", CHEAP, "--junit-xml", str(report)))
    out = capsys.readouterr().out
    assert status == 0, out
    for name in ("auth.missing-key", "auth.check-order", "errors.envelope", "audit.since"):
        assert any(line.split()[:2] == ["passed", name] for line in out.splitlines()), out
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("failures"), suite.get("skipped")) == ("0", "0")
    schema_checks, semantic = selected(tuple(CHEAP.split(",")))
    assert len(suite.findall("testcase")) == len(schema_checks) + len(semantic) == 9
    assert_no_key(out + report.read_text(), contract_keys)


def test_exit_1_with_a_reproduction_that_names_keys_by_variable(
    contract_world: World, contract_keys: Keys, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    variant = next(v for v in BROKEN if v.name == "member-reads-audit-log")
    report = tmp_path / "contracts.xml"
    with serving(contract_world, [variant.build(contract_world, contract_keys)]) as url:
        status = main(arguments(url, contract_keys, "--select", "auth", "--junit-xml", str(report)))
    out = capsys.readouterr().out
    assert status == 1
    failed = [
        line for line in out.splitlines() if line.split()[:2] == ["FAILED", "auth.member-forbidden"]
    ]
    assert failed, out
    assert 'reproduce: curl -sS -i -H "Authorization: Bearer $CONTRACT_MEMBER_KEY"' in out
    assert "expected:  403" in out
    assert "got:       200" in out
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None
    failures = [case for case in suite.findall("testcase") if case.find("failure") is not None]
    assert "auth.member-forbidden" in [case.get("name") for case in failures]
    assert_no_key(out + report.read_text(), contract_keys)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_exit_2_with_one_line_when_nothing_answers(
    contract_keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assert main(arguments(url, contract_keys)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "does not answer" in captured.err
    assert_no_key(captured.err, contract_keys)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "missing --base-url"),
        (["--base-url", "http://127.0.0.1:1", "--admin-key", "a"], "missing --member-key"),
        (
            ["--base-url", "127.0.0.1:8080", "--admin-key", "a", "--member-key", "m"],
            "--base-url must be",
        ),
        (
            [
                "--base-url",
                "http://127.0.0.1:1",
                "--admin-key",
                "a",
                "--member-key",
                "m",
                "--select",
                "audit.nonsense",
            ],
            "no check or group named audit.nonsense",
        ),
        (["--max-examples", "0"], "--max-examples"),
        (["--no-such-flag"], "unrecognized arguments"),
    ],
)
def test_exit_2_with_one_line_on_usage_errors(
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("BASE_URL", "ADMIN_KEY", "MEMBER_KEY", "OTHER_ADMIN_KEY"):
        monkeypatch.delenv(f"CONTRACT_{name}", raising=False)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert message in err


def test_environment_variables_stand_in_for_flags(
    contract_world: World,
    contract_keys: Keys,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with serving(contract_world) as url:
        monkeypatch.setenv("CONTRACT_BASE_URL", url)
        monkeypatch.setenv("CONTRACT_ADMIN_KEY", contract_keys.admin[0])
        monkeypatch.setenv("CONTRACT_MEMBER_KEY", contract_keys.member[0])
        monkeypatch.setenv("CONTRACT_OTHER_ADMIN_KEY", contract_keys.admin[1])
        assert main(["--select", "isolation,auth.member-forbidden"]) == 0
    out = capsys.readouterr().out
    assert "passed        isolation.tenants" in out


def test_python_dash_m_lists_the_checks() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "contracts", "--list-checks"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    names = [line.split()[0] for line in done.stdout.splitlines()]
    assert "schema.response_schema_conformance" in names
    assert "audit.filtered-subset" in names
