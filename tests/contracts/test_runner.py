"""The runner: which checks a selection names, and what each way a check ends is reported as."""

from __future__ import annotations

import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts import schema
from contracts.checks import CHECKS
from contracts.client import Client, Unreachable
from contracts.context import Check, Context
from contracts.outcome import CheckResult, Skip, Status, Violation
from contracts.runner import Report, UnknownCheck, check_names, run_check, run_suite, selected
from contracts.settings import Settings

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
