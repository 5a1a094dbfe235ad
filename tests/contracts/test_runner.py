"""The runner: which checks a selection names, and what each way a check ends is reported as."""

from __future__ import annotations

import socket
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.typedefs import Handler
from hypothesis import given
from hypothesis import strategies as st

from contracts import junit, schema
from contracts.checks import CHECKS
from contracts.client import Auth, Client, Exchange, Request, Response, Unreachable
from contracts.context import Check, Context
from contracts.outcome import CheckResult, Inconclusive, Skip, Status, Violation
from contracts.report import render
from contracts.runner import (
    Part,
    Report,
    UnknownCheck,
    check_names,
    describe_time,
    probe,
    run_check,
    run_suite,
    selected,
    wait_for,
)
from contracts.settings import Connection, Role, Settings
from contracts.tls import INSECURE_WARNING, CertificateProblem
from contracts.transport import DROPPED
from mockserver.domain.models import World
from tests.contracts.harness import serving as serving_mock
from tests.contracts.harness import settings_for
from tests.contracts.variants import Keys
from tests.gateway import gateway

SEMANTIC = [check.name for check in CHECKS]
SCHEMA = [name.removeprefix(schema.PREFIX) for name in schema.check_names()]
GROUPS = sorted({name.split(".", 1)[0] for name in check_names()})


def settings(base_url: str = "http://127.0.0.1:1") -> Settings:
    return Settings(base_url=base_url, admin_key="a", member_key="m", seed=1)


def names_of(selection: tuple[list[str], list[Check]]) -> tuple[list[str], list[str]]:
    schema_checks, semantic = selection
    return schema_checks, [check.name for check in semantic]


def test_every_check_is_named_once_semantic_checks_first() -> None:
    names = check_names()
    assert len(names) == len(set(names))
    assert names == [*SEMANTIC, *schema.check_names()]


def test_no_selection_selects_every_check() -> None:
    assert names_of(selected([])) == (SCHEMA, SEMANTIC)


@given(st.lists(st.sampled_from([*GROUPS, *check_names()]), min_size=1, max_size=4))
def test_a_selection_is_the_checks_named_and_those_of_the_groups_named(names: list[str]) -> None:
    def wanted(name: str) -> bool:
        return name in names or name.split(".", 1)[0] in names

    assert names_of(selected(names)) == (
        [n for n in SCHEMA if wanted(schema.PREFIX + n)],
        [n for n in SEMANTIC if wanted(n)],
    )


@pytest.mark.parametrize("name", ["nothing", "auth.", "AUTH", "schema.nothing", ""])
def test_a_name_that_is_neither_a_check_nor_a_group_is_refused(name: str) -> None:
    with pytest.raises(UnknownCheck) as raised:
        selected([*SEMANTIC[:1], name])
    assert raised.value.args == (name,)


def run(raises: BaseException | None) -> CheckResult:
    def body(ctx: Context) -> None:
        if raises is not None:
            raise raises

    ctx = Context(settings(), Client(settings()), Violation("x", "y"))
    return run_check(Check("g.rule", "The rule.", body), ctx)


def test_a_check_that_returns_passes() -> None:
    result = run(None)
    assert (result.name, result.summary, result.status, result.reason) == (
        "g.rule",
        "The rule.",
        Status.PASSED,
        "",
    )
    assert result.seconds >= 0


def test_a_violation_fails_the_check_with_its_finding() -> None:
    result = run(Violation("400", "200"))
    assert (result.status, result.reason) == (Status.FAILED, "expected 400; got 200")
    assert [(f.expected, f.got) for f in result.findings] == [("400", "200")]


def test_a_skip_skips_the_check_with_its_reason() -> None:
    result = run(Skip("no second key"))
    assert (result.status, result.reason, result.findings) == (Status.SKIPPED, "no second key", ())


def test_no_answer_fails_the_check() -> None:
    result = run(Unreachable("GET /: refused"))
    assert (result.status, result.reason) == (Status.FAILED, "no answer: GET /: refused")


def test_a_check_that_breaks_fails_alone_and_asks_to_be_reported() -> None:
    result = run(KeyError("data"))
    assert result.status is Status.FAILED
    assert result.reason.startswith("the check itself failed (KeyError: 'data' at body:")
    assert result.reason.endswith("please report it")


def test_a_report_passes_unless_a_check_failed() -> None:
    passed, skipped, failed = (
        CheckResult("a.b", "s", status) for status in (Status.PASSED, Status.SKIPPED, Status.FAILED)
    )
    assert Report(settings(), (passed, skipped), (), 0.0).passed
    report = Report(settings(), (passed, failed, skipped), (), 0.0)
    assert not report.passed
    assert report.failed == [failed]


def test_a_server_that_does_not_answer_stops_the_run() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(Unreachable):
        run_suite(settings(base_url=f"http://127.0.0.1:{port}"))


def test_a_transient_that_persisted_makes_the_check_inconclusive_not_failed() -> None:
    result = run(Inconclusive("GET /p: the server answered 503 on each of 5 attempts", "503"))
    assert result.status is Status.INCONCLUSIVE
    assert result.reason == (
        "a transient answer persisted: GET /p: the server answered 503 on each of 5 attempts"
    )
    assert not result.findings


