"""The suite on a second, independent implementation (`tests/contracts/sqlite/`): the
standard library's `http.server` and `sqlite3`, with data, ids and actions of its own.

The correct server passes every check, none skipped, in-process and through the
`contracts` command. Each realistic mistake it can be switched to make is caught by the
checks named for it, and those the checks find with probes of their own (not by
Hypothesis's draws) are caught whatever the seed. A mistake the suite does not catch
belongs here as a strict expected failure (`xfail(strict=True)`) naming why, so that it
turns into a failure the day the suite catches it; none is left.
"""

from __future__ import annotations

import ast
import contextlib
import io
import itertools
import math
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts import Report, Settings, check_names, run_suite
from contracts.report import render
from tests import REPO_ROOT
from tests.contracts.harness import MAX_EXAMPLES, SEED, assert_passed
from tests.contracts.sqlite import Mistake, Served, serving
from tests.contracts.sqlite.cache import Cache
from tests.contracts.sqlite.data import generate
from tests.contracts.sqlite.validation import InvalidParameter, parse_query

PACKAGE = REPO_ROOT / "tests" / "contracts" / "sqlite"
README = REPO_ROOT / "README.md"
README_HEADING = "### Proven on a second implementation"
# Entities created a second while the counts are checked: `project.stable-counts` can
# only see uncached counts that change between most of its back-to-back calls.
BUSY = 300.0
# Seconds the server's clock moves each time it is read: a server up for minutes, seen in
# a run of seconds, so that counts never refreshed grow older than the contract's minute.
AGING = 25.0


def settings_for(api: Served, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "base_url": api.url,
        "admin_key": api.keys.admin,
        "member_key": api.keys.member,
        "other_admin_key": api.keys.other_admin,
        "seed": SEED,
        "max_examples": MAX_EXAMPLES,
    }
    values.update(changes)
    return Settings(**values)


def stepping(step: float) -> Callable[[], float]:
    """The monotonic clock, or, with a `step`, one that moves `step` seconds per reading."""
    if not step:
        return time.monotonic
    readings = itertools.count(time.monotonic(), step)
    return lambda: next(readings)


def run(
    mistakes: tuple[Mistake, ...] = (),
    activity: float = 0.0,
    clock_step: float = 0.0,
    **changes: Any,
) -> Report:
    with serving(
        mistakes=mistakes, activity_per_second=activity, clock=stepping(clock_step)
    ) as api:
        return run_suite(settings_for(api, **changes))


@dataclass(frozen=True, slots=True)
class Case:
    """A mistake, the checks that must each fail on it, and the activity (entities created
    a second) and clock step (seconds per reading of the server's clock) it needs to show."""

    mistake: Mistake
    caught_by: tuple[str, ...]
    activity: float = 0.0
    clock_step: float = 0.0

    @property
    def conditions(self) -> tuple[float, float]:
        return (self.activity, self.clock_step)

    def __str__(self) -> str:
        return self.mistake.value


