"""The section "Check a real implementation" stays true to the command and the pytest
form it documents."""

from __future__ import annotations

import re

import pytest

from contracts import check_names
from contracts.cli import ENVIRONMENT, build_parser
from contracts.curl import HEADER_VARIABLE_PREFIX
from tests import REPO_ROOT
from tests.contracts.harness import PLUGIN

pytest_plugins = ["pytester"]

README = REPO_ROOT / "README.md"
EXAMPLE = REPO_ROOT / "examples" / "contract_suite"
PYTEST_FORM = "\n### As pytest tests\n"
# A whole flag: `--contract-` alone, the prefix, is none.
FLAG = r"(--[a-z][a-z-]*[a-z])(?![\w-])"


# The part of the section about `contracts proxy`, a command of its own with its own
# flags and checks: tests/docs/test_readme_proxy.py holds it to them.
PROXY_PART = "\n### Checking live traffic: contracts proxy\n"


def section() -> str:
    """The README's section "Check a real implementation", up to the next section (the
    part about the proxy left out)."""
    text = README.read_text(encoding="utf-8")
    whole = text.split("\n## Check a real implementation\n", 1)[1].split("\n## ", 1)[0]
    before, _, after = whole.partition(PROXY_PART)
    return before + ("\n### " + after.split("\n### ", 1)[1] if "\n### " in after else "")


def test_every_check_is_documented() -> None:
    text = section()
    documented = set(re.findall(r"^\| `([a-z]+\.[a-z_-]+)` \|", text, flags=re.MULTILINE))
    assert documented == set(check_names())


def pytest_form() -> str:
    """The subsection "As pytest tests", up to the next subsection."""
    return section().split(PYTEST_FORM, 1)[1].split("\n### ", 1)[0]


def test_every_documented_flag_and_variable_exists() -> None:
    before, after = section().split(PYTEST_FORM, 1)
    text = before + after.split("\n### ", 1)[1]
    flags = set(re.findall(r"(--[a-z][a-z-]+)", build_parser().format_help()))
    assert set(re.findall(r"(--[a-z][a-z-]+)", text)) <= flags
    variables = set(re.findall(r"\b(CONTRACT_[A-Z_]+)\b", section()))
    # A reproduction names a --header value by a variable made from the header's name.
    placeholders = {v for v in variables if v.startswith(HEADER_VARIABLE_PREFIX)}
    assert variables - placeholders <= set(ENVIRONMENT.values())


def test_every_flag_of_the_pytest_form_is_one_pytest_has(pytester: pytest.Pytester) -> None:
    help_text = "\n".join(pytester.runpytest(*PLUGIN, "--help").outlines)
    # pytest's help names `--junit-xml` only; `--junitxml` is its other spelling.
    flags = {*re.findall(FLAG, help_text), "--junitxml"}
    documented = set(re.findall(FLAG, pytest_form()))
    assert {"--contract-base-url", "--contract-seed", "--junitxml"} <= documented
    # `--select` is quoted as the command's flag that `-k` replaces.
    assert documented - {"--select"} <= flags


def test_the_examples_are_the_tested_files_verbatim() -> None:
    blocks = pytest_form().split("```python\n")[1:]
    conftest, one_line = (block.split("```", 1)[0] for block in blocks)
    assert conftest == (EXAMPLE / "conftest.py").read_text(encoding="utf-8")
    assert one_line == (EXAMPLE / "contract_example.py").read_text(encoding="utf-8")
