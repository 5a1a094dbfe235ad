"""`python -m contracts.proxy`: options, the lines and the summary, reports, exit status."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import jsonschema
import pytest
import requests

from contracts import json_report
from contracts.proxy.cli import EXIT_OK, EXIT_USAGE, EXIT_VIOLATIONS, main
from mockserver.domain.models import World
from tests import REPO_ROOT
from tests.contracts.harness import serving
from tests.contracts.proxy.running import AUDIT_LOG, PROJECT
from tests.contracts.variants import Keys
from tests.contracts.variants.pagination import short_page
from tests.gateway import Gateway, gateway


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def when_listening(port: int, send: Callable[[str], None]) -> threading.Thread:
    """Run `send(url)` in a thread once something listens on `port`."""

    def wait_then_send() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.02)
        send(f"http://127.0.0.1:{port}")

    thread = threading.Thread(target=wait_then_send)
    thread.start()
    return thread


@pytest.fixture(scope="module")
def mock(contract_world: World) -> Iterator[str]:
    with serving(contract_world) as url:
        yield url


@pytest.fixture(scope="module")
def broken(contract_world: World, contract_keys: Keys) -> Iterator[str]:
    with serving(contract_world, [short_page.build(contract_world, contract_keys)]) as url:
        yield url


def traffic(keys: Keys) -> Callable[[str], None]:
    def send(url: str) -> None:
        headers = {"Authorization": f"Bearer {keys.admin[0]}"}
        requests.get(url + AUDIT_LOG + "?limit=5", headers=headers, timeout=5)
        requests.get(url + PROJECT, headers=headers, timeout=5)

    return send


def run_proxy(target: str, keys: Keys, *extra: str) -> int:
    port = free_port()
    thread = when_listening(port, traffic(keys))
    try:
        return main(["--target", target, "--port", str(port), "--duration", "1.5", *extra])
    finally:
        thread.join()


def test_a_clean_run_prints_the_summary_and_exits_0(
    mock: str, contract_keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_proxy(mock, contract_keys, "--fail-on-violation") == EXIT_OK
    out, err = capsys.readouterr()
    assert f"forwarding to {mock}" in err
    assert "2 exchanges" in out
    assert "No violations." in out
    assert "listAuditLogEntries (GET /api/v1/audit-log): 1 exchanges" in out
    assert "parameters: action never, userId never, since never, limit x1" in out
    assert contract_keys.admin[0] not in out + err


def test_a_violation_is_a_line_with_its_reproduction_and_fails_the_run_when_asked(
    broken: str, contract_keys: Keys, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    junit = tmp_path / "proxy.xml"
    status = run_proxy(broken, contract_keys, "--fail-on-violation", "--junit-xml", str(junit))
    assert status == EXIT_VIOLATIONS
    out, _ = capsys.readouterr()
    line = next(line for line in out.splitlines() if line.startswith("violation"))
    assert line.startswith("violation (target) audit.page-size: expected len(data) == min(")
    assert "got 4 entries" in line
    assert f'reproduce: curl -sS -i -H "Authorization: Bearer $CONTRACT_API_KEY" \'{broken}' in line
    assert "audit.page-size  1" in out
    assert contract_keys.admin[0] not in out
    case = ET.parse(junit).find(".//testcase[@name='audit.page-size']")
    assert case is not None and case.find("failure") is not None
    assert contract_keys.admin[0] not in junit.read_text(encoding="utf-8")


def test_without_fail_on_violation_a_violation_exits_0(
    broken: str, contract_keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_proxy(broken, contract_keys) == EXIT_OK


def test_annotate_names_the_checks_an_answer_breaks(
    broken: str, contract_keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[str | None] = []

    def send(url: str) -> None:
        headers = {"Authorization": f"Bearer {contract_keys.admin[0]}"}
        answer = requests.get(url + AUDIT_LOG + "?limit=5", headers=headers, timeout=5)
        seen.append(answer.headers.get("X-Contract-Violations"))
        answer = requests.get(url + PROJECT, headers=headers, timeout=5)
        seen.append(answer.headers.get("X-Contract-Violations"))

    port = free_port()
    thread = when_listening(port, send)
    main(["--target", broken, "--port", str(port), "--duration", "1.5", "--annotate"])
    thread.join()
    assert seen == ["audit.page-size", None]


def test_probe_sends_requests_without_a_key_and_only_then(
    mock: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--target", mock, "--port", str(free_port()), "--duration", "1"]) == EXIT_OK
    assert "0 exchanges" in capsys.readouterr().out
    assert main(["--target", mock, "--port", str(free_port()), "--duration", "1", "--probe"]) == 0
    out = capsys.readouterr().out
    assert "5 exchanges" in out
    assert "No violations." in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "the following arguments are required: --target"),
        (["--target", "ftp://x"], "--target must be an http(s) URL"),
        (["--target", "http://x", "--port", "99999"], "expected a port"),
        (["--target", "http://x", "--header", "no colon"], "expected 'Name: value'"),
        (["--target", "http://x", "--duration", "0"], "expected more than 0 seconds"),
    ],
)
def test_a_usage_error_is_one_line_and_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == EXIT_USAGE
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_a_port_in_use_is_one_line_and_exit_2(
    mock: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--target", mock, "--port", str(port), "--duration", "1"]) == EXIT_USAGE
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_it_with_the_summary(
    mock: str, contract_keys: Keys, signum: signal.Signals
) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "contracts.proxy", "--target", mock, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    try:
        assert process.stderr is not None
        assert "listening on" in process.stderr.readline()
        traffic(contract_keys)(f"http://127.0.0.1:{port}")
        process.send_signal(signum)
        out, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "2 exchanges" in out


@pytest.fixture(scope="module")
def staging(mock: str) -> Iterator[Gateway]:
    """The mock behind a TLS gateway with a CA of its own and a path prefix."""
    with gateway(mock, rate_limit=1000.0, latency=(0.0, 0.0), fail_share=0.0) as gw:
        yield gw


def test_a_tls_target_behind_a_gateway_with_its_ca_bundle(
    staging: Gateway, contract_keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    assert staging.ca_bundle is not None
    status = run_proxy(
        staging.url, contract_keys, "--ca-bundle", str(staging.ca_bundle), "--fail-on-violation"
    )
    assert status == EXIT_OK
    out = capsys.readouterr().out
    assert "2 exchanges" in out and "No violations." in out
    assert staging.answered[200] >= 2


def test_a_certificate_the_proxy_does_not_trust_is_a_502_and_one_line(
    staging: Gateway, contract_keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_proxy(staging.url, contract_keys) == EXIT_OK
    err = capsys.readouterr().err
    assert "the target did not answer GET /api/v1/audit-log: 127.0.0.1: the server's " in err
    assert "not signed by a trusted CA" in err


def test_a_ca_bundle_that_cannot_be_read_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.pem"
    args = ["--target", "https://127.0.0.1:1", "--ca-bundle", str(missing)]
    assert main(args) == EXIT_USAGE
    err = capsys.readouterr().err.strip()
    assert err.startswith("contracts proxy: error: 127.0.0.1: cannot use the CA bundle")
    assert len(err.splitlines()) == 1


def test_connection_headers_are_sent_and_shown_as_their_variables(
    broken: str, contract_keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    status = run_proxy(broken, contract_keys, "--header", "X-Gateway-Key: gw-secret-123")
    assert status == EXIT_OK
    out = capsys.readouterr().out
    assert '-H "X-Gateway-Key: $CONTRACT_HEADER_X_GATEWAY_KEY"' in out
    assert "gw-secret-123" not in out


def test_the_json_and_markdown_reports_are_the_suites(
    broken: str,
    contract_keys: Keys,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document, summary = tmp_path / "proxy.json", tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert run_proxy(broken, contract_keys, "--json-report", str(document)) == EXIT_OK
    report = json.loads(document.read_text(encoding="utf-8"))
    jsonschema.validate(report, json_report.schema())
    checks = {check["name"]: check for check in report["checks"]}
    assert checks["audit.page-size"]["status"] == "failed"
    assert checks["audit.newest-first"]["status"] == "passed"
    text = summary.read_text(encoding="utf-8")
    assert "audit.page-size" in text
    assert contract_keys.admin[0] not in document.read_text(encoding="utf-8") + text