CAUGHT = (
    Case(Mistake.LIKE_FILTERS, ("audit.filter-action", "audit.filter-user")),
    Case(Mistake.NO_TIE_BREAK, ("audit.tie-order",)),
    Case(Mistake.SINCE_INCLUSIVE, ("audit.since",)),
    Case(Mistake.TOTAL_UNFILTERED, ("audit.filtered-subset", "params.since")),
    Case(Mistake.TOTAL_FROM_PAGE, ("audit.total-before-limit", "audit.filtered-subset")),
    Case(Mistake.FILTERS_DROP_PROJECT, ("isolation.tenants", "audit.filtered-subset")),
    Case(Mistake.LIMIT_CLAMPED, ("params.limit-bounds", "schema.negative_data_rejection")),
    Case(
        Mistake.SINCE_UNBOUNDED,
        ("params.since", "errors.no-server-error", "schema.not_a_server_error"),
    ),
    Case(Mistake.REPEATED_LAST_WINS, ("params.repeated",)),
    Case(Mistake.UNKNOWN_REJECTED, ("params.unknown-ignored",)),
    Case(Mistake.MESSAGE_WITHOUT_NAME, ("errors.names-parameter",)),
    Case(Mistake.VALIDATION_BEFORE_AUTH, ("auth.check-order",)),
    Case(Mistake.MEMBER_READS_AUDIT_LOG, ("auth.member-forbidden", "http.head")),
    Case(Mistake.BEARER_OPTIONAL, ("auth.wrong-scheme",)),
    Case(Mistake.KEYS_CASE_INSENSITIVE, ("auth.unknown-key",)),
    Case(Mistake.KEY_ECHOED, ("auth.key-not-echoed",)),
    Case(
        Mistake.NO_WWW_AUTHENTICATE,
        ("errors.www-authenticate", "schema.response_headers_conformance"),
    ),
    Case(
        Mistake.DEFAULT_ERROR_PAGES,
        ("errors.not-found", "errors.method-not-allowed", "errors.envelope"),
    ),
    Case(Mistake.NO_ALLOW_HEADER, ("errors.method-not-allowed", "schema.unsupported_method")),
    Case(Mistake.NO_HEAD, ("http.head",)),
    Case(Mistake.NO_CONTENT_TYPE, ("http.content-type", "schema.content_type_conformance")),
    Case(Mistake.ENTITY_ID_DROPPED, ("entries.entity-id", "schema.response_schema_conformance")),
    Case(Mistake.TIMESTAMPS_IN_SECONDS, ("entries.timestamps",)),
    Case(Mistake.COUNTS_UNCACHED, ("project.stable-counts",), activity=BUSY),
    Case(Mistake.HAS_MORE_FROM_PAGE_SIZE, ("audit.has-more",)),
    Case(Mistake.LENIENT_INTEGERS, ("params.limit-integer", "params.since")),
    Case(Mistake.COUNTS_CACHED_FOREVER, ("project.stable-counts",), clock_step=AGING),
)
# Mistakes caught by probes the checks send whatever the seed: at the edge of each
# reference window, as forms of integers, by the answers' own Age.
DETERMINISTIC = (
    Mistake.HAS_MORE_FROM_PAGE_SIZE,
    Mistake.LENIENT_INTEGERS,
    Mistake.COUNTS_CACHED_FOREVER,
)
# Seeds of the suite and of the server's data, each pair another run.
SEEDS = ((1, 4242), (2, 7), (3, 99), (SEED, 2024))


def test_every_mistake_is_a_case_that_names_real_checks() -> None:
    cases = list(CAUGHT)
    assert sorted(case.mistake for case in cases) == sorted(Mistake)
    assert len(CAUGHT) >= 10
    for case in cases:
        assert case.caught_by and set(case.caught_by) <= set(check_names()), case


def test_the_correct_server_passes_every_check_none_skipped() -> None:
    report = run()
    assert [result.name for result in report.results] == check_names()
    assert_passed(report)


@pytest.mark.parametrize("conditions", sorted({case.conditions for case in CAUGHT}), ids=str)
def test_the_correct_server_passes_what_the_mistakes_are_judged_by(
    conditions: tuple[float, float],
) -> None:
    """The control: the selections below, with their activity and clock, pass on the
    correct server, so a failure there is the mistake's."""
    selection = {
        name for case in CAUGHT if case.conditions == conditions for name in case.caught_by
    }
    report = run((), *conditions, select=tuple(sorted(selection)))
    assert {result.name for result in report.results} == selection
    assert_passed(report)


@pytest.mark.parametrize("case", CAUGHT, ids=str)
def test_a_mistake_is_caught_by_the_checks_named_for_it(case: Case) -> None:
    report = run((case.mistake,), *case.conditions, select=case.caught_by)
    failed = {result.name for result in report.failed}
    assert failed == set(case.caught_by), render(report)
    for result in report.failed:
        assert result.findings, result.name
        assert "the check itself failed" not in result.reason, result.reason


