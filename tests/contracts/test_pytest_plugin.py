"""The contract suite as pytest tests: collection, options, fixtures, messages, and the
same findings as the command."""

from __future__ import annotations

import tomllib
from contextlib import AbstractContextManager
from xml.etree import ElementTree

import pytest
import requests

from contracts import Settings, Status, run_suite
from contracts.checks import CHECKS
from contracts.outcome import CheckResult
from contracts.pytest_plugin import PHASES, conclude
from contracts.runner import Run, opened
from contracts.transport import Transport, mount
from mockserver.domain.models import World
from tests import REPO_ROOT
from tests.contracts.harness import PLUGIN, SEED, serving, settings_for
from tests.contracts.variants import BROKEN, Keys

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _inner_runs_configured(pytester: pytest.Pytester) -> None:
    """The runs below are a team's own pytest: give them the one setting pytest-asyncio
    (installed beside the suite) warns about when a project leaves it unset."""
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")


EXAMPLE = REPO_ROOT / "examples" / "contract_suite"
# Fewer examples than the command's tests take: these tests are about the pytest form,
# and every variant they use is caught with this many.
EXAMPLES = 10
QUICK = ("--contract-seed", str(SEED), "--contract-max-examples", str(EXAMPLES))
SEMANTIC = "not test_schema"

# A conftest that checks the test world served with one broken variant, or as it is.
VARIANT_CONFTEST = """
import pytest

from contracts.pytest_plugin import ContractTarget
from mockserver.generate.world import generate_world
from tests.contracts.harness import VARIANT_WORLD, serving
from tests.contracts.variants import BROKEN, Keys

VARIANT = {variant!r}


@pytest.fixture(scope="session")
def contract_target():
    world = generate_world(VARIANT_WORLD)
    keys = Keys.of(world)
    middlewares = [v.build(world, keys) for v in BROKEN if v.name == VARIANT]
    with serving(world, middlewares) as url:
        yield ContractTarget(
            base_url=url,
            admin_key=keys.admin[0],
            member_key=keys.member[0],
            other_admin_key={other},
        )
"""
ONE_LINE = (EXAMPLE / "contract_example.py").read_text(encoding="utf-8")


def variant_run(
    pytester: pytest.Pytester, variant: str | None, *args: str, other: bool = True
) -> pytest.HookRecorder:
    pytester.makeconftest(
        VARIANT_CONFTEST.format(variant=variant, other="keys.admin[1]" if other else "None")
    )
    pytester.makepyfile(test_contract=ONE_LINE)
    return pytester.inline_run(*PLUGIN, *QUICK, "-p", "no:cacheprovider", *args)


def failed_names(recorder: pytest.HookRecorder) -> set[str]:
    return {report.nodeid.rsplit("::", 1)[1] for report in recorder.getfailures()}


def variant_named(name: str) -> str:
    assert any(variant.name == name for variant in BROKEN), name
    return name


def test_the_entry_point_names_the_plugin() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["entry-points"]["pytest11"]["contracts"] == "contracts.pytest_plugin"


def test_pyargs_collects_one_item_per_check_and_one_per_schemathesis_phase(
    pytester: pytest.Pytester,
) -> None:
    result = pytester.runpytest(*PLUGIN, "--pyargs", "contracts", "--collect-only", "-q")
    ids = [line.split("::", 1)[1] for line in result.outlines if "::" in line]
    assert ids == [check.name for check in CHECKS] + [f"test_schema[{p}]" for p in PHASES]


def test_k_picks_checks_by_name(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_contract=ONE_LINE)
    result = pytester.runpytest(*PLUGIN, "--collect-only", "-q", "-k", "auth.member-forbidden")
    assert [line for line in result.outlines if "::" in line] == [
        "test_contract.py::auth.member-forbidden"
    ]


