"""After a run: the baseline applied, every report asked for written, the exit status."""

from __future__ import annotations

import io
import json
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.baseline import entries_of, write
from contracts.outcome import CheckResult
from contracts.publish import (
    EXIT_FAILED,
    EXIT_INCONCLUSIVE,
    EXIT_PASSED,
    EXIT_USAGE,
    STEP_SUMMARY,
    publish,
)
from contracts.runner import Report
from mockserver.domain.models import World
from tests.contracts import samples
from tests.contracts.harness import run, serving
from tests.contracts.variants import BROKEN, Keys


def published(report: Report, environ: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = publish(report, environ or {}, out, err)
    return status, out.getvalue(), err.getvalue()


def with_paths(report: Report, folder: Path, **paths: str) -> Report:
    """`report` with its settings naming files in `folder`."""
    changes: dict[str, Any] = {name: folder / value for name, value in paths.items()}
    return replace(report, settings=replace(report.settings, **changes))


@pytest.mark.parametrize(
    ("results", "status"),
    [
        ((samples.PASSED, samples.SKIPPED), EXIT_PASSED),
        ((samples.PASSED, samples.FAILED), EXIT_FAILED),
        ((samples.PASSED, samples.INCONCLUSIVE), EXIT_INCONCLUSIVE),
        ((samples.FAILED, samples.INCONCLUSIVE), EXIT_FAILED),
    ],
)
def test_the_exit_status_without_a_baseline(results: tuple[CheckResult, ...], status: int) -> None:
    code, out, err = published(samples.report(*results))
    assert (code, err) == (status, "")
    assert out.startswith("Checking https://staging.example.com/gateway")


def test_known_failures_pass_a_new_one_fails_and_inconclusive_is_3(tmp_path: Path) -> None:
    write(tmp_path / "b.json", entries_of(samples.FAILED))
    known = with_paths(samples.report(samples.PASSED, samples.FAILED), tmp_path, baseline="b.json")
    assert published(known)[0] == EXIT_PASSED
    both = replace(known, results=(samples.FAILED, samples.SCHEMA_FAILED))
    assert published(both)[0] == EXIT_FAILED
    unsure = replace(known, results=(samples.FAILED, samples.INCONCLUSIVE))
    assert published(unsure)[0] == EXIT_INCONCLUSIVE


@pytest.mark.parametrize("text", [None, "not json", '{"version": 7, "failures": []}'])
def test_a_baseline_that_cannot_be_read_is_one_line_and_exit_2(
    tmp_path: Path, text: str | None
) -> None:
    if text is not None:
        (tmp_path / "b.json").write_text(text, encoding="utf-8")
    report = with_paths(samples.report(), tmp_path, baseline="b.json", json_report="r.json")
    code, out, err = published(report)
    assert (code, out) == (EXIT_USAGE, "")
    assert err.startswith("contracts: error: --baseline ")
    assert err.count("\n") == 1
    assert not (tmp_path / "r.json").exists()


def test_every_report_asked_for_is_written(tmp_path: Path) -> None:
    report = with_paths(
        samples.report(),
        tmp_path,
        junit_xml="out/c.xml",
        json_report="out/c.json",
        markdown_report="out/c.md",
        write_baseline="out/baseline.json",
    )
    summary = tmp_path / "summary.md"
    code, _, _ = published(report, {STEP_SUMMARY: str(summary)})
    assert code == EXIT_FAILED
    out = tmp_path / "out"
    assert ET.parse(out / "c.xml").getroot().tag == "testsuites"
    assert json.loads((out / "c.json").read_text())["outcome"] == "failed"
    assert (out / "c.md").read_text().startswith("## ❌ Contract suite failed")
    written = json.loads((out / "baseline.json").read_text())["failures"]
    assert {item["check"] for item in written} == {
        "params.limit-bounds",
        "schema.not_a_server_error",
    }
    # A path given for the Markdown report: the job summary is left to the CI step.
    assert not summary.exists()


def test_without_a_markdown_path_the_summary_goes_to_the_ci_job_summary(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("before\n", encoding="utf-8")
    published(samples.report(samples.PASSED), {STEP_SUMMARY: str(summary)})
    assert summary.read_text(encoding="utf-8").startswith("before\n## ✅ Contract suite passed")


def test_a_report_that_cannot_be_written_is_exit_2_and_the_others_are_written(
    tmp_path: Path,
) -> None:
    (tmp_path / "taken").write_text("a file, not a folder")
    report = with_paths(
        samples.report(samples.PASSED), tmp_path, junit_xml="taken/c.xml", json_report="c.json"
    )
    code, _, err = published(report)
    assert code == EXIT_USAGE
    assert err.startswith(f"contracts: error: cannot write {tmp_path / 'taken' / 'c.xml'}: ")
    assert (tmp_path / "c.json").exists()


@settings(max_examples=25, deadline=None)
@given(st.text())
def test_no_key_or_header_value_appears_in_any_output(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        report = with_paths(
            samples.report(samples.echoing(text), samples.FAILED),
            Path(folder),
            junit_xml="c.xml",
            json_report="c.json",
            markdown_report="c.md",
            write_baseline="b.json",
        )
        summary = Path(folder) / "summary.md"
        _, out, err = published(report, {STEP_SUMMARY: str(summary)})
        shown = [out, err, *(path.read_text(encoding="utf-8") for path in Path(folder).iterdir())]
    assert len(shown) == 6
    for secret in samples.SECRETS:
        assert not any(secret in text for text in shown)


# Variants whose failures are found by generated input: another seed asks other questions.
# schemathesis's own checks, run by its engine, find theirs with inputs of its own.
GENERATED = ("since-inclusive", "has-more-off-by-one", "action-prefix-match", "short-page")
SCHEMATHESIS = {"content-type-text": "schema.content_type_conformance"}


@pytest.mark.parametrize(
    ("names", "extra"),
    [(GENERATED, ()), (tuple(SCHEMATHESIS), tuple(SCHEMATHESIS.values()))],
    ids=["semantic", "schemathesis"],
)
def test_a_baseline_written_with_one_seed_knows_the_failures_found_with_others(
    contract_world: World,
    contract_keys: Keys,
    tmp_path: Path,
    names: tuple[str, ...],
    extra: tuple[str, ...],
) -> None:
    variants = [v for v in BROKEN if v.name in names]
    checks = extra or tuple(sorted({name for v in variants for name in v.caught_by}))
    middlewares = [v.build(contract_world, contract_keys) for v in variants]
    baseline = tmp_path / "baseline.json"
    with serving(contract_world, middlewares) as url:
        first = run(url, contract_keys, seed=1, select=checks, write_baseline=baseline)
        assert published(first)[0] == EXIT_FAILED
        assert {e["check"] for e in json.loads(baseline.read_text())["failures"]} == set(checks)
        for seed in (2, 3):
            again = run(url, contract_keys, seed=seed, select=checks, baseline=baseline)
            code, out, _ = published(again)
            assert code == EXIT_PASSED, out
            assert f"{len(checks)} failed ({len(checks)} known, 0 new)" in out


def test_a_new_failure_fails_beside_known_ones_and_a_mended_one_is_fixed(
    contract_world: World, contract_keys: Keys, tmp_path: Path
) -> None:
    since, page = (
        next(v for v in BROKEN if v.name == n) for n in ("since-inclusive", "short-page")
    )
    checks = ("audit.since", "audit.page-size")
    baseline = tmp_path / "baseline.json"
    with serving(contract_world, [since.build(contract_world, contract_keys)]) as url:
        published(run(url, contract_keys, select=checks, write_baseline=baseline))
    with serving(contract_world, [page.build(contract_world, contract_keys)]) as url:
        code, out, _ = published(run(url, contract_keys, select=checks, baseline=baseline))
    assert code == EXIT_FAILED
    lines = out.splitlines()
    assert any(line.startswith("  FAILED new    audit.page-size") for line in lines), out
    fixed = lines.index(
        "Fixed: in the baseline, no longer failing (--write-baseline writes it anew)"
    )
    assert lines[fixed + 1].startswith("  audit.since  only entries with timestamp > since=#")