@pytest.mark.parametrize(("seed", "data_seed"), SEEDS)
@pytest.mark.parametrize("mistake", DETERMINISTIC, ids=str)
def test_a_probe_catches_its_mistake_whatever_the_seeds(
    mistake: Mistake, seed: int, data_seed: int
) -> None:
    """With one generated example per check, so that only the probes can catch it."""
    case = next(case for case in CAUGHT if case.mistake is mistake)
    served = serving(
        seed=data_seed,
        mistakes=(mistake,),
        activity_per_second=case.activity,
        clock=stepping(case.clock_step),
    )
    with served as api:
        report = run_suite(settings_for(api, seed=seed, max_examples=1, select=case.caught_by))
    assert {result.name for result in report.failed} == set(case.caught_by), render(report)


def test_the_contracts_command_passes_on_it(tmp_path: Path) -> None:
    with serving() as api:
        environment = {
            **os.environ,
            "CONTRACT_ADMIN_KEY": api.keys.admin,
            "CONTRACT_MEMBER_KEY": api.keys.member,
            "CONTRACT_OTHER_ADMIN_KEY": api.keys.other_admin,
        }
        done = subprocess.run(
            [
                *(sys.executable, "-m", "contracts", "--base-url", api.url),
                *("--seed", "7", "--max-examples", "10"),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
            env=environment,
        )
    total = len(check_names())
    assert done.returncode == 0, done.stdout + done.stderr
    summary = done.stdout.strip().splitlines()[-1]
    assert summary.startswith(f"{total} checks: {total} passed, 0 failed, 0 skipped"), summary
    for key in (api.keys.admin, api.keys.member, api.keys.other_admin):
        assert key not in done.stdout + done.stderr


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_server_is_the_standard_library_and_its_own_modules_only() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) >= 5
    for path in modules:
        for name in _imported(path):
            own = name.startswith("tests.contracts.sqlite")
            assert own or name.split(".")[0] in sys.stdlib_module_names, (path.name, name)


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data() -> None:
    assert generate(5, (80, 20)) == generate(5, (80, 20))
    assert generate(5, (80, 20)) != generate(6, (80, 20))
    project = generate(5, (300, 20)).projects[0]
    stamps = [entry.timestamp for entry in project.entries]
    assert stamps == sorted(stamps)
    assert len({entry.id for entry in project.entries}) == len(project.entries)
    # Enough entries share a timestamp for the order of ties to show.
    assert len(stamps) - len(set(stamps)) >= 10


@given(st.text())
def test_any_query_string_is_filters_or_a_refusal_naming_a_parameter(raw: str) -> None:
    for mistakes in (frozenset(), frozenset(Mistake)):
        try:
            parse_query(raw, mistakes)
        except InvalidParameter as invalid:
            assert invalid.message.startswith(f"{invalid.name}: ")


def test_the_counts_are_computed_again_once_their_period_is_over() -> None:
    now = [100.0]
    computed: list[float] = []
    cache: Cache[int] = Cache(60.0, lambda: now[0])

    def compute() -> int:
        computed.append(now[0])
        return len(computed)

    assert cache.get("p", compute).value == 1
    now[0] += 59.5
    within = cache.get("p", compute)
    assert (within.value, within.age, within.remaining) == (1, 59.5, 0.5)
    now[0] += 0.5
    assert cache.get("p", compute).value == 2
    assert cache.get("q", compute).value == 3
    forever: Cache[int] = Cache(math.inf, lambda: now[0])
    assert forever.get("p", compute).remaining == math.inf


def readme_part() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split(f"\n{README_HEADING}\n", 1)[1].split("\n#", 1)[0]


def test_the_readme_lists_every_caught_mistake_with_its_checks() -> None:
    rows = re.findall(r"^\| `([a-z-]+)` \| .+ \| (.+) \|$", readme_part(), flags=re.MULTILINE)
    documented = {name: tuple(re.findall(r"`([^`]+)`", checks)) for name, checks in rows}
    assert documented == {case.mistake.value: case.caught_by for case in CAUGHT}


def test_the_readme_example_runs_as_printed() -> None:
    (code,) = re.findall(r"```python\n(.*?)```", readme_part(), flags=re.DOTALL)
    printed = re.search(r"# (\[.*\])$", code, flags=re.MULTILINE)
    assert printed is not None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})
    assert out.getvalue().strip() == printed.group(1)
