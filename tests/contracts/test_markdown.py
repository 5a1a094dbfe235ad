"""The Markdown summary: counts, the checks that did not pass, each failure's curl; nothing
an answer holds can break its tables or code blocks, and no secret shows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from contracts.baseline import Baseline, Entry, compare, entries_of
from contracts.markdown import cell, code, render, write
from contracts.outcome import CheckResult, Status
from contracts.settings import Connection
from tests.contracts import samples


def test_the_summary_has_a_headline_counts_the_run_and_the_traffic() -> None:
    lines = render(samples.report()).splitlines()
    assert lines[0] == "## ❌ Contract suite failed"
    assert "**5 checks:** 1 passed, 2 failed, 1 skipped, 1 inconclusive in 9.8 s" in lines
    assert any(line.startswith("`https://staging.example.com/gateway` · seed 42") for line in lines)
    assert any(line.startswith("Traffic: 1234 requests, 13 retried") for line in lines)


def test_a_table_lists_only_the_checks_that_did_not_pass() -> None:
    lines = render(samples.report()).splitlines()
    rows = [line for line in lines if line.startswith("| ") and "`" in line]
    assert [row.split(" | ")[1] for row in rows] == [
        "`params.limit-bounds`",
        "`schema.not_a_server_error`",
        "`isolation.tenants`",
        "`audit.since`",
    ]
    assert rows[3] == "| ⚠️ inconclusive | `audit.since` | 503 persisted through 4 retries |"


def test_each_failure_shows_its_curl_in_a_code_block() -> None:
    text = render(samples.report())
    assert (
        "### `params.limit-bounds`\n\nlimit outside 1..200 gets 400.\n\n```sh\n"
        "curl -sS -i 'https://staging.example.com/gateway/api/v1/audit-log?limit=0'\n```\n"
        "- **expected:** 400 (limit='0': outside 1 to 200)\n- **got:** 200 OK\n"
    ) in text


def test_with_a_baseline_new_failures_come_first_and_fixed_ones_are_listed() -> None:
    known = Baseline(
        frozenset(entries_of(samples.FAILED)) | {Entry("auth.missing-key", "f", "r", "200")}
    )
    text = render(samples.report(), compare(samples.RESULTS, known))
    assert "| ❌ failed (known) | `params.limit-bounds` |" in text
    assert "| ❌ failed (new) | `schema.not_a_server_error` |" in text
    assert text.index("### `schema.not_a_server_error` (new)") < text.index(
        "### `params.limit-bounds` (known)"
    )
    assert "- `auth.missing-key`: r (the answer was 200)" in text
    assert "2 failed (1 known, 1 new)" in text


def test_a_run_that_passed_says_so_without_a_table() -> None:
    text = render(samples.report(samples.PASSED))
    assert text.startswith("## ✅ Contract suite passed\n")
    assert "| status |" not in text


def test_the_step_summary_is_appended_to_and_a_path_written_anew(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    path.write_text("## Earlier step\n", encoding="utf-8")
    write(samples.report(samples.PASSED), path, append=True)
    assert path.read_text(encoding="utf-8").startswith("## Earlier step\n## ✅ Contract suite")
    write(samples.report(samples.PASSED), path)
    assert path.read_text(encoding="utf-8").startswith("## ✅ Contract suite")


@given(st.text())
def test_a_cell_is_one_line_whose_pipes_and_tags_are_escaped(text: str) -> None:
    shown = cell(text)
    assert "\n" not in shown and "\r" not in shown
    assert "<" not in shown
    unescaped = shown.replace("\\\\", "").replace("\\|", "")
    assert "|" not in unescaped


@given(st.text())
def test_no_text_can_close_its_code_block(text: str) -> None:
    opening, body, closing = code(text)
    assert opening == closing
    assert opening not in body


@given(st.text(), st.text())
def test_no_key_or_header_value_is_ever_shown_even_when_escaping_applies(
    text: str, mark: str
) -> None:
    # A header value with characters Markdown escapes is redacted before it is escaped.
    odd = "tok&en|<" + mark
    settings = replace(samples.SETTINGS, connection=Connection(headers=(("X-Odd", odd),)))
    shown = render(samples.report(samples.echoing(text + odd), settings=settings))
    for secret in (samples.ADMIN_KEY, samples.MEMBER_KEY, samples.OTHER_ADMIN_KEY, odd):
        assert secret not in shown
    assert cell(odd) not in shown


def test_a_failure_without_findings_still_says_what_was_expected() -> None:
    result = CheckResult("a.b", "The rule.", Status.FAILED, "no answer: timed out")
    text = render(samples.report(result))
    assert "- **expected:** The rule.\n- **got:** no answer: timed out" in text
    assert "```sh" not in text
