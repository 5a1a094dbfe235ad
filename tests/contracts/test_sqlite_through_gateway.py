"""The suite on the second implementation, reached as a staging server is: through a
gateway that does TLS with a CA of its own, a path prefix, a rate limit and injected 503s.

The run is the user's of the README: the `contracts` command in a process, every option
from a `contracts.toml` whose keys come from environment variables. It passes, and the
transient answers it met are retried and counted, never reported as failures.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests import REPO_ROOT
from tests.contracts.sqlite import serving
from tests.gateway import gateway

# Enough injected 503s that a run meets several (a share of 1% might meet none), few
# enough that four retries in a row are out of reach for any request.
FAIL_SHARE = 0.05
RATE_LIMIT = 40.0
CONFIG = """\
base-url = "{url}"
admin-key = "${{STAGING_ADMIN_KEY}}"
member-key = "${{STAGING_MEMBER_KEY}}"
other-admin-key = "${{STAGING_OTHER_ADMIN_KEY}}"
ca-bundle = "ca.pem"
seed = 20250101
max-examples = 10
json-report = "report.json"
"""


def test_the_suite_passes_through_a_tls_gateway_with_a_rate_limit_and_503s(
    tmp_path: Path,
) -> None:
    with (
        serving() as api,
        gateway(api.url, rate_limit=RATE_LIMIT, fail_share=FAIL_SHARE, seed=3) as front,
    ):
        assert front.url.startswith("https://") and front.url.endswith("/gateway")
        assert front.ca_bundle is not None
        (tmp_path / "ca.pem").write_bytes(front.ca_bundle.read_bytes())
        (tmp_path / "contracts.toml").write_text(CONFIG.format(url=front.url))
        environ = {
            name: value for name, value in os.environ.items() if not name.startswith("CONTRACT_")
        }
        environ.pop("GITHUB_STEP_SUMMARY", None)
        environ.update(
            STAGING_ADMIN_KEY=api.keys.admin,
            STAGING_MEMBER_KEY=api.keys.member,
            STAGING_OTHER_ADMIN_KEY=api.keys.other_admin,
            PYTHONPATH=str(REPO_ROOT),
        )
        done = subprocess.run(
            [sys.executable, "-m", "contracts"],
            cwd=tmp_path,
            env=environ,
            capture_output=True,
            text=True,
            timeout=600,
        )
        answered = front.answered
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Checking {front.url} " in done.stdout
    # Every request went through the prefix; the gateway answered some 503s and 429s of
    # its own, and the suite retried them all.
    assert answered[503] > 0, answered
    traffic = re.search(r"traffic: (\d+) requests, (\d+) retried \(([^)]*)\)", done.stdout)
    assert traffic is not None, done.stdout
    assert int(traffic.group(2)) > 0 and "503" in traffic.group(3)
    report = json.loads((tmp_path / "report.json").read_text())
    statuses = {check["status"] for check in report["checks"]}
    assert statuses == {"passed"}, statuses
    assert report["traffic"]["retried"].get("503", 0) > 0
    for key in (api.keys.admin, api.keys.member, api.keys.other_admin):
        assert key not in done.stdout + done.stderr
        assert key not in (tmp_path / "report.json").read_text()
