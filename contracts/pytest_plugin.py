"""The contract suite as pytest tests (registered as the `contracts` plugin).

`pytest --pyargs contracts --contract-base-url URL --contract-admin-key KEY ...` collects
`contracts/test_contract.py`: one item per check of the suite, named after the check
(`auth.member-forbidden`), and schemathesis's checks through schemathesis's own pytest
integration, one item per phase with a subtest per operation. A team's own test module
brings in the same items with one line:
`from contracts.pytest_plugin import test_checks, test_schema`.

Nothing is checked twice and nothing is written again: the items run the command's
check objects (`contracts.checks.CHECKS`) through `runner.Run`, which discovers the data
once per pytest process; a failure reads as the command prints it (`report`'s failure
block: reproduction, expectation, answer, keys redacted); the options are the command's
table (`contracts.options`), registered here as `--contract-<name>` and resolved the
command's way (flag, CONTRACT_* variable, configuration file, default); schemathesis is
configured by `schema.configuration`.

`contract_target` names the server and its keys; a team overrides it in its
`conftest.py` to check a server its own fixture starts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import pytest
import requests
import schemathesis
from schemathesis.schemas import BaseSchema

from . import options, schema, tls
from .checks import CHECKS
from .client import Unreachable
from .context import Check
from .curl import redact
from .outcome import CheckResult, Status
from .report import failure_block
from .runner import Run, opened
from .settings import Settings
from .spec import load_spec
from .transport import GaveUp, mount

PREFIX = "contract-"
# Options of the command that pytest's own means replace here: `-k` selects checks,
# `--junitxml` writes JUnit XML, and reports and baselines are the run's reporters' job.
LEFT_TO_PYTEST = frozenset(
    option.name
    for option in (
        options.SELECT,
        options.JUNIT_XML,
        options.JSON_REPORT,
        options.MARKDOWN_REPORT,
        options.BASELINE,
        options.WRITE_BASELINE,
    )
)
# schemathesis's phases that apply to this API (the stateful one is off, see `schema`),
# each an item of its own so that `-k fuzzing` picks one.
PHASES = ("examples", "coverage", "fuzzing")
# The outcome words of a check that judged nothing, as the command prints them.
NOT_JUDGED = {Status.SKIPPED: "skipped", Status.INCONCLUSIVE: "inconclusive"}
NOTES = pytest.StashKey[list[str]]()


@dataclass(frozen=True, slots=True, kw_only=True)
class ContractTarget:
    """The server to check and its keys, as `contract_target` returns them.

    `other_admin_key`, an admin key of a second project, turns on `isolation.tenants`.
    """

    base_url: str
    admin_key: str
    member_key: str
    other_admin_key: str | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contracts", "the contract suite (pytest --pyargs contracts)")
    for option in options.OPTIONS:
        if option.name not in LEFT_TO_PYTEST:
            flag, keywords = option.argument(PREFIX)
            group.addoption(flag, **keywords)


def pytest_pycollect_makeitem(
    collector: pytest.Module | pytest.Class, name: str, obj: object
) -> list[CheckItem] | None:
    """`test_checks`, wherever it is imported, stands for one item per check."""
    if obj is not test_checks:
        return None
    return [CheckItem.from_parent(collector, name=check.name, check=check) for check in CHECKS]


class CheckItem(pytest.Function):
    """One check of the suite, as a test named after it; it needs `contract_run`."""

    def __init__(self, *, check: Check, **keywords: Any) -> None:
        super().__init__(callobj=_test_of(check), **keywords)
        self.check = check

    def reportinfo(self) -> tuple[Any, int | None, str]:
        # pytest shows a name that ends its node id as a dotted path (`auth::missing-key`
        # for `auth.missing-key`); a label of its own keeps the real id in the -v lines.
        path, line, _ = super().reportinfo()
        return path, line, f"contract check {self.check.name}"


def pytest_itemcollected(item: pytest.Item) -> None:
    # schemathesis 4.32 names each operation's subtest through `item._nodeid`, which
    # pytest 9.2 no longer has (node ids are structured now): without it, each
    # `test_schema` item fails with an AttributeError before any request is sent.
    wanted = isinstance(item, pytest.Function) and item.obj is test_schema
    if wanted and not hasattr(item, "_nodeid"):
        item._nodeid = item.nodeid  # type: ignore[attr-defined]


def _test_of(check: Check) -> Callable[[Run], None]:
    def test(contract_run: Run) -> None:
        conclude(contract_run.check(check), contract_run.context.settings)

    test.__doc__ = check.summary
    return test


def conclude(result: CheckResult, settings: Settings) -> None:
    """End a check's test as its result says: a failure with the command's account of
    it, a skip with its reason for a check that judged nothing."""
    if result.status is Status.FAILED:
        pytest.fail(failure_message(result, settings), pytrace=False)
    if result.status in NOT_JUDGED:
        pytest.skip(f"{NOT_JUDGED[result.status]}: {result.reason}")


def failure_message(result: CheckResult, settings: Settings) -> str:
    """What the command prints for a failed check, and how to repeat it; keys redacted."""
    lines = [
        *failure_block(result),
        f"(keys appear as $CONTRACT_*_KEY; repeat with --{PREFIX}seed {settings.seed})",
    ]
    return redact("\n".join(lines), settings.keys())


def resolve(config: pytest.Config, target: ContractTarget | None = None) -> Settings:
    """The settings the options give, as the command resolves them; the server and its
    keys from `target` when given. A usage error fails the items that need them."""
    given = options.given_by(lambda dest: config.getoption(dest, None), PREFIX)
    if target is not None:
        given.update(
            {
                options.BASE_URL.name: target.base_url,
                options.ADMIN_KEY.name: target.admin_key,
                options.MEMBER_KEY.name: target.member_key,
                options.OTHER_ADMIN_KEY.name: target.other_admin_key,
            }
        )
    try:
        return options.settings(given, os.environ, config.invocation_params.dir)
    except options.UsageError as error:
        pytest.fail(f"contracts: {with_pytest_flags(str(error))}", pytrace=False)


def with_pytest_flags(message: str) -> str:
    """A usage error of the table's, naming the flags as this plugin registers them."""
    for option in options.OPTIONS:
        flag = rf"(?<![\w-]){re.escape(option.flag)}(?![\w-])"
        message = re.sub(flag, f"--{PREFIX}{option.name}", message)
    return message