def test_the_documented_example_passes_against_the_server_its_fixture_starts(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest((EXAMPLE / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_contract=ONE_LINE)
    result = pytester.runpytest(*PLUGIN, *QUICK, "-p", "no:cacheprovider")
    result.assert_outcomes(passed=len(CHECKS) + len(PHASES))
    result.stdout.fnmatch_lines(["*contracts*", "*seed 20250101*", "data: total=*"])


def test_a_failure_reads_as_the_command_prints_it_with_keys_redacted(
    pytester: pytest.Pytester, contract_keys: Keys
) -> None:
    variant = variant_named("member-reads-audit-log")
    recorder = variant_run(pytester, variant, "-k", "auth.member-forbidden")
    (failure,) = recorder.getfailures()
    message = str(failure.longrepr)
    assert message.startswith("auth.member-forbidden: A member key gets 403")
    assert "reproduce: curl " in message and "$CONTRACT_MEMBER_KEY" in message
    assert "expected:  403" in message and "got:       200" in message
    assert "repeat with --contract-seed 20250101" in message
    assert not any(key in message for key in contract_keys.all())


def test_a_check_without_its_key_is_skipped_with_the_reason(pytester: pytest.Pytester) -> None:
    recorder = variant_run(pytester, None, "-k", "isolation.tenants", other=False)
    _, (skipped,), _ = recorder.listoutcomes()
    assert isinstance(skipped.longrepr, tuple)
    assert skipped.longrepr[2].startswith("Skipped: skipped: ")
    assert "other-admin-key" in skipped.longrepr[2]


@pytest.mark.parametrize("status", [Status.SKIPPED, Status.INCONCLUSIVE])
def test_checks_that_judged_nothing_are_skips_with_their_reason(status: Status) -> None:
    result = CheckResult("audit.since", "summary", status, "429 through every retry")
    with pytest.raises(pytest.skip.Exception, match=f"^{status.value}: 429 through every retry$"):
        conclude(result, settings_for("http://127.0.0.1:1", Keys(("a", "b"), ("m", "n"))))


def test_x_stops_at_the_first_failure(pytester: pytest.Pytester) -> None:
    recorder = variant_run(pytester, variant_named("member-reads-audit-log"), "-x", "-k", "auth.")
    passed, skipped, failed = recorder.listoutcomes()
    assert [report.nodeid.rsplit("::", 1)[1] for report in failed] == ["auth.member-forbidden"]
    assert len(passed) == 3 and not skipped


def test_junit_xml_has_a_case_per_check_with_the_failure(pytester: pytest.Pytester) -> None:
    report = pytester.path / "contracts.xml"
    variant_run(
        pytester, variant_named("member-reads-audit-log"), "-k", "auth.", f"--junitxml={report}"
    )
    cases = {case.get("name"): case for case in ElementTree.parse(report).iter("testcase")}
    assert set(cases) == {check.name for check in CHECKS if check.group == "auth"}
    failure = cases["auth.member-forbidden"].find("failure")
    assert failure is not None and "reproduce: curl" in (failure.get("message") or "")


def test_discovery_happens_once_for_every_check(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Settings] = []

    def counted(settings: Settings) -> AbstractContextManager[Run]:
        calls.append(settings)
        return opened(settings)

    monkeypatch.setattr("contracts.pytest_plugin.opened", counted)
    recorder = variant_run(pytester, None, "-k", "auth. or errors.")
    passed, _, failed = recorder.listoutcomes()
    assert len(passed) == 12 and not failed
    assert len(calls) == 1


def test_schemathesis_cases_go_through_the_runs_transport(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Paced, retried and counted with the checks' requests: one transport per run."""
    mounted: list[tuple[Transport, int]] = []

    def recorded(session: requests.Session, transport: Transport) -> requests.Session:
        mounted.append((transport, transport.traffic.requests))
        return mount(session, transport)

    monkeypatch.setattr("contracts.pytest_plugin.mount", recorded)
    recorder = variant_run(pytester, None, "-k", "test_schema and examples")
    passed, _, failed = recorder.listoutcomes()
    assert not failed
    assert any(report.nodeid.endswith("::test_schema[examples]") for report in passed)
    ((transport, after_discovery),) = mounted
    # Beyond discovery, the run's last request (did the log change?) and schemathesis's.
    assert transport.traffic.requests > after_discovery + 1


def test_options_come_from_the_environment_and_the_configuration_file(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    contract_world: World,
    contract_keys: Keys,
) -> None:
    pytester.makepyfile(test_contract=ONE_LINE)
    with serving(contract_world) as url:
        pytester.makefile(
            ".toml",
            contracts=f'base-url = "{url}"\nadmin-key = "${{ADMIN}}"\nmax-examples = 5\n',
        )
        monkeypatch.setenv("ADMIN", contract_keys.admin[0])
        monkeypatch.setenv("CONTRACT_MEMBER_KEY", contract_keys.member[0])
        result = pytester.runpytest(*PLUGIN, "-k", "auth.", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)


def test_a_missing_option_fails_with_its_pytest_flag(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_contract=ONE_LINE)
    result = pytester.runpytest(*PLUGIN, "-k", "auth.missing-key", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*contracts: missing --contract-base-url (or CONTRACT_BASE_URL)*"])


@pytest.mark.parametrize(
    ("variant", "with_schema"),
    [
        ("member-reads-audit-log", False),
        ("oldest-first", False),
        ("no-allow-header", False),
        # Missing on every entry: any phase of either engine meets it in every answer.
        ("entity-id-omitted-when-null", True),
    ],
)
def test_the_command_and_the_pytest_form_find_the_same_failures(
    pytester: pytest.Pytester,
    contract_world: World,
    contract_keys: Keys,
    variant: str,
    with_schema: bool,
) -> None:
    broken = next(v for v in BROKEN if v.name == variant_named(variant))
    with serving(contract_world, [broken.build(contract_world, contract_keys)]) as url:
        select = () if with_schema else tuple(sorted({check.group for check in CHECKS}))
        report = run_suite(settings_for(url, contract_keys, select=select, max_examples=EXAMPLES))
    by_command = {result.name for result in report.failed}
    recorder = variant_run(pytester, variant, *(() if with_schema else ("-k", SEMANTIC)))
    by_pytest = failed_names(recorder)
    assert by_command & broken.caught_by
    assert {n for n in by_pytest if not n.startswith("test_schema")} == {
        n for n in by_command if not n.startswith("schema.")
    }
    # schemathesis's engine and its pytest integration generate their own cases, so the
    # two forms agree on whether schemathesis finds the variant, not on which request.
    assert any(n.startswith("test_schema") for n in by_pytest) == with_schema
    assert any(n.startswith("schema.") for n in by_command) == with_schema


def test_parallel_workers_run_the_suite(pytester: pytest.Pytester) -> None:
    # pytest-xdist is in the test extra, so this runs wherever the tests do.
    recorder = variant_run(pytester, None, "-n", "2", "-k", SEMANTIC)
    passed, skipped, failed = recorder.listoutcomes()
    assert len(passed) == len(CHECKS) and not failed and not skipped


def test_the_summary_warns_of_an_unchecked_certificate(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(VARIANT_CONFTEST.format(variant=None, other="None"))
    pytester.makepyfile(test_contract=ONE_LINE)
    result = pytester.runpytest(*PLUGIN, *QUICK, "-k", "auth.missing-key", "--contract-insecure")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["warning: --contract-insecure: the server's certificate*"])
