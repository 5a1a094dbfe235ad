"""The example client's own test suite, run through the proxy in front of the mock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_example_clients_tests_pass_through_the_proxy(tmp_path: Path) -> None:
    findings = tmp_path / "findings.json"
    environment = {**os.environ, "CONTRACTS_PROXY_FINDINGS": str(findings)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "examples",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "tests.contracts.proxy.examples_plugin",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(findings.read_text(encoding="utf-8"))
    assert report["exchanges"] > 30
    # Exactly what the example tests make the mock do wrong on purpose, to see the client
    # cope: three 500s (`fail_next(status=500)`) and a body cut to invalid JSON
    # (`add_fault("malformed")`). Every other exchange keeps the contract.
    assert report["violations"] == {
        "errors.no-server-error": 3,
        "schema.response_schema_conformance": 1,
    }, "\n".join(report["lines"])