class StartingClient(Client):
    """A client whose server answers from its `answers_after`-th request on."""

    def __init__(self, answers_after: int, error: Unreachable | None = None) -> None:
        super().__init__(settings("https://staging.example"))
        self.asked = 0
        self.answers_after = answers_after
        self.error = error or Unreachable("GET https://staging.example/p: refused")

    def get(
        self, path: str, params: Sequence[tuple[str, str]] = (), *, auth: Auth | Role = Role.ADMIN
    ) -> Exchange:
        self.asked += 1
        if self.asked < self.answers_after:
            raise self.error
        return Exchange(
            "https://staging.example", Request("GET", path, (), Auth.none()), Response(503, {}, b"")
        )


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_wait_for_says_it_waits_and_goes_on_once_the_server_answers_with_any_status() -> None:
    clock, said = Clock(), list[str]()
    client = StartingClient(answers_after=4)
    wait_for(client, 30, said.append, clock=clock, sleep=clock.sleep)
    assert client.asked == 4
    assert said == [
        "waiting up to 30 s for https://staging.example to answer",
        "https://staging.example answered after 1.5 s",
    ]


def test_wait_for_gives_up_with_unreachable_when_the_time_is_over() -> None:
    clock, said = Clock(), list[str]()
    client = StartingClient(answers_after=10**6)
    with pytest.raises(Unreachable, match=r"refused \(no answer within 2 s\)$"):
        wait_for(client, 2, said.append, clock=clock, sleep=clock.sleep)
    assert clock.now == pytest.approx(102.0)
    assert client.asked == 5
    assert said == ["waiting up to 2 s for https://staging.example to answer"]


def test_wait_for_stops_at_once_at_a_certificate_problem() -> None:
    clock = Clock()
    client = StartingClient(answers_after=10**6, error=CertificateProblem("h: expired"))
    with pytest.raises(CertificateProblem):
        wait_for(client, 60, lambda line: None, clock=clock, sleep=clock.sleep)
    assert client.asked == 1


def test_a_server_answering_only_transients_has_answered() -> None:
    client = StartingClient(
        answers_after=10**6, error=Inconclusive("GET /p: 503 five times", "503")
    )
    probe(client)


def test_a_connection_dropped_every_time_is_no_answer_and_hints_at_a_client_certificate() -> None:
    client = StartingClient(answers_after=10**6, error=Inconclusive("GET /p: dropped", DROPPED))
    with pytest.raises(Unreachable, match=r"dropped \(if the server asks for a client certificate"):
        probe(client)


def test_the_time_line_says_where_the_time_and_requests_went() -> None:
    assert describe_time(Part(30.04, 900), Part(8.0, 300)) == (
        "time: the suite's checks 900 requests in 30.0 s, schemathesis's phases 300 in 8.0 s"
    )


GATEWAY_KEY = "gwk-7d1c0ffee2b4a9e1"


@web.middleware
async def echoes_the_gateway_key(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A broken server that fails the project endpoint and shows every header it was sent."""
    if request.path == "/api/v1/project":
        return web.json_response(
            {"error": {"code": "boom", "message": f"headers: {dict(request.headers)}"}},
            status=500,
            headers={"X-Echo": request.headers.get("X-Gateway-Key", "")},
        )
    return await handler(request)


def test_no_header_value_shows_in_any_output_even_when_the_server_echoes_it(
    contract_world: World, contract_keys: Keys
) -> None:
    with serving_mock(contract_world, [echoes_the_gateway_key]) as url:
        run = settings_for(
            url,
            contract_keys,
            max_examples=5,
            select=("project", "schema.not_a_server_error"),
            connection=Connection(headers=(("X-Gateway-Key", GATEWAY_KEY),)),
        )
        report = run_suite(run)
    assert report.failed, render(report)
    outputs = {
        "report": render(report),
        "junit": ET.tostring(junit.to_xml(report), encoding="unicode"),
        "results": repr(report.results),
    }
    for name, text in outputs.items():
        assert GATEWAY_KEY not in text, name
    # Results keep the request sent, key included, for a reproduction to name by its variable.
    assert contract_keys.admin[0] not in outputs["report"] + outputs["junit"]
    assert "$CONTRACT_HEADER_X_GATEWAY_KEY" in outputs["report"]


def test_a_run_fills_the_traffic_and_says_it_in_the_notes(
    contract_world: World, contract_keys: Keys
) -> None:
    with serving_mock(contract_world) as url:
        report = run_suite(settings_for(url, contract_keys, select=("project",)))
    assert report.traffic.requests > 5
    (line,) = [note for note in report.notes if note.startswith("time: ")]
    checks = int(line.split("checks ", 1)[1].split(" requests", 1)[0])
    phases = int(line.split("phases ", 1)[1].split(" in", 1)[0])
    # The rest went to reaching the server and reading its data before the checks.
    assert 0 < checks + phases < report.traffic.requests
    assert f"traffic: {report.traffic.requests} requests, 0 retried;" in render(report)


def test_insecure_is_said_once_in_the_notes(contract_world: World, contract_keys: Keys) -> None:
    with serving_mock(contract_world) as url, gateway(url, rate_limit=10**4, fail_share=0) as gw:
        run = settings_for(
            gw.url, contract_keys, select=("project",), connection=Connection(insecure=True)
        )
        report = run_suite(run)
    assert report.passed, render(report)
    assert report.notes[0] == INSECURE_WARNING
    assert report.settings.base_url == gw.url


def test_an_unusable_certificate_file_stops_the_run_before_any_request(tmp_path: Path) -> None:
    run = replace(settings(), connection=Connection(ca_bundle=tmp_path / "missing.pem"))
    with pytest.raises(CertificateProblem, match=r"^127\.0\.0\.1:1: cannot use the CA bundle"):
        run_suite(run)