@pytest.fixture(scope="session")
def contract_target(pytestconfig: pytest.Config) -> ContractTarget:
    """The server to check: from `--contract-base-url` and the key options, their
    CONTRACT_* variables or the configuration file. Override it to check a server
    that a fixture of yours starts."""
    settings = resolve(pytestconfig)
    return ContractTarget(
        base_url=settings.base_url,
        admin_key=settings.admin_key,
        member_key=settings.member_key,
        other_admin_key=settings.other_admin_key,
    )


@pytest.fixture(scope="session")
def contract_settings(pytestconfig: pytest.Config, contract_target: ContractTarget) -> Settings:
    """The run's settings: `contract_target` and every other option, resolved once."""
    return resolve(pytestconfig, contract_target)


@pytest.fixture(scope="session")
def contract_run(pytestconfig: pytest.Config, contract_settings: Settings) -> Iterator[Run]:
    """The server reached and its data discovered, once for every check item."""
    with ExitStack() as stack:
        try:
            run = stack.enter_context(opened(contract_settings))
        except Unreachable as error:
            pytest.fail(f"contracts: the server does not answer: {error}", pytrace=False)
        yield run
        connection = contract_settings.connection
        pytestconfig.stash[NOTES] = [
            f"contracts: {contract_settings.base_url}, seed {contract_settings.seed} "
            f"(repeat with --{PREFIX}seed {contract_settings.seed})",
            *([with_pytest_flags(tls.INSECURE_WARNING)] if connection.insecure else []),
            *run.notes(),
        ]


@pytest.fixture(scope="session")
def contract_session(contract_run: Run) -> Iterator[requests.Session]:
    """A `requests` session for schemathesis's cases, through the run's transport: the
    same pacing, retries and request count as the checks."""
    with mount(requests.Session(), contract_run.transport) as session:
        yield session


@pytest.fixture
def contract_phase(request: pytest.FixtureRequest) -> str:
    """The schemathesis phase of a `test_schema` item (parametrized by it)."""
    phase: str = request.param
    return phase


@pytest.fixture
def contract_schema(contract_settings: Settings, contract_phase: str) -> BaseSchema:
    """openapi.yaml for schemathesis, configured as the command configures it, one phase."""
    loaded = schemathesis.openapi.from_dict(
        load_spec(), config=schema.configuration(contract_settings, schema.CHECK_SUMMARIES)
    )
    loaded.config.phases.update(phases=[contract_phase])
    return loaded


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """The run's base URL, seed and data notes, as the command prints them first."""
    notes = config.stash.get(NOTES, None)
    if notes:
        terminalreporter.section("contracts")
        for note in notes:
            terminalreporter.write_line(note)


def test_checks(contract_run: Run) -> None:
    """Collected as one item per check of the suite (`pytest_pycollect_makeitem`)."""
    raise AssertionError("test_checks runs as one item per check, never itself")


@schemathesis.pytest.from_fixture("contract_schema").parametrize()
@pytest.mark.parametrize("contract_phase", PHASES, indirect=True)
@pytest.mark.filterwarnings(f"ignore:{schema.DEFAULT_DATABASE_UNUSABLE}")
def test_schema(case: schemathesis.Case[Any], contract_session: requests.Session) -> None:
    """schemathesis's checks, as configured for the command, on each generated case."""
    try:
        case.call_and_validate(session=contract_session)
    except GaveUp as error:
        pytest.skip(f"{NOT_JUDGED[Status.INCONCLUSIVE]}: {error}")


__all__ = ["ContractTarget", "test_checks", "test_schema"]
