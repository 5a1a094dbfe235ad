"""The schemathesis part: what it is configured to check, and how its tallies become results."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from contracts import schema
from contracts.outcome import Finding, Status
from contracts.settings import Connection, Settings
from contracts.spec import load_spec
from contracts.transport import Transport
from mockserver.domain.models import World
from tests.contracts.harness import serving, settings_for
from tests.contracts.variants import Keys
from tests.gateway import gateway, proxied

SETTINGS = Settings(
    base_url="http://127.0.0.1:1", admin_key="a", member_key="m", seed=3, max_examples=7
)


def test_the_spec_is_the_packaged_one() -> None:
    spec = load_spec()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/audit-log" in spec["paths"]


@pytest.mark.parametrize("wanted", [[], ["not_a_server_error"], list(schema.CHECK_SUMMARIES)])
def test_only_the_selected_checks_are_enabled_and_the_disabled_never(wanted: list[str]) -> None:
    config = schema.configuration(SETTINGS, wanted)
    checks = config.projects.default.checks
    for name in schema.CHECK_SUMMARIES:
        assert getattr(checks, name).enabled == (name in wanted)
    for name in schema.DISABLED:
        assert not getattr(checks, name).enabled


def test_the_run_is_seeded_and_sized_by_the_settings() -> None:
    config = schema.configuration(SETTINGS, [])
    assert config.seed == 3
    assert config.projects.default.base_url == "http://127.0.0.1:1"
    assert config.projects.default.generation.max_examples == 7


def test_nothing_selected_runs_nothing() -> None:
    assert schema.run(SETTINGS, []) == []


def test_every_check_is_named_with_the_prefix_in_summary_order() -> None:
    assert schema.check_names() == [f"schema.{name}" for name in schema.CHECK_SUMMARIES]


def test_a_tally_with_findings_fails_with_the_first_title() -> None:
    first = Finding("e", "Server error: 500")
    tally = schema.Tally(passed=4, findings={("Server error", "500"): first})
    result = schema.result("not_a_server_error", tally, ["ignored"], 1.0)
    assert (result.name, result.status, result.reason, result.findings) == (
        "schema.not_a_server_error",
        Status.FAILED,
        "Server error",
        (first,),
    )


def test_a_run_that_did_not_complete_fails_every_check_without_findings() -> None:
    result = schema.result("ignored_auth", schema.Tally(passed=9), ["schemathesis stopped"], 1.0)
    assert (result.status, result.reason) == (Status.FAILED, "schemathesis stopped")


def test_a_check_with_passes_and_nothing_else_passes_with_the_count() -> None:
    result = schema.result("ignored_auth", schema.Tally(passed=9), [], 1.0)
    assert (result.status, result.reason) == (Status.PASSED, "9 responses")


def test_a_check_no_request_exercised_is_skipped() -> None:
    result = schema.result("unsupported_method", schema.Tally(), [], 1.0)
    assert result.status is Status.SKIPPED


def test_schemathesis_is_given_the_connections_tls_and_headers() -> None:
    connection = Connection(
        ca_bundle=Path("/ca.pem"),
        client_cert=Path("/c.pem"),
        client_key=Path("/k.pem"),
        headers=(("X-Gateway-Key", "g"),),
    )
    project = schema.configuration(replace(SETTINGS, connection=connection), []).projects.default
    assert project.tls_verify == "/ca.pem"
    assert (project.request_cert, project.request_cert_key) == ("/c.pem", "/k.pem")
    assert project.headers == {"X-Gateway-Key": "g"}
    insecure = replace(SETTINGS, connection=Connection(insecure=True))
    assert schema.configuration(insecure, []).projects.default.tls_verify is False


GATEWAY_KEY = "gw-0f1e2d3c4b5a"
PHASE_CHECKS = ["not_a_server_error", "status_code_conformance", "response_schema_conformance"]


class HeaderWatch:
    """Counts the requests the mock received, and those without the gateway's key.

    schemathesis's probes (two requests before its phases, sent on a session of their
    own that no caller can reach) are counted apart: they are not paced or counted by
    the transport.
    """

    def __init__(self) -> None:
        self.seen = 0
        self.probes = 0
        self.without_key = 0

    def middleware(self) -> Middleware:
        @web.middleware
        async def watch(request: web.Request, handler: Handler) -> web.StreamResponse:
            if "X-Schemathesis-Probe" in request.headers:
                self.probes += 1
            else:
                self.seen += 1
            self.without_key += request.headers.get("X-Gateway-Key") != GATEWAY_KEY
            return await handler(request)

        return watch


def phase_settings(url: str, keys: Keys, **connection: Any) -> Settings:
    return settings_for(
        url,
        keys,
        max_examples=5,
        connection=Connection(headers=(("X-Gateway-Key", GATEWAY_KEY),), **connection),
    )


def test_the_phases_go_to_the_prefix_with_the_headers_through_the_transport(
    contract_world: World, contract_keys: Keys
) -> None:
    """The gateway answers only under its prefix (404 elsewhere) and forwards to the mock."""
    watch = HeaderWatch()
    with (
        serving(contract_world, [watch.middleware()]) as url,
        gateway(url, rate_limit=10**4, fail_share=0) as gw,
    ):
        run = phase_settings(gw.url, contract_keys, ca_bundle=gw.ca_bundle)
        transport = Transport(run.connection)
        results = schema.run(run, PHASE_CHECKS, transport)
    assert [r.status for r in results] == [Status.PASSED] * len(PHASE_CHECKS), results
    assert gw.url.endswith("/gateway")
    assert gw.outside_prefix == []
    assert watch.seen == transport.traffic.requests > 50
    assert sum(gw.answered.values()) == watch.seen + watch.probes
    assert watch.without_key == 0


def test_the_phases_go_through_the_environments_proxy(
    contract_world: World, contract_keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(contract_world) as url, proxied(monkeypatch) as proxy:
        run = phase_settings(url, contract_keys)
        results = schema.run(run, ["not_a_server_error"], Transport(run.connection))
    assert [r.status for r in results] == [Status.PASSED]
    assert len(proxy.targets) > 10
    assert all(target.startswith(url + "/") for target in proxy.targets)


def test_transients_that_persist_make_the_phases_inconclusive_never_failed(
    contract_world: World, contract_keys: Keys
) -> None:
    with serving(contract_world) as url, gateway(url, rate_limit=10**4, fail_share=1.0) as gw:
        run = phase_settings(
            gw.url, contract_keys, ca_bundle=gw.ca_bundle, retries=1, max_retry_wait=0.01
        )
        transport = Transport(run.connection)
        results = schema.run(run, PHASE_CHECKS, transport)
    assert {r.status for r in results} == {Status.INCONCLUSIVE}, results
    assert all("persisted through every retry" in r.reason for r in results)
    assert transport.traffic.gave_up["503"] > 0
    assert set(gw.answered) == {503}
