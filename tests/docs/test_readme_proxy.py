"""The README's part about `contracts proxy` stays true to the command and its checks."""

from __future__ import annotations

import re

from contracts.proxy.cli import build_parser
from contracts.proxy.judge import RULE_NAMES
from tests.docs.test_readme_contracts import PROXY_PART, README


def part() -> str:
    text = README.read_text(encoding="utf-8")
    after = text.split(PROXY_PART, 1)[1]
    return re.split(r"\n##?# ", after, maxsplit=1)[0]


def test_every_flag_is_documented_and_every_documented_flag_exists() -> None:
    flags = set(re.findall(r"(--[a-z][a-z-]+)", build_parser().format_help())) - {"--help"}
    documented = set(re.findall(r"(--[a-z][a-z-]+)", part()))
    # `--short` and `--gate` are the benchmark's, which the part names too.
    assert documented - {"--short", "--gate"} == flags


def test_every_check_named_is_one_the_proxy_reports() -> None:
    named = set(re.findall(r"`([a-z]+\.[a-z_-]+)`", part())) - {"openapi.yaml"}
    assert named, "the part names the checks"
    assert named <= RULE_NAMES
    # The checks of the proxy's own, which the suite has not, are each explained.
    own = {name for name in RULE_NAMES if name.startswith("request.")} | {"audit.repeatable"}
    assert own <= named


def test_the_benchmark_gate_is_the_one_documented() -> None:
    from benchmarks.load import MEMORY_GROWTH_LIMIT
    from benchmarks.proxy import ADDED_P50_LIMIT_MS

    assert f"(the gate is {ADDED_P50_LIMIT_MS:g} ms)" in part()
    assert f"within {MEMORY_GROWTH_LIMIT:.0%}" in part()
