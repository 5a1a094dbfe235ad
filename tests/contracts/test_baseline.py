"""Known failures: fingerprints that survive other seeds and reruns, the baseline file, and
which failures are known, new or fixed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.baseline import (
    NO_ANSWER,
    VERSION,
    Baseline,
    BaselineError,
    Entry,
    Kind,
    compare,
    entries_of,
    entry_for,
    load,
    masked,
    verdict,
    write,
)
from contracts.client import Auth, Request
from contracts.outcome import CheckResult, Finding, Status
from tests.contracts.samples import FAILED, SCHEMA_FAILED

ids = st.text("0123456789ABCDEFGHJKMNPQRSTVWXYZ", min_size=26, max_size=26).filter(
    lambda text: any(c.isdigit() for c in text)
)
# Rules as the checks word them, with the parts that depend on the generated input.
RULES: list[Callable[[int, int, str, bool, str], str]] = [
    lambda a, b, text, flag, ulid: f"len(data) == min(limit={a}, total={b}) == {min(a, b)}",
    lambda a, b, text, flag, ulid: (
        f"only entries whose action is exactly {text!r} (case-sensitive)"
    ),
    lambda a, b, text, flag, ulid: (
        f"hasMore == (total > len(data)) == {str(flag).lower()} with total={a} and {b} entries"
    ),
    lambda a, b, text, flag, ulid: f"400 (limit={text!r}: outside 1 to 200) for entry {ulid}",
    lambda a, b, text, flag, ulid: f'only entries matching action="{text}" AND since={a}',
    lambda a, b, text, flag, ulid: (
        f"the same total whatever the limit (limit={(flag and a) or None})"
    ),
]
params = st.lists(st.tuples(st.text(max_size=10), st.text(max_size=30)), max_size=4)
requests = st.builds(
    Request,
    st.sampled_from(["GET", "HEAD"]),
    st.sampled_from(["/api/v1/audit-log", "/api/v1/project"]),
    params.map(tuple),
    st.just(Auth.none()),
)


@st.composite
def findings(draw: st.DrawFn, rule: int, status: int) -> Finding:
    """A finding of one rule and one status, with everything else as a run may vary it."""
    a, b = draw(st.integers(-(2**63), 2**63)), draw(st.integers(0, 10**6))
    wording = RULES[rule](a, b, draw(st.text(max_size=20)), draw(st.booleans()), draw(ids))
    return Finding(
        wording,
        draw(st.text(max_size=40)),
        draw(requests),
        draw(st.sampled_from(["http://127.0.0.1:8080", "https://staging.example.com/gw"])),
        response=f"{status} application/json {draw(st.text(max_size=60))}",
    )


@given(st.data(), st.integers(0, len(RULES) - 1), st.sampled_from([200, 400, 500]))
def test_a_fingerprint_is_the_same_whatever_the_request_and_the_generated_values(
    data: st.DataObject, rule: int, status: int
) -> None:
    one, other = data.draw(findings(rule, status)), data.draw(findings(rule, status))
    assert entry_for("audit.since", one) == entry_for("audit.since", other)


@given(st.data(), st.integers(0, len(RULES) - 1), st.integers(0, len(RULES) - 1))
def test_a_fingerprint_tells_checks_rules_and_answers_apart(
    data: st.DataObject, rule: int, other_rule: int
) -> None:
    finding = data.draw(findings(rule, 200))
    fingerprint = entry_for("audit.since", finding).fingerprint
    assert entry_for("audit.page-size", finding).fingerprint != fingerprint
    assert entry_for("audit.since", data.draw(findings(rule, 500))).fingerprint != fingerprint
    if other_rule != rule:
        other = data.draw(findings(other_rule, 200))
        assert entry_for("audit.since", other).fingerprint != fingerprint


@given(st.text(max_size=200), st.integers(1, 599))
def test_a_schemathesis_finding_is_known_by_its_title_and_status(message: str, status: int) -> None:
    def finding(title: str, text: str) -> Finding:
        return Finding(
            "Every body matches its schema.",
            f"{title}: {text}",
            curl=f"curl {text}",
            response=f"{status} {text}",
        )

    same = entry_for("schema.x", finding("Response violates schema", message))
    assert same == entry_for("schema.x", finding("Response violates schema", message[::-1]))
    assert same.rule.endswith("| Response violates schema")
    assert same != entry_for("schema.x", finding("Undocumented Content-Type", message))


def test_masking_keeps_the_rule_and_a_leading_status() -> None:
    assert masked("403 (the audit log needs an admin key)") == (
        "403 (the audit log needs an admin key)"
    )
    assert masked("400 (limit='201': outside 1 to 200)") == "400 (limit=…: outside # to #)"
    assert (
        masked("entry 01JGFD5GDBSG4VKBGEYXWX6NRP twice in  \n a page") == "entry # twice in a page"
    )
    assert masked("hasMore == true, entityId null") == "hasMore == #, entityId #"


def test_a_failure_without_an_answer_is_known_by_what_it_got() -> None:
    unreachable = CheckResult("auth.x", "Rule.", Status.FAILED, "no answer: timed out after 10 s")
    (entry,) = entries_of(unreachable)
    assert (entry.rule, entry.answer) == ("Rule. | no answer", NO_ANSWER)
    other = CheckResult("auth.x", "Rule.", Status.FAILED, "no answer: connection reset")
    assert entries_of(other) == (entry,)


def failed(name: str, *rules: int) -> CheckResult:
    """A failed check with one finding per rule number (status 200 + the number)."""
    found = tuple(Finding(f"rule {chr(97 + r)}", "x", response=f"{200 + r} x") for r in rules)
    return CheckResult(name, "s", Status.FAILED, "r", found)


NAMES = ["a.one", "a.two", "b.three", "b.four"]
runs = st.lists(
    st.tuples(
        st.sampled_from(NAMES),
        st.sampled_from([Status.PASSED, Status.FAILED, Status.SKIPPED, Status.INCONCLUSIVE]),
        st.lists(st.integers(0, 3), min_size=1, max_size=3),
    ),
    unique_by=lambda item: item[0],
)


def results_of(run: list[tuple[str, Status, list[int]]]) -> list[CheckResult]:
    return [
        failed(name, *rules) if status is Status.FAILED else CheckResult(name, "s", status)
        for name, status, rules in run
    ]


@given(runs, st.lists(st.tuples(st.sampled_from(NAMES), st.integers(0, 3))))
def test_known_new_and_fixed_follow_the_baseline(
    run: list[tuple[str, Status, list[int]]], recorded: list[tuple[str, int]]
) -> None:
    results = results_of(run)
    baseline = Baseline(frozenset(entries_of(failed(name, rule))[0] for name, rule in recorded))
    comparison = compare(results, baseline)
    seen = set()
    for result in results:
        kind = comparison.kind(result)
        if result.status is not Status.FAILED:
            assert kind is None
            continue
        keys = [entry.key for entry in entries_of(result)]
        seen.update(keys)
        assert (kind is Kind.KNOWN) == all(key in baseline.keys for key in keys)
    judged = {r.name for r in results if r.status in (Status.PASSED, Status.FAILED)}
    assert {e.key for e in comparison.fixed} == {
        e.key for e in baseline.entries if e.check in judged and e.key not in seen
    }
    assert set(comparison.unjudged) == {e for e in baseline.entries if e.check not in judged}
    new = comparison.new(results)
    assert verdict(results, comparison) is (
        Status.FAILED
        if new
        else Status.INCONCLUSIVE
        if any(r.status is Status.INCONCLUSIVE for r in results)
        else Status.PASSED
    )


@given(runs)
def test_a_run_compared_with_its_own_baseline_has_nothing_new_and_nothing_fixed(
    run: list[tuple[str, Status, list[int]]],
) -> None:
    results = results_of(run)
    written = Baseline(frozenset(compare(results, None).to_write()))
    again = compare(results, written)
    assert again.new(results) == []
    assert again.fixed == ()
    assert verdict(results, again) is not Status.FAILED


def test_without_a_baseline_every_failure_is_new() -> None:
    comparison = compare([FAILED, SCHEMA_FAILED], None)
    assert not comparison.given
    assert comparison.new([FAILED, SCHEMA_FAILED]) == [FAILED, SCHEMA_FAILED]
    assert verdict([FAILED], comparison) is Status.FAILED


def test_writing_again_keeps_the_known_failures_of_checks_that_did_not_judge() -> None:
    before = Baseline(frozenset(entries_of(failed("a.one", 0)) + entries_of(failed("a.two", 1))))
    results = [CheckResult("a.one", "s", Status.INCONCLUSIVE), failed("a.two", 2)]
    comparison = compare(results, before)
    assert comparison.fixed == entries_of(failed("a.two", 1))
    assert set(comparison.to_write()) == {
        *entries_of(failed("a.one", 0)),
        *entries_of(failed("a.two", 2)),
    }


def test_the_file_is_readable_json_sorted_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "ci" / "baseline.json"
    entries = [*entries_of(SCHEMA_FAILED), *entries_of(FAILED), *entries_of(FAILED)]
    write(path, entries)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["version"] == VERSION
    assert [item["check"] for item in document["failures"]] == [
        "params.limit-bounds",
        "schema.not_a_server_error",
    ]
    assert document["failures"][0] == {
        "check": "params.limit-bounds",
        "fingerprint": entries_of(FAILED)[0].fingerprint,
        "rule": "400 (limit=…: outside # to #)",
        "answer": "200",
    }
    assert path.read_text(encoding="utf-8").count("\n") > len(entries)  # indented, one field a line
    assert load(path) == Baseline(frozenset(entries))


def test_only_check_and_fingerprint_are_needed(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text('{"version": 1, "failures": [{"check": "a.b", "fingerprint": "f"}]}')
    assert load(path) == Baseline(frozenset({Entry("a.b", "f")}))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "no such file"),
        ("{", "not JSON"),
        ("[]", "expected a JSON object"),
        ('{"version": 2, "failures": []}', "version 2, expected 1"),
        ('{"version": 1}', 'no "failures" list'),
        ('{"version": 1, "failures": [{"check": "a.b"}]}', "failures[0] needs"),
        ('{"version": 1, "failures": ["a.b"]}', "failures[0] needs"),
    ],
)
def test_a_file_that_is_no_baseline_is_one_line_naming_it(
    tmp_path: Path, text: str | None, message: str
) -> None:
    path = tmp_path / "baseline.json"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(BaselineError) as raised:
        load(path)
    assert message in str(raised.value)
    assert str(path) in str(raised.value)
    assert "\n" not in str(raised.value)
