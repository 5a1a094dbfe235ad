"""The section "Check a real implementation" stays true to the command it documents."""

from __future__ import annotations

import re

from contracts import check_names
from contracts.cli import ENVIRONMENT, build_parser
from contracts.curl import HEADER_VARIABLE_PREFIX
from tests import REPO_ROOT

README = REPO_ROOT / "README.md"


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


def test_every_documented_flag_and_variable_exists() -> None:
    text = section()
    flags = set(re.findall(r"(--[a-z][a-z-]+)", build_parser().format_help()))
    assert set(re.findall(r"(--[a-z][a-z-]+)", text)) <= flags
    variables = set(re.findall(r"\b(CONTRACT_[A-Z_]+)\b", text))
    # A reproduction names a --header value by a variable made from the header's name.
    placeholders = {v for v in variables if v.startswith(HEADER_VARIABLE_PREFIX)}
    assert variables - placeholders <= set(ENVIRONMENT.values())
